"""HTTP clients reused across deliveries, one set per worker thread.

Building a client per delivery threw its connection pool away each time: every delivery paid
for new TCP connections (and TLS handshakes against the real networks), and tweepy's
``requests`` session had to be set up again. A worker thread now keeps its clients, keyed by
what makes them differ (API root, timeout and the account's credentials), so the next delivery
of the same account reuses warm keep-alive connections.

Thread-local, because neither ``requests.Session`` nor the adapters' per-request state is
meant to be shared between threads. The cache per thread is small and least recently used: a
reconnected account (new credentials) gets a fresh client, and the old one is closed once it
falls out.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MAX_CLIENTS_PER_THREAD = 32

_local = threading.local()


def _cache() -> OrderedDict[tuple[str, str], tuple[Any, Callable[[Any], None]]]:
    cache = getattr(_local, "clients", None)
    if cache is None:
        cache = _local.clients = OrderedDict()
    return cache


def reuse[T](kind: str, key_parts: tuple[Any, ...], create: Callable[[], T],
             close: Callable[[T], None],
             usable: Callable[[T], bool] = lambda client: True) -> T:
    """This thread's client for ``key_parts``, created on first use.

    The key is a hash, so the cache holds no credentials of its own; ``usable`` lets a caller
    refuse a cached client (e.g. one closed by mistake), which is then replaced.
    """
    cache = _cache()
    key = (kind, hashlib.sha256(repr(key_parts).encode()).hexdigest())
    entry = cache.get(key)
    if entry is not None and usable(entry[0]):
        cache.move_to_end(key)
        return entry[0]
    client = create()
    cache[key] = (client, close)
    cache.move_to_end(key)
    while len(cache) > MAX_CLIENTS_PER_THREAD:
        _key, (old, closer) = cache.popitem(last=False)
        closer(old)
    return client


def close_all() -> None:
    """Close and forget this thread's clients."""
    cache = _cache()
    while cache:
        _key, (client, closer) = cache.popitem()
        closer(client)
