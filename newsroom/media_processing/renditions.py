"""Renditions: the sizes and crops each network wants, made from a sanitised image.

Renditions are always still images (the first frame of an animation): JPEG, or PNG when the
picture really uses transparency and the spec allows it. Small sources are never enlarged;
a crop-to-fill rendition of a small image keeps the target's aspect ratio at the source's
resolution, so ``RenditionResult.width``/``height`` can be smaller than the spec.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Literal

from PIL import ExifTags, Image, ImageOps

from .errors import MediaRejected
from .images import DEFAULT_MAX_IMAGE_PIXELS, EXTENSIONS, MIME_TYPES, _corrupt, open_image

# Shrink by fast integer reduction (Image.reduce) only down to this many times the target
# size, then finish with Lanczos: fast, and without visible loss of sharpness.
REDUCING_GAP = 2.0
# JPEG DCT scaling (Image.draft) already filters properly, so it may get closer to the target.
DRAFT_REDUCING_GAP = 1.25


@dataclass(frozen=True)
class RenditionSpec:
    """How to derive one rendition.

    ``mode="fill"`` crops centred to exactly ``width``×``height``'s aspect ratio and scales to
    that size; ``mode="fit"`` scales to fit inside the box, keeping the whole picture.
    ``output="auto"`` writes PNG for pictures with transparency, JPEG otherwise;
    ``output="jpeg"`` always writes JPEG (transparency flattened onto white).
    """

    name: str
    width: int
    height: int
    mode: Literal["fill", "fit"]
    output: Literal["jpeg", "auto"] = "jpeg"
    quality: int = 85


RENDITION_SPECS: dict[str, RenditionSpec] = {
    spec.name: spec
    for spec in (
        # Instagram feed: 4:5 portrait is the largest area it shows.
        RenditionSpec("instagram_portrait", 1080, 1350, "fill"),
        RenditionSpec("instagram_square", 1080, 1080, "fill"),
        # Instagram's widest accepted shape, 1.91:1.
        RenditionSpec("instagram_landscape", 1080, 566, "fill"),
        # X and Facebook feed and link images: 16:9.
        RenditionSpec("landscape", 1200, 675, "fill"),
        # For lists and pickers in the newsroom itself.
        RenditionSpec("thumbnail", 320, 320, "fit", output="auto", quality=80),
        # The editor's preview of a post: about 800 px wide, height follows the picture.
        RenditionSpec("preview", 800, 1000, "fit", output="auto", quality=82),
    )
}


@dataclass(frozen=True)
class RenditionResult:
    """One encoded rendition."""

    content: bytes
    width: int
    height: int
    format: str  # "JPEG" | "PNG"

    @property
    def mime_type(self) -> str:
        """The MIME type of ``content``."""
        return MIME_TYPES[self.format]

    @property
    def extension(self) -> str:
        """The file extension for ``content``, without dot."""
        return EXTENSIONS[self.format]


def make_rendition(
    content: bytes, spec: RenditionSpec | str, *, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> RenditionResult:
    """Make one rendition (a ``RenditionSpec`` or the name of one in ``RENDITION_SPECS``).

    ``content`` should be the output of ``sanitize_image``; it is opened under the same format
    and pixel restrictions anyway. Raises ``MediaRejected`` for unreadable input.
    """
    spec = RENDITION_SPECS[spec] if isinstance(spec, str) else spec
    return make_renditions(content, [spec], max_pixels=max_pixels)[spec.name]


def make_renditions(
    content: bytes,
    names: list[str] | tuple[str, ...] | list[RenditionSpec] | None = None,
    *,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
) -> dict[str, RenditionResult]:
    """Make several renditions (default: all of ``RENDITION_SPECS``) from one decode.

    A large JPEG is decoded only once, at the smallest DCT scale (1/2, 1/4, 1/8) that still
    covers every requested rendition (``Image.draft``); each rendition is then reduced by an
    integer factor and finished with Lanczos (``resize(reducing_gap=...)``).
    """
    specs = [
        RENDITION_SPECS[item] if isinstance(item, str) else item
        for item in (names if names is not None else list(RENDITION_SPECS))
    ]
    image = open_image(content, max_pixels=max_pixels)
    try:
        base = _decode_base(image, specs)
        results = {spec.name: _render(base, spec) for spec in specs}
    except MediaRejected:
        raise
    except Exception as exc:  # untrusted input: any decoder failure is a rejection
        raise _corrupt() from exc
    finally:
        image.close()
    return results


def _target_size(source: tuple[int, int], spec: RenditionSpec) -> tuple[int, int]:
    """The rendition's final size: never larger than the source allows."""
    src_w, src_h = source
    if spec.mode == "fit":
        scale = min(spec.width / src_w, spec.height / src_h, 1.0)
        return max(1, round(src_w * scale)), max(1, round(src_h * scale))
    scale = min(src_w / spec.width, src_h / spec.height, 1.0)
    return max(1, round(spec.width * scale)), max(1, round(spec.height * scale))


