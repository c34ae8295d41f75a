"""Sanitising uploaded images: decode under limits, rotate upright, re-encode without metadata.

Nothing here touches the disk, the database or Django settings; limits come in as arguments and
the result is bytes. See the package docstring for why the limits exist.
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, ImageSequence, UnidentifiedImageError

from .errors import MediaRejected

# The only formats Pillow may even try to parse. Everything else (SVG, PDF, HEIC, TIFF, BMP,
# PSD, ICO, ...) is rejected before a single pixel is decoded: every extra decoder is attack
# surface, and the networks we publish to accept these four anyway.
ALLOWED_IMAGE_FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP", "GIF")

MIME_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
EXTENSIONS: dict[str, str] = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}

# Defaults the project settings should mirror (MEDIA_MAX_IMAGE_BYTES, MEDIA_MAX_IMAGE_PIXELS).
DEFAULT_MAX_IMAGE_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
# No sane photo or graphic is longer than this on one side; WebP itself stops at 16383.
MAX_IMAGE_SIDE = 20_000
# Animated GIF/WebP: every frame is decoded, so frames × width × height counts against the
# pixel limit as well, and the frame count is capped on its own.
MAX_ANIMATION_FRAMES = 1_000

JPEG_QUALITY = 88
WEBP_QUALITY = 88

# Instagram's feed accepts everything from 4:5 portrait to 1.91:1 landscape.
INSTAGRAM_MIN_ASPECT = 4 / 5
INSTAGRAM_MAX_ASPECT = 1.91

# JPEG and PNG headers are parsed by Pillow's open() without allocating the canvas; libwebp's
# decoder allocates the full canvas as soon as Pillow opens the file, so WebP dimensions are
# read from the RIFF header by hand first.
_WEBP_HEADER_BYTES = 30

# Encoded bytes, width, height, has transparency.
type _Encoded = tuple[bytes, int, int, bool]


@dataclass(frozen=True)
class SanitizedImage:
    """An image that was decoded completely and re-encoded without metadata."""

    content: bytes
    format: str  # "JPEG" | "PNG" | "WEBP" | "GIF"
    width: int
    height: int
    mime_type: str
    extension: str  # without dot: "jpg", "png", "webp", "gif"
    frame_count: int = 1
    has_transparency: bool = False

    @property
    def is_animated(self) -> bool:
        """Whether the image has more than one frame (animated GIF or WebP)."""
        return self.frame_count > 1


def sanitize_image(
    data: bytes | bytearray | memoryview | BinaryIO, *, max_bytes: int, max_pixels: int
) -> SanitizedImage:
    """Check, decode and re-encode an uploaded image; raise ``MediaRejected`` for bad input.

    The type is judged by the content, never by a file name or a claimed MIME type. Only JPEG,
    PNG, WebP and GIF are opened. The byte limit is checked before parsing, the pixel limit
    (including frames × pixels for animations) before decoding. The image is decoded fully, so
    truncated files are refused. EXIF orientation is applied, colours are converted to sRGB,
    and the result is written in the same format without EXIF, GPS, XMP, ICC profile or
    comments. Anything after the image data (a ZIP or HTML tail of a polyglot) is dropped.

    Animated GIF, WebP and PNG stay animated (every frame is re-encoded, with its duration
    and the loop count); a single-frame GIF stays a GIF. A JPEG with extra pictures (MPO:
    Ultra HDR gain map, depth map) keeps only its main picture.
    """
    raw = _read_limited(data, max_bytes)
    if not raw:
        raise MediaRejected(_("Die Datei ist leer."), code="empty")
    if len(raw) > max_bytes:
        raise MediaRejected(
            _("Die Datei ist zu groß (erlaubt sind höchstens %(limit)s).")
            % {"limit": format_megabytes(max_bytes)},
            code="too_large",
        )

    _check_webp_header(raw, max_pixels)
    image = open_image(raw, max_pixels=max_pixels)
    # Pillow calls a JPEG with an MPF index (Ultra HDR gain maps, depth maps, 3D cameras)
    # "MPO". It is a JPEG; only its first picture is kept.
    fmt = "JPEG" if image.format == "MPO" else image.format or ""
    frame_count = 1 if fmt == "JPEG" else _frame_count(image)
    _check_pixels(image.width, image.height, max_pixels, frame_count=frame_count)

    try:
        if frame_count > 1:
            content, width, height, has_alpha = _reencode_animation(image, fmt, raw)
        else:
            content, width, height, has_alpha = _reencode_still(image, fmt, raw)
    except MediaRejected:
        raise
    except Exception as exc:  # untrusted input: any decoder failure is a rejection
        raise _corrupt() from exc
    finally:
        image.close()

    return SanitizedImage(
        content=content,
        format=fmt,
        width=width,
        height=height,
        mime_type=MIME_TYPES[fmt],
        extension=EXTENSIONS[fmt],
        frame_count=frame_count,
        has_transparency=has_alpha,
    )


def open_image(raw: bytes, *, max_pixels: int) -> ImageFile.ImageFile:
    """Open ``raw`` with Pillow restricted to the allowed formats and check its dimensions.

    Only the header is parsed; pixels are not decoded yet. Shared by sanitising and renditions.
    """
    try:
        image = Image.open(io.BytesIO(raw), formats=list(ALLOWED_IMAGE_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Raised by Pillow's own global guard; the warning only arrives as an exception when
        # warnings are turned into errors, but either way it is a refusal, never a crash.
        raise _too_many_pixels(max_pixels) from exc
    except UnidentifiedImageError as exc:
        raise _unsupported(raw) from exc
    except Exception as exc:  # a broken header can raise nearly anything
        raise _corrupt() from exc
    if image.format not in (*ALLOWED_IMAGE_FORMATS, "MPO"):  # defensive: formats= ensures it
        image.close()
        raise _unsupported(raw)
    _check_pixels(image.width, image.height, max_pixels)
    return image


def aspect_ratio(width: int, height: int) -> float:
    """Width divided by height, e.g. 0.8 for 4:5 portrait and 1.91 for Instagram landscape."""
    if width <= 0 or height <= 0:
        raise ValueError("width and height must be positive")
    return width / height


def is_instagram_aspect_ratio(width: int, height: int, *, tolerance: float = 0.01) -> bool:
    """Whether Instagram's feed accepts the image as it is (4:5 up to 1.91:1)."""
    ratio = aspect_ratio(width, height)
    return INSTAGRAM_MIN_ASPECT - tolerance <= ratio <= INSTAGRAM_MAX_ASPECT + tolerance


