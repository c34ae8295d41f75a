"""Fixtures for the adapter tests: the running sandbox, local media, accounts, state."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from channels_publish.adapters import AccountConfig, MediaItem, PublishRequest

# ``sandbox`` and ``sandbox_server`` come from tests/conftest.py.
from tests.sandbox.conftest import JPEG, MP4, PNG, media_server

__all__ = ["media_server"]

X_TOKEN = "x-adapter-token"
PAGE_TOKEN = "page-adapter-token"
PAGE_ID = "104000000000042"
IG_TOKEN = "ig-adapter-token"
IG_USER = "17841400000000042"
YT_TOKEN = "yt-adapter-token"
YT_VIDEO = bytes(range(256)) * 2600  # 665,600 bytes: three chunks of 256 KiB

_markers = itertools.count(1)


class SavedState:
    """Stands in for the delivery row: keeps what the adapter saves, in order."""

    def __init__(self) -> None:
        self.current: dict[str, Any] = {}
        self.history: list[dict[str, Any]] = []

    def __call__(self, state: dict[str, Any]) -> None:
        self.current = dict(state)
        self.history.append(dict(state))


@pytest.fixture
def saved() -> SavedState:
    return SavedState()


@pytest.fixture
def media_files(tmp_path) -> dict[str, str]:
    """Local copies of the media the media server serves, plus a bigger YouTube video."""
    files = {"photo.jpg": JPEG, "thumb.png": PNG, "clip.mp4": MP4, "talk.mp4": YT_VIDEO}
    paths = {}
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = str(path)
    return paths


@pytest.fixture
def image(media_server, media_files) -> MediaItem:
    return MediaItem(kind="image", path=media_files["photo.jpg"],
                     public_url=f"{media_server}/photo.jpg", alt_text="Rathaus im Schnee",
                     mime_type="image/jpeg")


@pytest.fixture
def video(media_server, media_files) -> MediaItem:
    return MediaItem(kind="video", path=media_files["clip.mp4"],
                     public_url=f"{media_server}/clip.mp4", mime_type="video/mp4")


@pytest.fixture
def not_an_image(media_server, media_files) -> MediaItem:
    return MediaItem(kind="image", path=media_files["photo.jpg"],
                     public_url=f"{media_server}/page.html", mime_type="image/jpeg")


def publish_request(text: str = "Baustelle Hauptstraße ab Montag", **kwargs: Any) -> PublishRequest:
    """A request with a fresh marker."""
    number = next(_markers)
    kwargs.setdefault("marker", f"nr-{number:04d}")
    return PublishRequest(delivery_id=number, text=text, **kwargs)


def account(sandbox, network: str, external_id: str, **credentials: str) -> AccountConfig:
    return AccountConfig(network=network, external_id=external_id, base_url=sandbox.base_url,
                         credentials=credentials, timeout_s=5)


@pytest.fixture
def x_account(sandbox) -> AccountConfig:
    return account(sandbox, "x", "", consumer_key="ck", consumer_secret="cs",
                   access_token=X_TOKEN, access_token_secret="ts")


@pytest.fixture
def page_account(sandbox) -> AccountConfig:
    return account(sandbox, "facebook", PAGE_ID, access_token=PAGE_TOKEN)


@pytest.fixture
def ig_account(sandbox) -> AccountConfig:
    return account(sandbox, "instagram", IG_USER, access_token=IG_TOKEN)


@pytest.fixture
def yt_account(sandbox) -> AccountConfig:
    return account(sandbox, "youtube", "", access_token=YT_TOKEN)
