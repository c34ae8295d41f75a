"""Sanitising uploaded images and making renditions; every input is generated here."""

import io
import struct
import warnings
import zipfile
import zlib

import pytest
from PIL import ExifTags, Image, ImageCms, ImageDraw, PngImagePlugin

from newsroom.media_processing import (
    RENDITION_SPECS,
    MediaRejected,
    RenditionSpec,
    aspect_ratio,
    is_instagram_aspect_ratio,
    make_rendition,
    make_renditions,
    sanitize_image,
    suggested_instagram_rendition,
)

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 50_000_000


def sanitize(data, **limits):
    return sanitize_image(
        data,
        max_bytes=limits.get("max_bytes", MAX_BYTES),
        max_pixels=limits.get("max_pixels", MAX_PIXELS),
    )


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def photo(size=(600, 400), mode="RGB") -> Image.Image:
    """A picture with structure (noise and shapes), so encoders produce realistic files."""
    image = Image.effect_noise(size, 40).convert(mode if mode != "RGBA" else "RGB")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0] // 4, size[1] // 4), fill="red")
    return image.convert(mode)


def exif_with_gps(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "ACME"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.Artist] = "Erika Mustermann"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 36.0)
    return exif


def reopen(content: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    image.load()
    return image


def assert_no_metadata(content: bytes) -> None:
    image = reopen(content)
    assert not image.getexif()
    for key in ("exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment", "Comment"):
        assert key not in image.info, key
    for marker in (b"Exif\x00", b"GPS", b"ACME", b"Mustermann", b"xpacket", b"secret"):
        assert marker not in content, marker


# --- formats that are kept -----------------------------------------------------------------


def test_it_rotates_by_exif_orientation_and_strips_exif_gps_xmp_and_comment():
    source = photo((600, 400))  # red corner top left as stored
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        source,
        "JPEG",
        exif=exif_with_gps(orientation=6),
        xmp=b"<x:xmpmeta><secret>GPS</secret></x:xmpmeta>",
        comment=b"secret comment",
        icc_profile=srgb,
    )
    assert b"GPS" in data and b"Mustermann" in data

    result = sanitize(data)

    assert (result.format, result.extension, result.mime_type) == ("JPEG", "jpg", "image/jpeg")
    # Orientation 6 means "turn 90° clockwise to display": the sizes swap …
    assert (result.width, result.height) == (400, 600)
    image = reopen(result.content)
    assert image.size == (400, 600)
    # … and the red corner, top left as stored, ends up top right.
    red, green, _ = image.getpixel((390, 10))
    assert red > 200 and green < 80
    assert_no_metadata(result.content)


def test_it_writes_progressive_jpeg():
    result = sanitize(encode(photo(), "JPEG"))
    assert reopen(result.content).info.get("progressive") == 1


def test_it_accepts_a_file_object_and_reads_from_the_start():
    upload = io.BytesIO(encode(photo(), "JPEG"))
    upload.read(10)
    assert sanitize(upload).format == "JPEG"


def test_it_strips_png_text_chunks_and_exif():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    data = encode(photo(mode="RGB"), "PNG", pnginfo=info, exif=exif_with_gps())

    result = sanitize(data)

    assert result.format == "PNG"
    assert_no_metadata(result.content)
    assert b"tEXt" not in result.content and b"iTXt" not in result.content


def test_it_keeps_png_alpha():
    image = Image.new("RGBA", (50, 40), (0, 0, 255, 0))
    ImageDraw.Draw(image).ellipse((5, 5, 45, 35), fill=(255, 0, 0, 255))

    result = sanitize(encode(image, "PNG"))

    assert result.has_transparency
    out = reopen(result.content)
    assert out.mode == "RGBA"
    assert out.getpixel((0, 0))[3] == 0 and out.getpixel((25, 20))[3] == 255


