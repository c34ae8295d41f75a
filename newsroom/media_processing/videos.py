"""Checking uploaded videos and taking a poster frame, with PyAV (FFmpeg's libraries).

The container type is decided from the file's first bytes, and FFmpeg is then told to use
exactly that demuxer: FFmpeg otherwise probes hundreds of formats, some of which (HLS
playlists, concat lists) would make it open other files or URLs named inside the upload.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import av
from django.utils.translation import gettext as _
from PIL import Image

from .errors import MediaRejected
from .images import format_megabytes

# Defaults the project settings should mirror (MEDIA_MAX_VIDEO_BYTES).
DEFAULT_MAX_VIDEO_BYTES = 1024 * 1024 * 1024
# Shorter than this is a still picture in a video file, or broken.
MIN_VIDEO_DURATION_S = 0.1
# 8K; nothing we publish to takes more.
MAX_VIDEO_SIDE = 8192

# Container (as we name it) → accepted video codecs (FFmpeg's canonical codec names).
ALLOWED_VIDEO_CODECS: dict[str, frozenset[str]] = {
    "mp4": frozenset({"h264", "hevc"}),
    "mov": frozenset({"h264", "hevc"}),
    "webm": frozenset({"vp8", "vp9", "av1"}),
}
VIDEO_MIME_TYPES: dict[str, str] = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
}
# Our container name → the FFmpeg demuxer that alone may read it.
_DEMUXERS: dict[str, str] = {"mp4": "mov", "mov": "mov", "webm": "matroska"}

# ISO-BMFF brands that are still images (HEIF/AVIF), not videos.
_IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif"})
# QuickTime files from old cameras may start without an ftyp box.
_QUICKTIME_ATOMS = frozenset({b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"})
_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_SNIFF_BYTES = 64

# A file whose packets end before its declared duration was cut off during upload; allow
# for audio priming, edit lists and rounding: the larger of 0.25 s and 3 % of the duration.
_TRUNCATION_TOLERANCE_S = 0.25
_TRUNCATION_TOLERANCE_SHARE = 0.03
# Stop searching for the poster frame after this many decoded frames past the seek point.
_POSTER_MAX_DECODED_FRAMES = 600
POSTER_MAX_WIDTH = 1280
POSTER_JPEG_QUALITY = 85

type VideoSource = str | os.PathLike[str] | BinaryIO


@dataclass(frozen=True)
class VideoInfo:
    """What ``probe_video`` found out about an accepted video."""

    duration_s: float
    width: int  # as displayed, i.e. after the rotation below
    height: int
    codec: str  # "h264" | "hevc" | "vp8" | "vp9" | "av1"
    container: str  # "mp4" | "mov" | "webm"
    mime_type: str
    has_audio: bool
    audio_codec: str | None = None
    frame_rate: float | None = None
    rotation: int = 0  # degrees the player turns the picture clockwise: 0, 90, 180 or 270
    size_bytes: int = 0

    @property
    def extension(self) -> str:
        """The file extension for this container, without dot."""
        return self.container


def probe_video(
    source: VideoSource,
    *,
    max_bytes: int,
    max_duration_s: float | None = None,
    verify_packets: bool = True,
) -> VideoInfo:
    """Check that ``source`` (a path or a seekable binary file) is a usable video.

    Accepted are MP4 and MOV with H.264 or HEVC, and WebM with VP8, VP9 or AV1, judged by the
    content, never by the file name. The size limit is checked before anything is parsed.
    The first video frame is decoded, and with ``verify_packets`` every packet is read
    (not decoded) to notice files that were cut off during upload. Raises ``MediaRejected``
    with a German message for anything else.
    """
    size = _source_size(source)
    if size == 0:
        raise MediaRejected(_("Die Datei ist leer."), code="empty")
    if size > max_bytes:
        raise MediaRejected(
            _("Das Video ist zu groß (erlaubt sind höchstens %(limit)s).")
            % {"limit": format_megabytes(max_bytes)},
            code="too_large",
        )

    with _open_video(source) as (container, kind, stream):
        try:
            info = _inspect(container, kind, stream, verify_packets=verify_packets)
        except MediaRejected:
            raise
        except Exception as exc:  # untrusted input: any demuxer or decoder failure
            raise _corrupt() from exc

    if max_duration_s is not None and info.duration_s > max_duration_s:
        raise MediaRejected(
            _("Das Video ist zu lang (höchstens %(limit)s Sekunden).")
            % {"limit": f"{max_duration_s:g}"},
            code="too_long",
        )
    return dataclasses.replace(info, size_bytes=size)


def extract_poster(
    source: VideoSource, *, at_s: float | None = None, max_width: int = POSTER_MAX_WIDTH
) -> bytes:
    """Decode one frame and return it as a JPEG, at most ``max_width`` pixels wide.

    Without ``at_s`` the frame at 10 % of the duration is taken (1 s if the duration is
    unknown), which skips the black or blurred first frames many clips start with. Rotation
    and non-square pixels are applied, so the poster looks like the playing video.
    """
    with _open_video(source) as (container, _kind, stream):
        try:
            frame = _frame_near(container, stream, at_s)
            image = _frame_to_image(frame, stream)
        except MediaRejected:
            raise
        except Exception as exc:  # untrusted input: any demuxer or decoder failure
            raise _corrupt() from exc

    if image.width > max_width:
        height = max(1, round(image.height * max_width / image.width))
        image = image.resize((max_width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=POSTER_JPEG_QUALITY, progressive=True, optimize=True)
    return out.getvalue()


# --- opening -------------------------------------------------------------------------------


def _source_size(source: VideoSource) -> int:
    if isinstance(source, str | os.PathLike):
        try:
            return os.path.getsize(source)
        except OSError as exc:
            raise _corrupt() from exc
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(0)
    return size


def _read_head(source: VideoSource) -> bytes:
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            return fh.read(_SNIFF_BYTES)
    source.seek(0)
    head = source.read(_SNIFF_BYTES)
    source.seek(0)
    return bytes(head or b"")


def sniff_video_container(head: bytes) -> str | None:
    """``"mp4"``, ``"mov"`` or ``"webm"`` from a file's first bytes, else ``None``."""
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return None
        return "mov" if brand == b"qt  " else "mp4"
    if head[4:8] in _QUICKTIME_ATOMS:
        return "mov"
    if head[:4] == _EBML_MAGIC:
        return "webm" if _ebml_doctype(head) == b"webm" else None
    return None


