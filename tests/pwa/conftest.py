"""A local push service that records what would be delivered, and devices that read it.

Each test device makes its own P-256 key pair and auth secret, as a browser does, so the tests
decrypt the very bytes the newsroom sent (RFC 8291, aes128gcm) and see what a phone would show.
"""

from __future__ import annotations

import base64
import http.server
import json
import secrets
import threading
from dataclasses import dataclass, field

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


class PushService:
    """Records every POST; answers 201, or the status set for a path (e.g. 410 Gone)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.answers: dict[str, int] = {}
        self.lock = threading.Lock()
        self.base_url = ""

    def reset(self) -> None:
        with self.lock:
            self.received.clear()
            self.answers.clear()

    def for_path(self, path: str) -> list[dict]:
        with self.lock:
            return [item for item in self.received if item["path"] == path]


def _handler(service: PushService):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with service.lock:
                service.received.append(
                    {"path": self.path, "body": body,
                     "headers": {key.lower(): value for key, value in self.headers.items()}}
                )
                status = service.answers.get(self.path, 201)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    return Handler


@pytest.fixture(scope="session")
def _push_server():
    service = PushService()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    service.base_url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture
def push_service(_push_server):
    _push_server.reset()
    return _push_server


@dataclass
class Device:
    """One browser's push subscription: its keys stay here, like in a real browser."""

    service: PushService
    path: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    subscription: object = None
    extra: dict = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"{self.service.base_url}{self.path}"

    def keys(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}

    def messages(self) -> list[dict]:
        """What this phone received, decrypted."""
        decoded = []
        for item in self.service.for_path(self.path):
            assert item["headers"].get("content-encoding") == "aes128gcm"
            assert item["headers"].get("authorization", "").startswith("vapid t=")
            plain = http_ece.decrypt(item["body"], private_key=self.private_key,
                                     auth_secret=self.auth_secret, version="aes128gcm")
            decoded.append(json.loads(plain))
        return decoded

    def raw(self) -> list[bytes]:
        return [item["body"] for item in self.service.for_path(self.path)]


@pytest.fixture
def new_device(push_service):
    """``new_device(user)``: a browser subscribed for ``user`` through the service function."""
    from pwa import services

    def make(user=None, session_token: str | None = None) -> Device:
        device = Device(service=push_service, path=f"/push/{secrets.token_urlsafe(12)}",
                        private_key=ec.generate_private_key(ec.SECP256R1()),
                        auth_secret=secrets.token_bytes(16))
        if user is not None:
            keys = device.keys()
            device.subscription = services.subscribe(
                actor=user, endpoint=device.endpoint, p256dh=keys["p256dh"], auth=keys["auth"],
                user_agent="Testbrowser", session_token=session_token,
            )
        return device

    return make