def suggested_instagram_rendition(width: int, height: int) -> str:
    """The name of the Instagram rendition that crops the least from an image of this shape."""
    ratio = aspect_ratio(width, height)
    # Geometric midpoints between 4:5, 1:1 and 1.91:1.
    if ratio < math.sqrt(INSTAGRAM_MIN_ASPECT):
        return "instagram_portrait"
    if ratio < math.sqrt(INSTAGRAM_MAX_ASPECT):
        return "instagram_square"
    return "instagram_landscape"


def format_megabytes(size: int) -> str:
    """A byte count the German way, e.g. ``"25 MB"`` or ``"1,5 MB"`` (1 MB = 1024² bytes)."""
    megabytes = size / (1024 * 1024)
    text = f"{megabytes:.0f}" if megabytes >= 10 or megabytes.is_integer() else f"{megabytes:.1f}"
    return f"{text.replace('.', ',')} MB"


# --- reading and checking ----------------------------------------------------------------


def _read_limited(data: bytes | bytearray | memoryview | BinaryIO, max_bytes: int) -> bytes:
    """Return the upload's bytes, reading at most one byte more than allowed."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    if hasattr(data, "seek"):
        # A pipe-like stream cannot rewind: read from where it is.
        with contextlib.suppress(OSError, ValueError):
            data.seek(0)
    chunk = data.read(max_bytes + 1)
    return bytes(chunk or b"")


def _check_pixels(width: int, height: int, max_pixels: int, *, frame_count: int = 1) -> None:
    if width < 1 or height < 1 or width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE:
        raise MediaRejected(
            _(
                "Das Bild hat ungültige Abmessungen (%(width)s × %(height)s Pixel; "
                "höchstens %(side)s Pixel pro Seite)."
            )
            % {"width": width, "height": height, "side": MAX_IMAGE_SIDE},
            code="bad_dimensions",
        )
    if width * height > max_pixels:
        raise _too_many_pixels(max_pixels)
    if frame_count > MAX_ANIMATION_FRAMES:
        raise MediaRejected(
            _("Die Animation hat zu viele Einzelbilder (höchstens %(limit)s).")
            % {"limit": MAX_ANIMATION_FRAMES},
            code="too_many_frames",
        )
    if width * height * frame_count > max_pixels:
        raise MediaRejected(
            _(
                "Die Animation ist zu groß: Einzelbilder × Bildgröße übersteigen "
                "%(limit)s Megapixel. Bitte kürzen oder verkleinern, oder als Video hochladen."
            )
            % {"limit": _megapixels(max_pixels)},
            code="too_many_pixels",
        )


def _check_webp_header(raw: bytes, max_pixels: int) -> None:
    """Refuse an oversized WebP before libwebp allocates its canvas."""
    size = webp_dimensions(raw)
    if size is not None:
        _check_pixels(size[0], size[1], max_pixels)


def webp_dimensions(raw: bytes) -> tuple[int, int] | None:
    """Canvas size from a WebP RIFF header, or ``None`` if ``raw`` is not a readable WebP."""
    if len(raw) < _WEBP_HEADER_BYTES or raw[:4] != b"RIFF" or raw[8:12] != b"WEBP":
        return None
    chunk = raw[12:16]
    if chunk == b"VP8X":
        width = 1 + int.from_bytes(raw[24:27], "little")
        height = 1 + int.from_bytes(raw[27:30], "little")
        return width, height
    if chunk == b"VP8 ":
        width = int.from_bytes(raw[26:28], "little") & 0x3FFF
        height = int.from_bytes(raw[28:30], "little") & 0x3FFF
        return width, height
    if chunk == b"VP8L" and raw[20] == 0x2F:
        bits = int.from_bytes(raw[21:25], "little")
        return 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    return None


def _webp_is_lossless(raw: bytes) -> bool:
    """Whether the (first) frame of a WebP file is VP8L, i.e. losslessly compressed."""
    pos = 12
    while pos + 8 <= len(raw):
        fourcc = raw[pos : pos + 4]
        size = int.from_bytes(raw[pos + 4 : pos + 8], "little")
        if fourcc == b"VP8L":
            return True
        if fourcc == b"VP8 ":
            return False
        if fourcc == b"ANMF":
            # 16 bytes of frame header, then the frame's own ALPH/VP8/VP8L chunks.
            inner = raw[pos + 24 : pos + 8 + size]
            return inner[:4] == b"VP8L"
        pos += 8 + size + (size & 1)
    return False


def _frame_count(image: Image.Image) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception as exc:  # counting frames walks the file and can hit broken data
        raise _corrupt() from exc


# --- re-encoding ---------------------------------------------------------------------------


def _reencode_still(image: ImageFile.ImageFile, fmt: str, raw: bytes) -> _Encoded:
    image.load()  # decode everything now: truncated data raises here
    upright = _upright(image)
    icc = image.info.get("icc_profile")
    clean = _normalise_mode(_to_srgb(upright, icc), fmt)
    clean.info = _kept_info(upright, clean, fmt)
    has_alpha = _has_transparency(clean)

    out = io.BytesIO()
    if fmt == "JPEG":
        clean.save(out, "JPEG", quality=JPEG_QUALITY, progressive=True, optimize=True)
    elif fmt == "PNG":
        clean.save(out, "PNG", compress_level=6)
    elif fmt == "WEBP":
        clean.save(out, "WEBP", **_webp_options(raw))
    else:
        clean.save(out, "GIF")
    return out.getvalue(), clean.width, clean.height, has_alpha


def _reencode_animation(image: ImageFile.ImageFile, fmt: str, raw: bytes) -> _Encoded:
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        upright = _upright(frame.copy())
        # Frames after the first come composited as RGB/RGBA from Pillow; use RGBA for all
        # so transparency survives, and let the encoder build each frame's palette.
        frames.append(upright.convert("RGBA"))
        durations.append(max(int(frame.info.get("duration") or 100), 20))
    has_alpha = any(_has_transparency(frame) for frame in frames)
    if not has_alpha:
        frames = [frame.convert("RGB") for frame in frames]
    for frame in frames:
        frame.info = {}

    options: dict[str, object] = {
        "save_all": True,
        "append_images": frames[1:],
        "duration": durations,
    }
    if "loop" in image.info:  # without it a GIF plays once; keep that
        options["loop"] = int(image.info["loop"] or 0)
    if fmt == "GIF":
        # With transparency every frame is a full picture over a cleared canvas.
        options["disposal"] = 2 if has_alpha else 1
    elif fmt == "WEBP":
        options.update(_webp_options(raw))
    # APNG needs nothing more: full frames, each replacing the previous one.
    out = io.BytesIO()
    frames[0].save(out, fmt, **options)
    return out.getvalue(), frames[0].width, frames[0].height, has_alpha


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; a broken EXIF block is ignored, not fatal."""
    try:
        return ImageOps.exif_transpose(image) or image
    except Exception:  # malformed EXIF from some cameras and editors: keep pixels as stored
        return image