def _decode_base(image: Image.Image, specs: list[RenditionSpec]) -> Image.Image:
    """Decode the first frame, as small as every spec allows, upright, in RGB/RGBA/L."""
    orientation = 1
    try:
        orientation = int(image.getexif().get(ExifTags.Base.Orientation, 1))
    except Exception:  # broken EXIF: treat as upright; sanitised input has none anyway
        orientation = 1
    swapped = orientation in (5, 6, 7, 8)
    upright_size = (image.height, image.width) if swapped else image.size

    if image.format in ("JPEG", "MPO"):
        # The smallest size that still covers every rendition, with a little headroom.
        need_w = need_h = 1
        for spec in specs:
            target = _target_size(upright_size, spec)
            if spec.mode == "fill":
                # The crop covers the full image in one direction; the other direction must
                # still hold the target size, so both sides need the covering scale.
                scale = max(target[0] / upright_size[0], target[1] / upright_size[1])
                target = (
                    round(upright_size[0] * scale),
                    round(upright_size[1] * scale),
                )
            need_w = max(need_w, round(target[0] * DRAFT_REDUCING_GAP))
            need_h = max(need_h, round(target[1] * DRAFT_REDUCING_GAP))
        request = (need_h, need_w) if swapped else (need_w, need_h)
        image.draft(image.mode if image.mode in ("RGB", "L") else None, request)

    image.load()
    base: Image.Image = image
    if orientation != 1:
        base = ImageOps.exif_transpose(image) or image
    if base.mode in ("RGB", "RGBA", "L"):
        return base
    if base.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return base.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    if base.mode == "CMYK":
        return base.convert("RGB")
    has_alpha = base.mode in ("LA", "PA", "La", "RGBa") or "transparency" in base.info
    return base.convert("RGBA" if has_alpha else "RGB")


def _render(base: Image.Image, spec: RenditionSpec) -> RenditionResult:
    size = _target_size(base.size, spec)
    if spec.mode == "fit":
        image = base.resize(size, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    else:
        # Centred crop to the target's aspect ratio, as ImageOps.fit does, but with
        # reducing_gap so big sources are first shrunk by a fast integer factor.
        src_w, src_h = base.size
        target_ratio = size[0] / size[1]
        if src_w / src_h > target_ratio:
            crop_w, crop_h = src_h * target_ratio, float(src_h)
        else:
            crop_w, crop_h = float(src_w), src_w / target_ratio
        left, top = (src_w - crop_w) / 2, (src_h - crop_h) / 2
        image = base.resize(
            size,
            Image.Resampling.LANCZOS,
            box=(left, top, left + crop_w, top + crop_h),
            reducing_gap=REDUCING_GAP,
        )

    # resize() copies ``info``; drop it so no comment or profile of an unsanitised source
    # can reach the encoder.
    image.info = {}
    transparent = image.mode == "RGBA" and image.getchannel("A").getextrema()[0] < 255
    out = io.BytesIO()
    if transparent and spec.output == "auto":
        image.save(out, "PNG", compress_level=6)
        return RenditionResult(out.getvalue(), image.width, image.height, "PNG")
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    image.save(out, "JPEG", quality=spec.quality, progressive=True, optimize=True)
    return RenditionResult(out.getvalue(), image.width, image.height, "JPEG")
