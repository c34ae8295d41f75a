"""The contract between the delivery dispatcher and the per-network adapters.

An adapter publishes one approved post to one channel account. It either returns
the published item or raises one of the classified :class:`AdapterError`
subclasses; the dispatcher alone decides about retries:

- :class:`RetryLater`: nothing was published; try again (after ``retry_after_s``).
- :class:`OutcomeUnknown`: the request reached the network and may have created
  the post; call :meth:`Adapter.find_published` before any retry.
- :class:`PermanentFailure`: the network refuses the content; do not retry.
- :class:`AuthorizationFailed`: the account must be reconnected first.

Adapters never publish twice on a retry: before every step whose repetition could
duplicate something they call ``save_state`` with what they need to resume, and
they receive that state again on the next attempt.

Markers: each request carries a short unique ``marker`` so that our post can be
found again after an ambiguous failure. Where it goes differs per network (see
each adapter's module docstring); Facebook and Instagram carry it invisibly, as
zero-width characters at the end of the text (:func:`with_hidden_marker`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

SaveState = Callable[[dict[str, Any]], None]

# Zero-width characters that carry a marker invisibly: bits as ZWSP (0) and ZWNJ (1),
# fenced by WORD JOINERs. Screen readers and layout ignore them.
_BIT_ZERO = "\u200b"
_BIT_ONE = "\u200c"
_FENCE = "\u2060"
_HIDDEN = re.compile(f"{_FENCE}([{_BIT_ZERO}{_BIT_ONE}]+){_FENCE}")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class MediaItem:
    """One image or video attached to a post."""

    kind: Literal["image", "video"]
    path: str  # local file, for networks we upload bytes to (X, YouTube)
    public_url: str  # what Facebook and Instagram fetch themselves
    alt_text: str = ""
    mime_type: str = ""
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    thumbnail_path: str | None = None  # YouTube's custom thumbnail
    poster_url: str = ""  # a video's poster image, public (Instagram's reel cover)


@dataclass(frozen=True)
class AccountConfig:
    """A connected channel account, as the adapter needs it."""

    network: str
    external_id: str  # page id / IG user id / X user id / YouTube channel id
    base_url: str  # API root: the real host or the sandbox
    credentials: dict[str, str] = field(default_factory=dict)
    graph_version: str = "v21.0"
    timeout_s: float = 20


@dataclass(frozen=True)
class PublishRequest:
    """What to publish for one delivery."""

    delivery_id: int
    marker: str
    text: str
    title: str = ""
    link: str = ""
    media: list[MediaItem] = field(default_factory=list)
    privacy_status: str = "public"  # YouTube: public / unlisted / private


@dataclass(frozen=True)
class Published:
    """The item a network created for us."""

    remote_id: str
    url: str
    raw: dict[str, Any] = field(default_factory=dict)


class AdapterError(Exception):
    """A classified failure; ``message_de`` explains it to people in German."""

    def __init__(self, message_de: str, raw: Any = None, http_status: int | None = None) -> None:
        super().__init__(message_de)
        self.message_de = message_de
        self.raw = raw
        self.http_status = http_status


class RetryLater(AdapterError):
    """Nothing was published; the same attempt may be repeated later."""

    def __init__(
        self,
        message_de: str,
        raw: Any = None,
        http_status: int | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message_de, raw, http_status)
        self.retry_after_s = retry_after_s


class OutcomeUnknown(AdapterError):
    """The request was sent and may have created the post: look before retrying."""


class PermanentFailure(AdapterError):
    """The network refuses this content (validation, duplicate, policy): do not retry."""


class AuthorizationFailed(AdapterError):
    """The token is expired, revoked or lacks permissions: the account needs reconnecting."""


class Adapter(Protocol):
    """What the dispatcher calls for one network."""

    def publish(
        self,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Publish the request once, resuming from ``state``; raise an AdapterError."""
        ...

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        """Look among the account's recent items for this request's post."""
        ...


def hidden_marker(marker: str) -> str:
    """The marker as invisible zero-width characters."""
    bits = "".join(f"{byte:08b}" for byte in marker.encode("utf-8"))
    return _FENCE + "".join(_BIT_ONE if bit == "1" else _BIT_ZERO for bit in bits) + _FENCE


def hidden_markers_in(text: str) -> list[str]:
    """The markers hidden in a text by :func:`hidden_marker`."""
    found = []
    for match in _HIDDEN.finditer(text or ""):
        bits = "".join("1" if char == _BIT_ONE else "0" for char in match.group(1))
        usable = len(bits) - len(bits) % 8
        data = bytes(int(bits[i : i + 8], 2) for i in range(0, usable, 8))
        found.append(data.decode("utf-8", errors="replace"))
    return found


def with_hidden_marker(text: str, marker: str) -> str:
    """The text with the marker appended invisibly (nothing is added without a marker)."""
    return text + hidden_marker(marker) if marker else text


def carries_marker(text: str | None, marker: str) -> bool:
    """Whether a text carries the marker, hidden or visible."""
    if not text or not marker:
        return False
    return marker in hidden_markers_in(text) or marker in text


def comparable_text(text: str | None) -> str:
    """A text as networks may hand it back: NFC, URLs (t.co) and spacing neutralised."""
    text = unicodedata.normalize("NFC", text or "")
    text = _HIDDEN.sub("", text)
    text = _URL.sub("<url>", text)
    return " ".join(text.split())
