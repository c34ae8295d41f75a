"""Fixtures of the sandbox tests; the sandbox itself is a fixture of tests/conftest.py."""

import http.server
import threading

import pytest

# Re-exported for modules that import them from here; they are defined in tests/conftest.py.
from tests.conftest import sandbox, sandbox_server  # noqa: F401

# A tiny valid-looking JPEG/PNG/MP4 payload is enough: the sandbox does not decode media.
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 200 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40

MEDIA = {
    "/photo.jpg": ("image/jpeg", JPEG),
    "/thumb.png": ("image/png", PNG),
    "/clip.mp4": ("video/mp4", MP4),
    "/page.html": ("text/html", b"<html>not an image</html>"),
}


class _MediaHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        found = MEDIA.get(self.path)
        if found is None:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def media_server():
    """Base URL of a local HTTP server holding photo.jpg, thumb.png, clip.mp4, page.html."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MediaHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