def test_it_keeps_a_palette_png_with_transparency():
    image = Image.new("P", (30, 30), 0)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((10, 10, 20, 20), fill=1)
    data = encode(image, "PNG", transparency=0)

    result = sanitize(data)

    assert result.has_transparency
    out = reopen(result.content).convert("RGBA")
    assert out.getpixel((0, 0))[3] == 0
    assert out.getpixel((15, 15)) == (255, 0, 0, 255)


def test_it_scales_16_bit_png_down_instead_of_clipping():
    image = Image.new("I;16", (64, 8))
    for x in range(64):
        for y in range(8):
            image.putpixel((x, y), x * 1040)  # 0 … 65520
    data = encode(image, "PNG")

    result = sanitize(data)

    out = reopen(result.content)
    assert out.mode == "L"
    assert out.getpixel((0, 0)) == 0
    assert 120 <= out.getpixel((32, 0)) <= 135  # middle grey, not clipped to white
    assert out.getpixel((63, 0)) >= 250


def test_it_converts_cmyk_jpeg_to_rgb():
    data = encode(Image.new("CMYK", (40, 30), (0, 255, 255, 0)), "JPEG")

    result = sanitize(data)

    out = reopen(result.content)
    assert out.mode == "RGB"
    red, green, blue = out.getpixel((20, 15))
    assert red > 200 and green < 60 and blue < 60


def test_it_converts_a_wide_gamut_profile_to_srgb_and_drops_it():
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    image = Image.new("RGB", (20, 20), (200, 100, 50))
    data = encode(image, "JPEG", icc_profile=profile)

    result = sanitize(data)

    assert "icc_profile" not in reopen(result.content).info


def test_it_keeps_webp_and_strips_its_exif():
    data = encode(photo(), "WEBP", quality=80, exif=exif_with_gps().tobytes())
    assert b"EXIF" in data

    result = sanitize(data)

    assert (result.format, result.extension, result.mime_type) == ("WEBP", "webp", "image/webp")
    assert b"EXIF" not in result.content
    assert_no_metadata(result.content)


def test_it_keeps_lossless_webp_lossless():
    image = Image.new("RGB", (64, 64), (10, 200, 30))
    ImageDraw.Draw(image).line((0, 0, 63, 63), fill=(255, 0, 255), width=1)

    result = sanitize(encode(image, "WEBP", lossless=True))

    assert b"VP8L" in result.content
    assert reopen(result.content).getpixel((10, 10)) == (255, 0, 255)


