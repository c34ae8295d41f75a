"""The contract of the metrics adapters: reading figures back from the networks.

A metrics adapter reads lifetime figures of our published items (in batches as large as the
network allows) and the follower count of an account. It never writes anything. Failures are
the publishing adapters' classified errors (:mod:`.base`): :class:`~.base.RetryLater` for rate
limits (with ``retry_after_s``) and outages (where an adapter sends one request per item, the
figures read before the limit travel with it as ``partial``),
:class:`~.base.AuthorizationFailed` for tokens that no longer work,
:class:`~.base.PermanentFailure` for everything else. The caller stops an account's run at
the first :class:`~.base.RetryLater` and resumes on its next run.

``metrics_adapter_for(network)`` picks one; networks without figures (website, press) have none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from .base import AccountConfig


@dataclass(frozen=True)
class PostMetrics:
    """Lifetime figures of one published item, in the newsroom's own terms.

    Figures a network does not report are 0 (X has no reach, YouTube no clicks).
    """

    impressions: int = 0
    reach: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    saves: int = 0
    raw: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def engagement(self) -> int:
        return self.reactions + self.comments + self.shares + self.clicks


class MetricsAdapter(Protocol):
    """What the analytics collection calls for one network."""

    #: How many item ids one request may carry.
    batch_size: int

    def post_metrics(self, account: AccountConfig, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """Figures of up to ``batch_size`` items by remote id; items the network no longer has
        (deleted) are left out."""
        ...

    def followers(self, account: AccountConfig) -> int:
        """The account's current number of followers (subscribers)."""
        ...


def as_int(value: Any) -> int:
    """A count as networks send it (int, numeric string or missing)."""
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _x() -> MetricsAdapter:
    from .x_metrics import XMetrics

    return XMetrics()


def _facebook() -> MetricsAdapter:
    from .facebook_metrics import FacebookMetrics

    return FacebookMetrics()


def _instagram() -> MetricsAdapter:
    from .instagram_metrics import InstagramMetrics

    return InstagramMetrics()


def _youtube() -> MetricsAdapter:
    from .youtube_metrics import YouTubeMetrics

    return YouTubeMetrics()


METRICS_ADAPTERS: dict[str, Callable[[], MetricsAdapter]] = {
    "x": _x,
    "facebook": _facebook,
    "instagram": _instagram,
    "youtube": _youtube,
}


def metrics_adapter_for(network: str) -> MetricsAdapter | None:
    """The metrics adapter of a network, or None where the network reports no figures."""
    factory = METRICS_ADAPTERS.get(str(network))
    return factory() if factory is not None else None
