"""Facebook page figures through the Graph API.

- ``GET /{post-id}/insights?metric=post_impressions,post_impressions_unique,post_clicks,
  post_activity_by_action_type`` (lifetime values): impressions, reach, clicks, and the
  reactions, comments and shares a post collected. Graph takes one post per insights request.
- ``GET /{page-id}?fields=followers_count``.
"""

from __future__ import annotations

from typing import Any

from .base import AccountConfig, PermanentFailure, RetryLater
from .graph import GraphClient
from .metrics import PostMetrics, as_int

POST_METRICS = (
    "post_impressions", "post_impressions_unique", "post_clicks", "post_activity_by_action_type",
)


def insight_values(body: dict[str, Any]) -> dict[str, Any]:
    """``{"data": [{"name", "period", "values": [{"value"}]}]}`` as ``{name: latest value}``."""
    found: dict[str, Any] = {}
    for entry in body.get("data") or []:
        values = entry.get("values") or []
        if entry.get("name") and values:
            found[entry["name"]] = values[-1].get("value")
    return found


def _gone(exc: PermanentFailure) -> bool:
    """Graph's 100/33: the object no longer exists (deleted on the network)."""
    raw = exc.raw if isinstance(exc.raw, dict) else {}
    error = raw.get("error") or {}
    return error.get("code") == 100 and error.get("error_subcode") == 33


class FacebookMetrics:
    """Reads lifetime insights of page posts and the page's follower count."""

    network = "facebook"
    label = "Facebook"
    batch_size = 50

    def _client(self, account: AccountConfig) -> GraphClient:
        return GraphClient.for_account(account, self.label)

    # What one insights request asks for; subclasses (Instagram) name their own metrics.
    insight_metrics: tuple[str, ...] = POST_METRICS

    def post_metrics(self, account: AccountConfig, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """Lifetime insights of each item (Graph takes one per request); a deleted one is left
        out. A rate limit keeps what was read before it on the error (``partial``)."""
        found: dict[str, PostMetrics] = {}
        with self._client(account) as client:
            for remote_id in remote_ids:
                try:
                    body = client.get(f"{remote_id}/insights", {
                        "metric": ",".join(self.insight_metrics), "period": "lifetime",
                    })
                except PermanentFailure as exc:
                    if _gone(exc):
                        continue
                    raise
                except RetryLater as exc:
                    exc.partial = found
                    raise
                found[remote_id] = self.figures(insight_values(body))
        return found

    def figures(self, values: dict[str, Any]) -> PostMetrics:
        """A post's insights in our terms."""
        actions = values.get("post_activity_by_action_type") or {}
        return PostMetrics(
            impressions=as_int(values.get("post_impressions")),
            reach=as_int(values.get("post_impressions_unique")),
            clicks=as_int(values.get("post_clicks")),
            reactions=as_int(actions.get("like")),
            comments=as_int(actions.get("comment")),
            shares=as_int(actions.get("share")),
            raw=values,
        )

    def followers(self, account: AccountConfig) -> int:
        """``followers_count`` of the page."""
        with self._client(account) as client:
            body = client.get(account.external_id, {"fields": "followers_count"})
        return as_int(body.get("followers_count"))