def test_it_keeps_a_still_gif():
    image = Image.new("P", (32, 32), 0)
    image.putpalette([255, 255, 255, 0, 128, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((8, 8, 24, 24), fill=1)

    result = sanitize(encode(image, "GIF", comment=b"secret"))

    assert (result.format, result.mime_type, result.frame_count) == ("GIF", "image/gif", 1)
    assert b"secret" not in result.content
    assert reopen(result.content).convert("RGB").getpixel((16, 16)) == (0, 128, 0)


def test_it_keeps_a_gif_animated_with_durations():
    frames = []
    for colour in ("red", "green", "blue"):
        frame = Image.new("RGB", (40, 30), "white")
        ImageDraw.Draw(frame).rectangle((5, 5, 35, 25), fill=colour)
        frames.append(frame)
    data = encode(
        frames[0], "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0
    )

    result = sanitize(data)

    assert result.is_animated and result.frame_count == 3
    out = Image.open(io.BytesIO(result.content))
    assert out.n_frames == 3
    durations = []
    colours = []
    for index in range(3):
        out.seek(index)
        durations.append(out.info["duration"])
        colours.append(out.convert("RGB").getpixel((20, 15)))
    assert durations == [100, 200, 300]
    assert colours == [(255, 0, 0), (0, 128, 0), (0, 0, 255)]


def test_it_keeps_an_animated_webp_animated():
    frames = [Image.new("RGBA", (40, 30), colour) for colour in ("red", "blue")]
    data = encode(
        frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=[150, 250], loop=0
    )

    result = sanitize(data)

    assert (result.format, result.frame_count) == ("WEBP", 2)
    out = Image.open(io.BytesIO(result.content))
    out.seek(1)
    assert out.convert("RGB").getpixel((20, 15))[2] > 200
    assert out.info["duration"] == 250


def test_it_keeps_an_animated_png_animated():
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue", "green")]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)

    result = sanitize(data)

    assert (result.format, result.frame_count) == ("PNG", 3)
    out = Image.open(io.BytesIO(result.content))
    assert out.n_frames == 3
    out.seek(2)
    assert out.convert("RGB").getpixel((20, 15)) == (0, 128, 0)


def test_it_keeps_only_the_main_picture_of_a_multi_picture_jpeg():
    # Ultra HDR photos from Android phones carry a gain map as a second JPEG (MPF/MPO).
    main = photo((300, 200))
    gain_map = Image.new("RGB", (150, 100), "gray")
    data = encode(main, "MPO", save_all=True, append_images=[gain_map])
    assert Image.open(io.BytesIO(data)).format == "MPO"

    result = sanitize(data)

    assert (result.format, result.frame_count, result.width) == ("JPEG", 1, 300)
    out = reopen(result.content)
    assert out.format == "JPEG" and getattr(out, "n_frames", 1) == 1
    assert b"MPF" not in result.content


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_it_ignores_broken_exif_instead_of_refusing_the_photo():
    data = encode(
        photo((300, 200)), "JPEG", exif=b"Exif\x00\x00II*\x00\xff\xff\xff\x7f" + b"\x00" * 8
    )

    result = sanitize(data)

    assert (result.width, result.height) == (300, 200)
    assert_no_metadata(result.content)


def test_it_refuses_an_animation_with_too_many_pixels_over_all_frames():
    frames = [Image.new("RGB", (100, 100), (index * 20, 0, 0)) for index in range(10)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])

    with pytest.raises(MediaRejected) as exc:
        sanitize(data, max_pixels=50_000)  # one frame fits, ten do not

    assert exc.value.code == "too_many_pixels"


# --- content decides, not the name ---------------------------------------------------------


def test_it_judges_a_png_named_jpg_by_its_content(tmp_path):
    path = tmp_path / "foto.jpg"
    path.write_bytes(encode(photo(), "PNG"))

    with path.open("rb") as upload:
        result = sanitize(upload)

    assert (result.format, result.extension, result.mime_type) == ("PNG", "png", "image/png")


def test_it_drops_a_zip_appended_to_a_jpeg():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    data = encode(photo(), "JPEG") + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(data))

    result = sanitize(data)

    assert b"PK\x03\x04" not in result.content and b"<script>" not in result.content
    assert not zipfile.is_zipfile(io.BytesIO(result.content))
    assert reopen(result.content).format == "JPEG"


def test_it_strips_a_huge_exif_blob():
    exif = exif_with_gps()
    exif[ExifTags.Base.ImageDescription] = "x" * 60_000
    data = encode(photo((200, 100)), "JPEG", exif=exif.tobytes())
    assert len(data) > 60_000

    result = sanitize(data)

    assert len(result.content) < 30_000
    assert_no_metadata(result.content)


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>',
            id="svg",
        ),
        pytest.param(
            b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>", id="html"
        ),
        pytest.param(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n", id="pdf"),
        pytest.param(b"just some text, renamed to bild.png\n", id="text"),
        pytest.param(b"BM" + b"\x00" * 60, id="bmp"),
        pytest.param(encode(Image.new("RGB", (8, 8)), "TIFF"), id="tiff"),
        pytest.param(encode(Image.new("RGB", (8, 8)), "BMP"), id="real-bmp"),
    ],
)
def test_it_refuses_what_is_not_an_allowed_image(data):
    with pytest.raises(MediaRejected) as exc:
        sanitize(data)

    assert exc.value.code == "unsupported_type"
    assert "JPEG, PNG, WebP, GIF" in exc.value.message


def test_it_explains_heic():
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64

    with pytest.raises(MediaRejected) as exc:
        sanitize(data)

    assert exc.value.code == "unsupported_type"
    assert "HEIC" in exc.value.message