def _webp_options(raw: bytes) -> dict[str, object]:
    if _webp_is_lossless(raw):
        return {"lossless": True, "quality": 80, "method": 4}
    return {"quality": WEBP_QUALITY, "method": 4, "alpha_quality": 100}


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert pixels from an embedded ICC profile to sRGB, so the profile can be dropped.

    Keeping profiles would keep arbitrary vendor data; converting keeps the colours right
    (wide-gamut phone photos, print CMYK) while the output carries no profile at all.
    """
    if image.mode == "CMYK" and not icc:
        return image.convert("RGB")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = (ImageCms.getProfileDescription(source) or "").lower()
        if "srgb" in description and image.mode != "CMYK":
            return image  # already what everyone assumes without a profile
        out_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        srgb = ImageCms.createProfile("sRGB")
        converted = ImageCms.profileToProfile(
            image, source, srgb, outputMode=out_mode, renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
        return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        # An unusable profile is dropped; the pixels are then taken as sRGB.
        return image.convert("RGB") if image.mode == "CMYK" else image


def _normalise_mode(image: Image.Image, fmt: str) -> Image.Image:
    """Bring the decoded mode into one the output format stores without surprises."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale to 8 bit instead of letting values above 255 clip to white.
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
        mode = "L"
    elif mode == "F":
        image = image.convert("L")
        mode = "L"
    if fmt == "JPEG":
        return image if mode in ("L", "RGB") else image.convert("RGB")
    if fmt == "PNG":
        if mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
            return image
        return image.convert("RGBA")
    if fmt == "WEBP":
        if mode in ("RGB", "RGBA"):
            return image
        return image.convert("RGBA" if _has_transparency(image) else "RGB")
    # GIF: palette or greyscale as it was; anything else is quantised by the encoder.
    return image