def _ebml_doctype(head: bytes) -> bytes | None:
    """The DocType ("webm" or "matroska") from an EBML header, if it is in ``head``."""
    index = head.find(b"\x42\x82", 4)
    if index < 0 or index + 3 > len(head):
        return None
    size_byte = head[index + 2]
    if not size_byte & 0x80:  # only one-byte sizes occur for these short strings
        return None
    length = size_byte & 0x7F
    return head[index + 3 : index + 3 + length]


@contextlib.contextmanager
def _open_video(
    source: VideoSource,
) -> Iterator[tuple[av.container.InputContainer, str, av.video.stream.VideoStream]]:
    head = _read_head(source)
    kind = sniff_video_container(head)
    if kind is None:
        if head[:4] == _EBML_MAGIC:
            raise MediaRejected(
                _("MKV-Dateien werden nicht unterstützt. Bitte als MP4 oder WebM hochladen."),
                code="unsupported_container",
            )
        raise MediaRejected(
            _("Die Datei ist kein unterstütztes Video (erlaubt: MP4, MOV, WebM)."),
            code="unsupported_container",
        )
    target = os.fspath(source) if isinstance(source, str | os.PathLike) else source
    try:
        container = av.open(target, mode="r", format=_DEMUXERS[kind])
    except Exception as exc:  # FFmpeg refuses: not really that container, or broken
        raise _corrupt() from exc
    try:
        stream = _video_stream(container)
        codec = _codec_name(stream)
        if codec not in ALLOWED_VIDEO_CODECS[kind]:
            raise MediaRejected(
                _(
                    "Der Video-Codec %(codec)s wird in %(container)s nicht unterstützt "
                    "(erlaubt: MP4/MOV mit H.264 oder HEVC, WebM mit VP8, VP9 oder AV1)."
                )
                % {"codec": codec or "?", "container": kind.upper()},
                code="unsupported_codec",
            )
        stream.thread_type = "AUTO"
        yield container, kind, stream
    finally:
        container.close()


def _video_stream(container: av.container.InputContainer) -> av.video.stream.VideoStream:
    for stream in container.streams.video:
        # Cover art in MP4/MKV is a one-picture "video" stream; it is not the video.
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise MediaRejected(
        _("Die Datei enthält keine Videospur."),
        code="no_video_stream",
    )


def _codec_name(stream: av.stream.Stream) -> str:
    codec = stream.codec_context.codec if stream.codec_context else None
    # canonical_name: "av1" even when the decoder is libdav1d.
    return codec.canonical_name if codec is not None else ""


# --- inspecting ----------------------------------------------------------------------------


