"""1,000 malformed or hostile uploads, generated (seeded, so a failure can be reproduced):
truncated images, decompression bombs, polyglots, wrong extensions, huge EXIF, empty files,
SVG with script, videos in broken or wrong containers, random bytes, hostile file names."""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class HostileFile:
    family: str
    name: str
    content: bytes
    content_type: str


def _image(fmt: str, size=(64, 48), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt, **save)
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(
        ">I", zlib.crc32(kind + data) & 0xFFFFFFFF
    )


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG that claims (and inflates to) a gigantic picture."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(min(height, 64))) + compressor.flush()
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", data)
            + _png_chunk(b"IEND", b""))


def gif_bomb(width: int, height: int) -> bytes:
    """A GIF whose logical screen and frame claim huge dimensions."""
    return (b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00"
            + b"\x2c" + struct.pack("<HHHH", 0, 0, width, height) + b"\x00"
            + b"\x02\x02\x44\x01\x00\x3b")


def jpeg_with_exif(segments: int, segment_size: int = 65_000, broken_ifd: bool = False) -> bytes:
    """A JPEG with many (or malformed) APP1 Exif segments in front of the picture."""
    jpeg = _image("JPEG")
    app1 = []
    for _ in range(segments):
        if broken_ifd:
            # TIFF header pointing at an IFD with 65,535 entries and offsets beyond the end.
            body = b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 0xFFFF)
            body += struct.pack("<HHII", 0x8769, 4, 1, 0x7FFFFFF0) * 40
        else:
            body = b"Exif\x00\x00II*\x00\x08\x00\x00\x00" + b"A" * (segment_size - 14)
        app1.append(b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body)
    return jpeg[:2] + b"".join(app1) + jpeg[2:]


