"""YouTube figures through google-api-python-client: ``videos.list(part=statistics)`` with up
to 50 ids per request, and ``channels.list(part=statistics)`` for the subscriber count.

Views count as impressions; YouTube reports no reach, shares or clicks publicly.
"""

from __future__ import annotations

from googleapiclient.errors import HttpError

from .base import AccountConfig
from .metrics import PostMetrics, as_int
from .youtube import TRANSPORT_ERRORS, YouTubeAdapter, classify

MAX_IDS = 50


class YouTubeMetrics:
    """Reads video statistics and the channel's subscriber count."""

    network = "youtube"
    batch_size = MAX_IDS

    def post_metrics(self, account: AccountConfig, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """``statistics`` of up to 50 videos in one request."""
        if not remote_ids:
            return {}
        youtube = YouTubeAdapter()._service(account)
        try:
            body = youtube.videos().list(
                part="statistics", id=",".join(list(remote_ids)[:MAX_IDS]), maxResults=MAX_IDS
            ).execute()
        except (HttpError, *TRANSPORT_ERRORS) as exc:
            raise classify(exc) from exc
        found: dict[str, PostMetrics] = {}
        for item in body.get("items") or []:
            statistics = item.get("statistics") or {}
            found[str(item["id"])] = PostMetrics(
                impressions=as_int(statistics.get("viewCount")),
                reactions=as_int(statistics.get("likeCount")),
                comments=as_int(statistics.get("commentCount")),
                raw=dict(statistics),
            )
        return found

    def followers(self, account: AccountConfig) -> int:
        """``statistics.subscriberCount`` of the channel (0 when hidden)."""
        youtube = YouTubeAdapter()._service(account)
        query = {"id": account.external_id} if account.external_id else {"mine": True}
        try:
            body = youtube.channels().list(part="statistics", **query).execute()
        except (HttpError, *TRANSPORT_ERRORS) as exc:
            raise classify(exc) from exc
        items = body.get("items") or []
        if not items:
            return 0
        return as_int((items[0].get("statistics") or {}).get("subscriberCount"))
