"""Probing uploaded videos and taking poster frames; the videos are made with PyAV here."""

import io
import struct
from pathlib import Path

import av
import pytest
from PIL import Image, ImageDraw

from newsroom.media_processing import MediaRejected, extract_poster, probe_video

MAX_BYTES = 100 * 1024 * 1024
FPS = 25


def write_video(
    path: Path,
    *,
    fmt: str,
    codec: str,
    frames: int = 40,
    size: tuple[int, int] = (320, 240),
    audio: str | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Encode a short clip: a red ramp with a white box moving left to right."""
    with av.open(str(path), "w", format=fmt, options=options or {}) as container:
        stream = container.add_stream(codec, rate=FPS)
        stream.width, stream.height, stream.pix_fmt = size[0], size[1], "yuv420p"
        audio_stream = container.add_stream(audio, rate=48_000) if audio else None
        for index in range(frames):
            image = Image.new("RGB", size, (min(index * 6, 255), 0, 0))
            ImageDraw.Draw(image).rectangle((index * 5, 100, index * 5 + 40, 140), fill="white")
            for packet in stream.encode(av.VideoFrame.from_image(image)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
        if audio_stream is not None:
            samples = audio_stream.codec_context.frame_size or 1024
            sample_format = audio_stream.codec_context.format.name
            for chunk in range(48_000 * frames // FPS // samples):
                frame = av.AudioFrame(format=sample_format, layout="mono", samples=samples)
                for plane in frame.planes:
                    plane.update(bytes(plane.buffer_size))
                frame.sample_rate = 48_000
                frame.pts = chunk * samples
                for packet in audio_stream.encode(frame):
                    container.mux(packet)
            for packet in audio_stream.encode():
                container.mux(packet)
    return path


@pytest.fixture(scope="module")
def videos(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("videos")
    return {
        "mp4": write_video(folder / "clip.mp4", fmt="mp4", codec="libx264", audio="aac"),
        "faststart": write_video(
            folder / "faststart.mp4",
            fmt="mp4",
            codec="libx264",
            frames=50,
            options={"movflags": "faststart"},
        ),
        "mov": write_video(folder / "clip.mov", fmt="mov", codec="libx264"),
        "webm": write_video(folder / "clip.webm", fmt="webm", codec="libvpx-vp9", audio="libopus"),
        "vp8": write_video(folder / "vp8.webm", fmt="webm", codec="libvpx"),
        "mkv": write_video(folder / "clip.mkv", fmt="matroska", codec="libx264"),
        "mpeg4": write_video(folder / "mpeg4.mp4", fmt="mp4", codec="mpeg4"),
    }


def test_it_probes_an_h264_mp4(videos):
    info = probe_video(videos["mp4"], max_bytes=MAX_BYTES)

    assert info.duration_s == pytest.approx(1.6, abs=0.1)
    assert (info.width, info.height) == (320, 240)
    assert (info.codec, info.container, info.mime_type) == ("h264", "mp4", "video/mp4")
    assert info.extension == "mp4"
    assert info.has_audio and info.audio_codec == "aac"
    assert info.frame_rate == pytest.approx(25)
    assert info.rotation == 0
    assert info.size_bytes == videos["mp4"].stat().st_size


def test_it_probes_a_vp9_webm_from_a_file_object(videos):
    with videos["webm"].open("rb") as upload:
        info = probe_video(upload, max_bytes=MAX_BYTES)

    assert info.duration_s == pytest.approx(1.6, abs=0.1)
    assert (info.width, info.height) == (320, 240)
    assert (info.codec, info.container, info.mime_type) == ("vp9", "webm", "video/webm")
    assert info.has_audio and info.audio_codec == "opus"


@pytest.mark.parametrize(
    ("name", "codec", "container", "mime_type"),
    [("mov", "h264", "mov", "video/quicktime"), ("vp8", "vp8", "webm", "video/webm")],
)
def test_it_probes_other_allowed_combinations(videos, name, codec, container, mime_type):
    info = probe_video(videos[name], max_bytes=MAX_BYTES)

    assert (info.codec, info.container, info.mime_type) == (codec, container, mime_type)
    assert not info.has_audio


def test_it_judges_by_content_not_by_extension(videos, tmp_path):
    disguised = tmp_path / "video.mp4"
    disguised.write_bytes(videos["webm"].read_bytes())

    assert probe_video(disguised, max_bytes=MAX_BYTES).container == "webm"


def test_it_refuses_a_text_file_named_mp4(tmp_path):
    path = tmp_path / "film.mp4"
    path.write_text("Das ist kein Video.\n", encoding="utf-8")

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "unsupported_container"


def test_it_refuses_an_hls_playlist_named_mp4(tmp_path):
    # FFmpeg would follow the playlist to other files if it were allowed to guess the format.
    path = tmp_path / "film.mp4"
    path.write_text("#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n", encoding="utf-8")

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "unsupported_container"


def test_it_refuses_an_image(tmp_path):
    path = tmp_path / "bild.mp4"
    Image.new("RGB", (32, 32)).save(path, "JPEG")

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "unsupported_container"


def test_it_refuses_an_empty_file(tmp_path):
    path = tmp_path / "leer.mp4"
    path.write_bytes(b"")

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "empty"


def test_it_refuses_a_video_over_the_byte_limit(videos):
    with pytest.raises(MediaRejected) as exc:
        probe_video(videos["mp4"], max_bytes=1000)

    assert exc.value.code == "too_large"


def test_it_refuses_matroska_that_is_not_webm(videos):
    with pytest.raises(MediaRejected) as exc:
        probe_video(videos["mkv"], max_bytes=MAX_BYTES)

    assert exc.value.code == "unsupported_container"
    assert "MKV" in exc.value.message


def test_it_refuses_a_codec_not_allowed_in_the_container(videos):
    with pytest.raises(MediaRejected) as exc:
        probe_video(videos["mpeg4"], max_bytes=MAX_BYTES)

    assert exc.value.code == "unsupported_codec"


def test_it_refuses_an_mp4_without_a_video_stream(tmp_path):
    path = tmp_path / "ton.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=48_000)
        samples = stream.codec_context.frame_size or 1024
        for chunk in range(20):
            frame = av.AudioFrame(format="fltp", layout="mono", samples=samples)
            frame.planes[0].update(bytes(frame.planes[0].buffer_size))
            frame.sample_rate = 48_000
            frame.pts = chunk * samples
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "no_video_stream"


@pytest.mark.parametrize("name", ["mp4", "webm", "faststart"])
def test_it_refuses_a_truncated_video(videos, name, tmp_path):
    data = videos[name].read_bytes()
    path = tmp_path / f"abgebrochen-{name}"
    path.write_bytes(data[: len(data) * 6 // 10])

    with pytest.raises(MediaRejected) as exc:
        probe_video(path, max_bytes=MAX_BYTES)

    assert exc.value.code == "corrupt"


def test_it_refuses_a_video_longer_than_allowed(videos):
    with pytest.raises(MediaRejected) as exc:
        probe_video(videos["mp4"], max_bytes=MAX_BYTES, max_duration_s=1.0)

    assert exc.value.code == "too_long"


def rotated_copy(source: Path, target: Path) -> Path:
    """Write the track header's display matrix the way a phone filming upright does."""
    data = source.read_bytes()
    tkhd = data.index(b"tkhd")
    assert data[tkhd + 4] == 0  # version 0 header
    # version/flags, created, modified, track id, reserved, duration, reserved (8),
    # layer, alternate group, volume, reserved: 40 bytes, then the 3×3 matrix.
    matrix_at = tkhd + 4 + 40
    matrix = struct.pack(">9i", 0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)
    target.write_bytes(data[:matrix_at] + matrix + data[matrix_at + 36 :])
    return target


def test_it_reports_phone_rotation_and_displayed_size(videos, tmp_path):
    path = rotated_copy(videos["faststart"], tmp_path / "hochkant.mp4")

    info = probe_video(path, max_bytes=MAX_BYTES)

    assert info.rotation == 90
    assert (info.width, info.height) == (240, 320)


def test_it_makes_a_jpeg_poster(videos):
    poster = extract_poster(videos["mp4"])

    image = Image.open(io.BytesIO(poster))
    assert image.format == "JPEG"
    assert image.size == (320, 240)
    # At 10 % of 1.6 s the box has moved a little to the right of the left edge.
    assert image.getpixel((30, 120))[1] > 200


def test_it_takes_the_poster_at_the_requested_time(videos):
    early = Image.open(io.BytesIO(extract_poster(videos["webm"], at_s=0.0)))
    late = Image.open(io.BytesIO(extract_poster(videos["webm"], at_s=1.4)))

    # The background ramps from black to red over the clip.
    assert early.getpixel((300, 10))[0] < 40
    assert late.getpixel((300, 10))[0] > 150


def test_it_limits_the_poster_width(tmp_path):
    path = write_video(
        tmp_path / "breit.mp4", fmt="mp4", codec="libx264", frames=5, size=(1920, 1080)
    )

    image = Image.open(io.BytesIO(extract_poster(path)))

    assert image.size == (1280, 720)


def test_it_turns_the_poster_like_the_player(videos, tmp_path):
    path = rotated_copy(videos["faststart"], tmp_path / "hochkant.mp4")

    image = Image.open(io.BytesIO(extract_poster(path, at_s=0.0)))

    assert image.size == (240, 320)
    # The box, left of centre in the stored frame, is near the top after turning clockwise.
    assert min(image.getpixel((120, 20))) > 200


def test_it_refuses_a_poster_from_a_non_video(tmp_path):
    path = tmp_path / "text.webm"
    path.write_text("kein Video", encoding="utf-8")

    with pytest.raises(MediaRejected):
        extract_poster(path)
