"""Serving the sandbox: ``serve()`` for the command line, ``running_sandbox()`` for tests.

``running_sandbox()`` starts the threaded Werkzeug server on a free port in a
daemon thread and yields its base URL (``http://127.0.0.1:<port>``)::

    with running_sandbox() as base_url:
        control = SandboxControl(base_url)
        ...
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import SandboxApp, create_app

logger = logging.getLogger(__name__)


class QuietRequestHandler(WSGIRequestHandler):
    """Request handler that does not log every request (the benchmark sends thousands)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Skip the access log line."""


def make_sandbox_server(
    host: str = "127.0.0.1", port: int = 0, app: SandboxApp | None = None, quiet: bool = True
) -> BaseWSGIServer:
    """Create (not start) a threaded server for the sandbox; port 0 picks a free port."""
    app = app or create_app()
    handler = QuietRequestHandler if quiet else WSGIRequestHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    server.daemon_threads = True
    return server


def serve(host: str = "127.0.0.1", port: int = 8765, quiet: bool = False) -> None:
    """Serve the sandbox until interrupted."""
    server = make_sandbox_server(host, port, quiet=quiet)
    logger.info("Networks sandbox on http://%s:%s/_sandbox/", host, server.server_port)
    try:
        server.serve_forever()
    finally:
        server.app.stop()
        server.server_close()


@contextlib.contextmanager
def running_sandbox(host: str = "127.0.0.1") -> Iterator[str]:
    """Run the sandbox on a free port in a daemon thread; yield its base URL."""
    server = make_sandbox_server(host, 0)
    thread = threading.Thread(target=server.serve_forever, name="networks-sandbox", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.app.stop()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
