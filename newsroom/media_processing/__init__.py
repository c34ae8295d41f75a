"""Processing of the media library's uploads: pure functions, no models, no storage, no settings.

``sanitize_image`` turns an uploaded image into clean bytes or raises ``MediaRejected``;
``make_renditions`` derives the sizes each network wants; ``probe_video`` checks an uploaded
video and ``extract_poster`` takes a JPEG frame from it. Limits are arguments, so callers pass
the values from settings (``MEDIA_MAX_IMAGE_BYTES``, ``MEDIA_MAX_IMAGE_PIXELS``,
``MEDIA_MAX_VIDEO_BYTES``); the ``DEFAULT_*`` constants are the recommended values.

Why the limits and the re-encoding:

* **Decompression bombs.** A few kilobytes of PNG or GIF can claim 50,000 × 50,000 pixels and
  need gigabytes of memory once decoded. The byte limit is checked before parsing, the pixel
  limit (frames × pixels for animations) after reading only the header and before decoding;
  Pillow's own global guard (``Image.MAX_IMAGE_PIXELS``) is a second net, and its
  ``DecompressionBombError`` becomes a rejection, not a crash.
* **Only four decoders.** Pillow opens only JPEG, PNG, WebP and GIF; FFmpeg is told which
  demuxer to use (MP4/MOV or WebM) from the file's own first bytes. SVG (scripts), HTML, PDF
  and whatever else an upload claims to be never reach a parser. File names and claimed MIME
  types are ignored: the content decides.
* **DSGVO.** Photos from phones carry EXIF GPS coordinates, camera serial numbers, owner names,
  XMP edit histories. The city must not publish an employee's or citizen's location by
  accident, so every image is decoded and written anew with no metadata at all: the EXIF
  orientation is applied to the pixels first, colours are converted to sRGB so the ICC
  profile can go too. Re-encoding also cuts off anything appended to the image (polyglots).
* **Truncated uploads** are refused instead of being published with a grey lower half.

Every refusal is a ``MediaRejected`` with a German ``message`` for the editor and a ``code``.
"""

from .errors import MediaRejected
from .images import (
    ALLOWED_IMAGE_FORMATS,
    DEFAULT_MAX_IMAGE_BYTES,
    DEFAULT_MAX_IMAGE_PIXELS,
    INSTAGRAM_MAX_ASPECT,
    INSTAGRAM_MIN_ASPECT,
    SanitizedImage,
    aspect_ratio,
    is_instagram_aspect_ratio,
    sanitize_image,
    suggested_instagram_rendition,
)
from .renditions import (
    RENDITION_SPECS,
    RenditionResult,
    RenditionSpec,
    make_rendition,
    make_renditions,
)
from .videos import (
    ALLOWED_VIDEO_CODECS,
    DEFAULT_MAX_VIDEO_BYTES,
    VideoInfo,
    extract_poster,
    probe_video,
)

__all__ = [
    "ALLOWED_IMAGE_FORMATS",
    "ALLOWED_VIDEO_CODECS",
    "DEFAULT_MAX_IMAGE_BYTES",
    "DEFAULT_MAX_IMAGE_PIXELS",
    "DEFAULT_MAX_VIDEO_BYTES",
    "INSTAGRAM_MAX_ASPECT",
    "INSTAGRAM_MIN_ASPECT",
    "RENDITION_SPECS",
    "MediaRejected",
    "RenditionResult",
    "RenditionSpec",
    "SanitizedImage",
    "VideoInfo",
    "aspect_ratio",
    "extract_poster",
    "is_instagram_aspect_ratio",
    "make_rendition",
    "make_renditions",
    "probe_video",
    "sanitize_image",
    "suggested_instagram_rendition",
]