def _inspect(
    container: av.container.InputContainer,
    kind: str,
    stream: av.video.stream.VideoStream,
    *,
    verify_packets: bool,
) -> VideoInfo:
    context = stream.codec_context
    width, height = context.width, context.height
    if not (0 < width <= MAX_VIDEO_SIDE and 0 < height <= MAX_VIDEO_SIDE):
        raise MediaRejected(
            _("Das Video hat ungültige Abmessungen (%(width)s × %(height)s Pixel).")
            % {"width": width, "height": height},
            code="bad_dimensions",
        )
    declared = _declared_duration(container, stream)
    audio = container.streams.audio[0] if container.streams.audio else None

    first_frame = None
    packets_end = 0.0
    packets = container.demux() if verify_packets else container.demux(stream)
    for packet in packets:
        if packet.pts is not None and packet.time_base is not None:
            end = (packet.pts + (packet.duration or 0)) * packet.time_base
            packets_end = max(packets_end, float(end))
        if first_frame is None and packet.stream is stream:
            for frame in packet.decode():
                first_frame = frame
                break
            if first_frame is not None and not verify_packets:
                break
    if first_frame is None:
        # Frames can sit in the decoder until it is flushed (short clips, B-frames).
        for frame in stream.codec_context.decode(None):
            first_frame = frame
            break
    if first_frame is None:
        raise _corrupt()

    duration = declared if declared is not None else packets_end
    if not math.isfinite(duration) or duration < MIN_VIDEO_DURATION_S:
        raise MediaRejected(
            _("Das Video hat keine abspielbare Länge."),
            code="zero_duration",
        )
    start = _start_time(container)
    missing = duration - (packets_end - start)
    tolerance = max(_TRUNCATION_TOLERANCE_S, duration * _TRUNCATION_TOLERANCE_SHARE)
    if verify_packets and missing > tolerance:
        raise _corrupt()

    rotation = _clockwise_rotation(first_frame)
    if rotation in (90, 270):
        width, height = height, width
    rate = stream.average_rate or stream.guessed_rate
    return VideoInfo(
        duration_s=round(duration, 3),
        width=width,
        height=height,
        codec=_codec_name(stream),
        container=kind,
        mime_type=VIDEO_MIME_TYPES[kind],
        has_audio=audio is not None,
        audio_codec=_codec_name(audio) if audio is not None else None,
        frame_rate=round(float(rate), 3) if rate else None,
        rotation=rotation,
    )


def _declared_duration(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float | None:
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _start_time(container: av.container.InputContainer) -> float:
    if container.start_time is None:
        return 0.0
    return container.start_time / av.time_base


# --- poster --------------------------------------------------------------------------------


def _frame_near(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    at_s: float | None,
) -> av.VideoFrame:
    duration = _declared_duration(container, stream)
    if at_s is None:
        at_s = duration * 0.1 if duration else 1.0
    if duration:
        at_s = min(max(at_s, 0.0), max(duration - 0.05, 0.0))
    target = _start_time(container) + max(at_s, 0.0)

    if target > 0 and stream.time_base is not None:
        with contextlib.suppress(av.FFmpegError):
            container.seek(int(target / stream.time_base), stream=stream, backward=True)

    chosen = None
    for count, frame in enumerate(container.decode(stream)):
        chosen = frame
        if frame.time is None or frame.time >= target - 1e-3:
            break
        if count >= _POSTER_MAX_DECODED_FRAMES:
            break
    if chosen is None:
        raise _corrupt()
    return chosen


def _frame_to_image(frame: av.VideoFrame, stream: av.video.stream.VideoStream) -> Image.Image:
    image = frame.to_image()
    sar = stream.sample_aspect_ratio
    if sar and float(sar) > 0 and abs(float(sar) - 1.0) > 0.01:
        # Anamorphic video: stored pixels are not square.
        width = max(1, round(image.width * float(sar)))
        image = image.resize((width, image.height), Image.Resampling.LANCZOS)
    rotation = _clockwise_rotation(frame)
    if rotation:
        # PIL rotates counter-clockwise.
        image = image.rotate(-rotation, expand=True)
    return image


def _clockwise_rotation(frame: av.VideoFrame) -> int:
    """How far a player turns the frame clockwise (phone videos: the display matrix)."""
    # frame.rotation is the display matrix's counter-clockwise angle in [-180, 180].
    return round(-(frame.rotation or 0)) % 360


def _corrupt() -> MediaRejected:
    return MediaRejected(
        _("Das Video ist beschädigt oder unvollständig und kann nicht gelesen werden."),
        code="corrupt",
    )
