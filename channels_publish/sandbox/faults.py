"""Faults injected per account, so tests can watch adapters meet real failures.

A fault belongs to an account key (the token, or for Graph also the page / IG
user id in the path), may be limited to one network and one operation, and fires
``times`` times (``0`` means until cleared). ``expired_token`` always persists
until cleared, like a real expired credential.

Kinds and their parameters:

- ``rate_limit``: the network's rate-limit answer. ``retry_after`` (seconds,
  default 60) feeds ``Retry-After`` / ``x-rate-limit-reset``; Graph ``code``
  (default 32 for Facebook, 4 for Instagram), ``status`` (Graph HTTP status,
  default 400).
- ``server_error``: a 5xx before anything is created. ``status`` (default 503 for
  X and YouTube, 500 for Graph).
- ``timeout_after_create``: the object is created and recorded, then the
  response is held back ``delay_s`` seconds (default 30), or with ``drop: true``
  the connection is closed without any response.
- ``expired_token``: the network's auth error; ``revoked: true`` answers as for a
  revoked authorisation instead of an expired one; Graph ``status`` (400).
- ``slow``: wait ``delay_s`` seconds (default 2), then answer normally.
- ``ig_container_error``: the next Instagram container ends in status ERROR.
- ``youtube_quota``: YouTube's 403 ``quotaExceeded``.

Operations, one per endpoint: ``create`` (a tweet, page post/photo/video, IG
``media_publish``, the YouTube chunk that completes a video), ``container`` (IG
``POST /{ig-user-id}/media``), ``upload`` (X media upload, YouTube upload session
start and intermediate chunks), ``thumbnail`` (YouTube ``thumbnails.set``),
``delete`` and ``read`` (every GET). Inbound: replies and direct messages are
``create``, hiding a comment or setting its moderation status is ``moderate``,
deleting a comment is ``delete``, reading comments, mentions and messages ``read``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

KINDS = (
    "rate_limit",
    "server_error",
    "timeout_after_create",
    "expired_token",
    "slow",
    "ig_container_error",
    "youtube_quota",
)
OPERATIONS = ("create", "container", "upload", "thumbnail", "delete", "read", "moderate")

# Kinds that act on the request as a whole; the rest are consulted by handlers.
REQUEST_KINDS = frozenset({"rate_limit", "server_error", "timeout_after_create", "slow"})


class FaultError(ValueError):
    """Raised for a fault definition the sandbox does not understand."""


@dataclass
class Fault:
    """One injected fault."""

    account: str
    kind: str
    times: int = 1
    network: str | None = None
    operation: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    fired: int = 0

    @property
    def persistent(self) -> bool:
        """Whether the fault fires until cleared."""
        return self.kind == "expired_token" or self.times == 0

    def matches(self, keys: Iterable[str], network: str, operation: str | None) -> bool:
        """Whether this fault applies to a request of these accounts, network and operation."""
        if self.account not in keys:
            return False
        if self.network is not None and self.network != network:
            return False
        return self.operation is None or operation is None or self.operation == operation

    def as_json(self) -> dict[str, Any]:
        """Serialise for the control API."""
        return {
            "account": self.account,
            "kind": self.kind,
            "times": self.times,
            "network": self.network,
            "operation": self.operation,
            "params": self.params,
            "fired": self.fired,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """Build a fault from the control API's JSON; unknown keys become params."""
        data = dict(data)
        account = data.pop("account", None)
        kind = data.pop("kind", None)
        if not account or not isinstance(account, str):
            raise FaultError("account is required")
        if kind not in KINDS:
            raise FaultError(f"kind must be one of {', '.join(KINDS)}")
        times = data.pop("times", 1)
        if times is None:
            times = 0
        if not isinstance(times, int) or times < 0:
            raise FaultError("times must be a non-negative integer (0: until cleared)")
        network = data.pop("network", None)
        operation = data.pop("operation", None)
        if operation is not None and operation not in OPERATIONS:
            raise FaultError(f"operation must be one of {', '.join(OPERATIONS)}")
        params = data.pop("params", {}) or {}
        params.update(data)
        return cls(
            account=account,
            kind=kind,
            times=times,
            network=network,
            operation=operation,
            params=params,
        )


class FaultRegistry:
    """The injected faults, consulted on every request; thread safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Register a fault."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self, account: str | None = None) -> None:
        """Remove all faults, or those of one account."""
        with self._lock:
            if account is None:
                self._faults.clear()
            else:
                self._faults = [f for f in self._faults if f.account != account]

    def all(self) -> list[Fault]:
        """A snapshot of the registered faults."""
        with self._lock:
            return list(self._faults)

    def take(
        self,
        keys: Iterable[str],
        network: str,
        operation: str | None,
        kinds: Iterable[str] = REQUEST_KINDS,
    ) -> Fault | None:
        """Fire the first matching fault of the given kinds, if any.

        A fault that has fired its ``times`` is removed. The common case (no
        faults registered) returns without scanning anything.
        """
        if not self._faults:
            return None
        keys = tuple(k for k in keys if k)
        kinds = frozenset(kinds)
        with self._lock:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(keys, network, operation):
                    fault.fired += 1
                    if not fault.persistent and fault.fired >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None

    def auth_fault(self, keys: Iterable[str], network: str) -> Fault | None:
        """The ``expired_token`` fault of these account keys on this network, if any."""
        return self.take(keys, network, None, kinds=("expired_token",))