def many_frames_gif(frames: int) -> bytes:
    buffer = io.BytesIO()
    images = [Image.new("RGB", (2, 2), (i % 256, (i // 256) * 40, 0)) for i in range(frames)]
    images[0].save(buffer, "GIF", save_all=True, append_images=images[1:], duration=10,
                   optimize=False)
    return buffer.getvalue()


SCRIPTS = [
    b"<script>alert(document.cookie)</script>",
    b"*/=alert(1);/*",
    b"<?php system($_GET['c']); ?>",
    b"<html><body onload=alert(1)>",
]

HOSTILE_NAMES = [
    "../../../etc/passwd.jpg", "bild.jpg", "<script>alert(1)</script>.png", "a" * 300 + ".jpg",
    "bild.jpg.exe", "bild.php.jpg", "bild%00.jpg", "CON.png", ".htaccess", "bild.svg",
    "video.mp4", "film.mov", "clip.webm", "bild.gif", "bild.webp", "\u202egnp.exe",
]


def hostile_files(count: int = 1000, seed: int = 8) -> Iterator[HostileFile]:
    rng = random.Random(seed)
    jpeg, png, gif, webp = _image("JPEG"), _image("PNG"), _image("GIF"), _image("WEBP")
    valid = {"jpg": jpeg, "png": png, "gif": gif, "webp": webp}
    mp4_head = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    webm_head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04webm"
    mov_head = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "
    avi_head = b"RIFF\x00\x10\x00\x00AVI LIST"
    frames_gif = many_frames_gif(1100)
    fixed_bombs = [png_bomb(60_000, 60_000), png_bomb(20_001, 1), png_bomb(1, 20_001),
                   gif_bomb(65_535, 65_535), png_bomb(8_000, 8_000)]

    def name(default: str) -> str:
        return rng.choice([default, default, rng.choice(HOSTILE_NAMES)])

    families = [
        "empty", "truncated", "bomb", "polyglot_gif_js", "polyglot_pdf_zip", "wrong_extension",
        "huge_exif", "svg_script", "video_container", "random", "corrupt_chunk", "frames",
    ]
    for index in range(count):
        family = families[index % len(families)]
        if family == "empty":
            yield HostileFile(family, name("leer.jpg"), b"",
                              rng.choice(["image/jpeg", "image/png", "video/mp4"]))
        elif family == "truncated":
            fmt = rng.choice(list(valid))
            data = valid[fmt]
            cut = rng.randint(1, max(2, len(data) // 2))
            yield HostileFile(family, name(f"kaputt.{fmt}"), data[:cut], f"image/{fmt}")
        elif family == "bomb":
            if rng.random() < 0.5:
                data = rng.choice(fixed_bombs)
            else:
                data = png_bomb(rng.randint(20_001, 200_000), rng.randint(20_001, 200_000))
            yield HostileFile(family, name("bombe.png"), data, "image/png")
        elif family == "polyglot_gif_js":
            # GIF header whose "dimensions" open a JS comment; the rest is script.
            data = b"GIF89a/*" + b"\x00" * rng.randint(0, 8) + b"*/=1;" + rng.choice(SCRIPTS)
            yield HostileFile(family, name("bild.gif"), data, "image/gif")
        elif family == "polyglot_pdf_zip":
            zip_part = (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + rng.randbytes(40)
                        + b"PK\x05\x06" + b"\x00" * 18)
            data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + zip_part
            if rng.random() < 0.5:
                data = zip_part + data  # ZIP first, PDF later
            yield HostileFile(family, name(rng.choice(["doc.jpg", "doc.png", "doc.pdf"])),
                              data, rng.choice(["image/jpeg", "application/pdf"]))
        elif family == "wrong_extension":
            data = rng.choice([
                b"MZ\x90\x00\x03\x00\x00\x00" + rng.randbytes(200),  # Windows executable
                b"\x7fELF\x02\x01\x01" + rng.randbytes(200),  # Linux executable
                b"#!/bin/sh\nrm -rf /\n",
                b"<!DOCTYPE html><html><script>alert(1)</script></html>",
                *SCRIPTS,
            ])
            ext = rng.choice(["jpg", "png", "gif", "webp", "mp4", "mov"])
            yield HostileFile(family, name(f"bild.{ext}"), data,
                              "image/jpeg" if ext in ("jpg", "png") else "video/mp4")
        elif family == "huge_exif":
            if rng.random() < 0.5:
                data = jpeg_with_exif(rng.randint(40, 45))  # > 2.5 MB of metadata
            else:
                data = jpeg_with_exif(1, broken_ifd=True)
                data = data[: rng.randint(200, len(data) - 50)]  # and cut short
            yield HostileFile(family, name("exif.jpg"), data, "image/jpeg")
        elif family == "svg_script":
            data = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" '
                    b'onload="alert(1)"><script>alert(2)</script>'
                    b'<image href="https://evil.example/x.png"/></svg>')
            yield HostileFile(family, name(rng.choice(["bild.svg", "bild.png", "bild.jpg"])),
                              data, rng.choice(["image/svg+xml", "image/png"]))
        elif family == "video_container":
            head = rng.choice([mp4_head, webm_head, mov_head, avi_head])
            body = rng.choice([rng.randbytes(rng.randint(0, 4000)), jpeg, b"\x00" * 2000])
            if rng.random() < 0.3:
                head, body = jpeg[:20], mp4_head + rng.randbytes(500)  # JPEG start, MP4 inside
            yield HostileFile(family, name(rng.choice(["video.mp4", "video.mov", "clip.webm",
                                                      "film.avi"])),
                              head + body, rng.choice(["video/mp4", "video/webm"]))
        elif family == "random":
            yield HostileFile(family, name("zufall.jpg"), rng.randbytes(rng.randint(1, 5000)),
                              rng.choice(["image/jpeg", "application/octet-stream"]))
        elif family == "corrupt_chunk":
            # PNG carries checksums, so a flipped byte is always detectable.
            fmt = "png"
            data = bytearray(valid[fmt])
            for _ in range(rng.randint(1, 20)):
                position = rng.randint(8, len(data) - 1)
                data[position] = rng.randint(0, 255)
            # Cut inside the compressed picture data too, so no decoder recovers a full picture
            # (the IDAT chunk follows the 8-byte signature and the 25-byte IHDR chunk).
            idat_length = struct.unpack(">I", bytes(valid[fmt][33:37]))[0]
            data = bytes(data[: rng.randint(41, 41 + idat_length - 2)])
            yield HostileFile(family, name(f"bild.{fmt}"), data, f"image/{fmt}")
        else:  # frames: an animation with more frames than allowed
            yield HostileFile(family, name("animation.gif"), frames_gif, "image/gif")