def test_it_refuses_an_empty_file():
    with pytest.raises(MediaRejected) as exc:
        sanitize(b"")
    assert exc.value.code == "empty"


def test_it_refuses_a_file_over_the_byte_limit_before_reading_all_of_it():
    class Upload(io.BytesIO):
        def read(self, size=-1):
            assert size == 1001, "must not read more than the limit plus one byte"
            return super().read(size)

    data = encode(photo(), "PNG")

    with pytest.raises(MediaRejected) as exc:
        sanitize(Upload(data), max_bytes=1000)

    assert exc.value.code == "too_large"
    assert "MB" in exc.value.message


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def test_it_refuses_a_png_header_claiming_too_many_pixels():
    with pytest.raises(MediaRejected) as exc:
        sanitize(png_claiming(8_000, 8_000))
    assert exc.value.code == "too_many_pixels"


def test_it_refuses_what_pillow_itself_calls_a_decompression_bomb():
    # Even with our own limit switched off, Pillow's guard becomes a refusal, not a crash.
    with pytest.raises(MediaRejected) as exc:
        sanitize(png_claiming(50_000, 50_000), max_pixels=10**12)
    assert exc.value.code == "too_many_pixels"


def test_it_treats_pillows_bomb_warning_as_refusal_when_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(MediaRejected) as exc:
            sanitize(png_claiming(10_000, 10_000), max_pixels=10**12)
    assert exc.value.code == "too_many_pixels"


def test_it_refuses_a_highly_compressible_huge_png():
    data = encode(Image.new("1", (9_000, 9_000)), "PNG")
    assert len(data) < 100_000  # a few kilobytes, 81 megapixels

    with pytest.raises(MediaRejected) as exc:
        sanitize(data)

    assert exc.value.code == "too_many_pixels"


def test_it_refuses_a_webp_canvas_too_large_before_libwebp_allocates_it():
    data = encode(Image.new("RGBA", (16, 16), (0, 0, 0, 0)), "WEBP")
    assert data[12:16] == b"VP8X"
    # Claim a 16383 × 16383 canvas in the VP8X header.
    data = data[:24] + (16382).to_bytes(3, "little") * 2 + data[30:]

    with pytest.raises(MediaRejected) as exc:
        sanitize(data)

    assert exc.value.code == "too_many_pixels"


