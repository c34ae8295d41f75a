"""Instagram figures through the Graph API.

- ``GET /{ig-media-id}/insights?metric=reach,views,likes,comments,shares,saved`` (lifetime);
  ``views`` replaced ``impressions`` for media in 2025 and is stored as impressions.
- ``GET /{ig-user-id}?fields=followers_count``.
"""

from __future__ import annotations

from typing import Any

from .facebook_metrics import FacebookMetrics
from .metrics import PostMetrics, as_int

MEDIA_METRICS = ("reach", "views", "likes", "comments", "shares", "saved")


class InstagramMetrics(FacebookMetrics):
    """Reads lifetime insights of media and the Instagram account's follower count."""

    network = "instagram"
    label = "Instagram"

    insight_metrics = MEDIA_METRICS

    def figures(self, values: dict[str, Any]) -> PostMetrics:
        """A media object's insights in our terms."""
        return PostMetrics(
            impressions=as_int(values.get("views")),
            reach=as_int(values.get("reach")),
            reactions=as_int(values.get("likes")),
            comments=as_int(values.get("comments")),
            shares=as_int(values.get("shares")),
            saves=as_int(values.get("saved")),
            raw=values,
        )