def _kept_info(source: Image.Image, clean: Image.Image, fmt: str) -> dict[str, object]:
    """The only ``info`` entries allowed into the output: how to draw pixels, nothing else."""
    keep: dict[str, object] = {}
    if clean.mode == source.mode and "transparency" in source.info and fmt in ("PNG", "GIF"):
        keep["transparency"] = source.info["transparency"]
    if fmt == "GIF" and "background" in source.info:
        keep["background"] = source.info["background"]
    return keep


def _has_transparency(image: Image.Image) -> bool:
    """Whether any pixel is actually (partly) transparent."""
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        return image.getchannel("A").getextrema()[0] < 255
    if "transparency" in image.info:
        return image.convert("RGBA").getchannel("A").getextrema()[0] < 255
    return False


# --- messages ------------------------------------------------------------------------------


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def _too_many_pixels(max_pixels: int) -> MediaRejected:
    return MediaRejected(
        _("Das Bild hat zu viele Pixel (höchstens %(limit)s Megapixel).")
        % {"limit": _megapixels(max_pixels)},
        code="too_many_pixels",
    )


def _corrupt() -> MediaRejected:
    return MediaRejected(
        _("Die Bilddatei ist beschädigt oder unvollständig und kann nicht gelesen werden."),
        code="corrupt",
    )


def _unsupported(raw: bytes) -> MediaRejected:
    head = raw[:64]
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc"):
        return MediaRejected(
            _(
                "HEIC-Fotos (z. B. vom iPhone) werden nicht unterstützt. Bitte als JPEG "
                "exportieren oder in den Kamera-Einstellungen „Maximale Kompatibilität“ wählen."
            ),
            code="unsupported_type",
        )
    if head[4:8] == b"ftyp" or head[:4] == b"\x1a\x45\xdf\xa3":
        return MediaRejected(
            _("Die Datei ist ein Video, kein Bild. Bitte als Video hochladen."),
            code="unsupported_type",
        )
    return MediaRejected(
        _("Die Datei ist kein unterstütztes Bild (erlaubt: JPEG, PNG, WebP, GIF)."),
        code="unsupported_type",
    )