def test_it_refuses_a_gif_screen_claiming_absurd_dimensions():
    data = encode(Image.new("P", (4, 4)), "GIF")
    data = data[:6] + struct.pack("<HH", 65_000, 1) + data[10:]

    with pytest.raises(MediaRejected) as exc:
        sanitize(data)

    assert exc.value.code == "bad_dimensions"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_it_refuses_a_truncated_image(fmt):
    data = encode(photo((400, 300)), fmt)

    with pytest.raises(MediaRejected) as exc:
        sanitize(data[: len(data) * 2 // 3])

    assert exc.value.code == "corrupt"


def test_it_refuses_garbage_after_a_valid_jpeg_header():
    data = encode(photo(), "JPEG")
    start_of_scan = data.index(b"\xff\xda")
    broken = data[: start_of_scan + 20]

    with pytest.raises(MediaRejected) as exc:
        sanitize(broken)

    assert exc.value.code == "corrupt"


# --- aspect ratios -------------------------------------------------------------------------


def test_it_knows_instagrams_aspect_ratios():
    assert aspect_ratio(1080, 1350) == pytest.approx(0.8)
    assert is_instagram_aspect_ratio(1080, 1350)
    assert is_instagram_aspect_ratio(1080, 566)
    assert not is_instagram_aspect_ratio(1080, 1920)  # 9:16 story format
    assert not is_instagram_aspect_ratio(3000, 1000)
    assert suggested_instagram_rendition(1080, 1920) == "instagram_portrait"
    assert suggested_instagram_rendition(1000, 1000) == "instagram_square"
    assert suggested_instagram_rendition(1600, 900) == "instagram_landscape"
    with pytest.raises(ValueError):
        aspect_ratio(0, 10)


# --- renditions ----------------------------------------------------------------------------


def test_it_makes_every_rendition_from_a_large_jpeg():
    content = sanitize(encode(photo((3000, 2000)), "JPEG")).content

    results = make_renditions(content)

    assert set(results) == set(RENDITION_SPECS)
    for name in ("instagram_portrait", "instagram_square", "instagram_landscape", "landscape"):
        spec = RENDITION_SPECS[name]
        assert (results[name].width, results[name].height) == (spec.width, spec.height), name
    assert (results["thumbnail"].width, results["thumbnail"].height) == (320, 213)
    assert results["preview"].width == 800
    for name, result in results.items():
        assert result.format == "JPEG" and result.mime_type == "image/jpeg", name
        assert reopen(result.content).size == (result.width, result.height), name


def test_it_crops_to_fill_around_the_centre():
    image = Image.new("RGB", (1600, 900), "blue")
    ImageDraw.Draw(image).rectangle((700, 350, 900, 550), fill="yellow")  # centre mark
    content = encode(image, "PNG")

    result = make_rendition(content, "instagram_portrait")

    out = reopen(result.content)
    assert (out.width, out.height) == (720, 900)  # 4:5 at the source's height, not enlarged
    red, green, blue = out.getpixel((out.width // 2, out.height // 2))
    assert red > 200 and green > 200 and blue < 80


def test_it_does_not_enlarge_small_images():
    content = encode(photo((200, 100)), "JPEG")

    results = make_renditions(content, ["landscape", "thumbnail"])

    assert (results["landscape"].width, results["landscape"].height) == (178, 100)
    assert (results["thumbnail"].width, results["thumbnail"].height) == (200, 100)


def test_it_keeps_transparency_as_png_where_the_spec_allows():
    image = Image.new("RGBA", (1000, 1000), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 900, 900), fill=(255, 0, 0, 255))
    content = sanitize(encode(image, "PNG")).content

    results = make_renditions(content, ["thumbnail", "instagram_square"])

    assert results["thumbnail"].format == "PNG"
    assert reopen(results["thumbnail"].content).getpixel((0, 0))[3] == 0
    # Networks get JPEG: transparency flattened onto white.
    assert results["instagram_square"].format == "JPEG"
    assert reopen(results["instagram_square"].content).getpixel((0, 0)) == (255, 255, 255)


def test_it_makes_a_still_rendition_of_an_animated_gif():
    frames = [Image.new("RGB", (300, 200), colour) for colour in ("red", "green")]
    content = sanitize(encode(frames[0], "GIF", save_all=True, append_images=frames[1:])).content

    result = make_rendition(content, "thumbnail")

    assert result.format == "JPEG"
    assert reopen(result.content).getpixel((10, 10))[0] > 200


def test_it_accepts_a_custom_spec():
    spec = RenditionSpec("banner", 300, 100, "fill", quality=70)

    result = make_rendition(encode(photo((900, 900)), "WEBP"), spec)

    assert (result.width, result.height, result.extension) == (300, 100, "jpg")


def test_it_applies_exif_orientation_to_unsanitised_rendition_input():
    content = encode(photo((3000, 2000)), "JPEG", exif=exif_with_gps(orientation=6))

    result = make_rendition(content, "preview")

    assert (result.width, result.height) == (667, 1000)


def test_it_writes_renditions_without_metadata_even_from_unsanitised_input():
    data = encode(
        photo((1200, 900)),
        "JPEG",
        exif=exif_with_gps(),
        comment=b"secret comment",
        xmp=b"<x:xmpmeta>secret</x:xmpmeta>",
    )

    for result in make_renditions(data).values():
        assert_no_metadata(result.content)


def test_it_refuses_a_broken_rendition_source():
    with pytest.raises(MediaRejected) as exc:
        make_renditions(b"not an image")
    assert exc.value.code == "unsupported_type"
