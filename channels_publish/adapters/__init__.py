"""Publishing adapters, one per social network; ``adapter_for(network)`` picks one.

The contract (requests, results, classified errors, resumable state) is in
:mod:`channels_publish.adapters.base`.
"""

from __future__ import annotations

from collections.abc import Callable

from .base import (
    AccountConfig,
    Adapter,
    AdapterError,
    AuthorizationFailed,
    MediaItem,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    PublishRequest,
    RetryLater,
)


def _x() -> Adapter:
    from .x import XAdapter

    return XAdapter()


def _facebook() -> Adapter:
    from .facebook import FacebookAdapter

    return FacebookAdapter()


def _instagram() -> Adapter:
    from .instagram import InstagramAdapter

    return InstagramAdapter()


def _youtube() -> Adapter:
    from .youtube import YouTubeAdapter

    return YouTubeAdapter()


def _website() -> Adapter:
    from .website import WebsiteAdapter

    return WebsiteAdapter()


def _press() -> Adapter:
    from .press import PressAdapter

    return PressAdapter()


# Imported lazily: each adapter pulls in its network's client library.
ADAPTERS: dict[str, Callable[[], Adapter]] = {
    "x": _x,
    "facebook": _facebook,
    "instagram": _instagram,
    "youtube": _youtube,
    "website": _website,
    "press": _press,
}


def adapter_for(network: str) -> Adapter:
    """The adapter of a network (a ``Network`` value such as "x" or "website")."""
    try:
        factory = ADAPTERS[str(network)]
    except KeyError:
        raise LookupError(f"No publishing adapter for network {network!r}") from None
    return factory()


__all__ = [
    "ADAPTERS",
    "AccountConfig",
    "Adapter",
    "AdapterError",
    "AuthorizationFailed",
    "MediaItem",
    "OutcomeUnknown",
    "PermanentFailure",
    "PublishRequest",
    "Published",
    "RetryLater",
    "adapter_for",
]
