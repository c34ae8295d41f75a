"""Instagram figures through the Graph API.

- ``GET /{ig-media-id}/insights?metric=reach,views,likes,comments,shares,saved`` (lifetime);
  ``views`` replaced ``impressions`` for media in 2025 and is stored as impressions.
- ``GET /{ig-user-id}?fields=followers_count``.
"""

from __future__ import annotations

from .base import AccountConfig, PermanentFailure, RetryLater
from .facebook_metrics import FacebookMetrics, _gone, insight_values
from .metrics import PostMetrics, as_int

MEDIA_METRICS = ("reach", "views", "likes", "comments", "shares", "saved")


class InstagramMetrics(FacebookMetrics):
    """Reads lifetime insights of media and the Instagram account's follower count."""

    network = "instagram"
    label = "Instagram"

    def post_metrics(self, account: AccountConfig, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """Insights of each media object; a deleted one is left out."""
        found: dict[str, PostMetrics] = {}
        with self._client(account) as client:
            for remote_id in remote_ids:
                try:
                    body = client.get(f"{remote_id}/insights", {
                        "metric": ",".join(MEDIA_METRICS), "period": "lifetime",
                    })
                except PermanentFailure as exc:
                    if _gone(exc):
                        continue
                    raise
                except RetryLater as exc:
                    # Keep what was read before the limit: the caller stores it.
                    exc.partial = found
                    raise
                values = insight_values(body)
                found[remote_id] = PostMetrics(
                    impressions=as_int(values.get("views")),
                    reach=as_int(values.get("reach")),
                    reactions=as_int(values.get("likes")),
                    comments=as_int(values.get("comments")),
                    shares=as_int(values.get("shares")),
                    saves=as_int(values.get("saved")),
                    raw=values,
                )
        return found
