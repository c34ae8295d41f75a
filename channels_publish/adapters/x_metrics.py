"""X figures through tweepy: ``GET /2/tweets?ids=`` (up to 100 posts per request, with
``public_metrics``) and ``GET /2/users/:id`` with ``user.fields=public_metrics``.

X reports no reach and (publicly) no link clicks; reposts and quotes count as shares.
The account's ``external_id`` is its numeric user id; without one it is asked for once
(``GET /2/users/me``).
"""

from __future__ import annotations

import requests
import tweepy

from .base import AccountConfig
from .metrics import PostMetrics, as_int
from .x import XAdapter, classify

MAX_IDS = 100


class XMetrics:
    """Reads public metrics of posts and the follower count of an X account."""

    network = "x"
    batch_size = MAX_IDS

    def _client(self, account: AccountConfig) -> tweepy.Client:
        return XAdapter()._client(account)

    def post_metrics(self, account: AccountConfig, remote_ids: list[str]) -> dict[str, PostMetrics]:
        """``public_metrics`` of up to 100 posts in one request."""
        if not remote_ids:
            return {}
        client = self._client(account)
        try:
            response = client.get_tweets(
                ids=list(remote_ids)[:MAX_IDS], tweet_fields=["public_metrics"], user_auth=True
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify(exc, creates=False) from exc
        found: dict[str, PostMetrics] = {}
        for tweet in response.data or []:
            metrics = tweet.public_metrics or {}
            found[str(tweet.id)] = PostMetrics(
                impressions=as_int(metrics.get("impression_count")),
                reactions=as_int(metrics.get("like_count")),
                comments=as_int(metrics.get("reply_count")),
                shares=as_int(metrics.get("retweet_count")) + as_int(metrics.get("quote_count")),
                saves=as_int(metrics.get("bookmark_count")),
                raw=dict(metrics),
            )
        return found

    def followers(self, account: AccountConfig) -> int:
        """``public_metrics.followers_count`` of the account's user."""
        client = self._client(account)
        try:
            user_id = account.external_id
            if not user_id.isdigit():
                user_id = str(client.get_me(user_auth=True).data.id)
            response = client.get_user(id=user_id, user_fields=["public_metrics"], user_auth=True)
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify(exc, creates=False) from exc
        if response.data is None:
            return 0
        return as_int((response.data.public_metrics or {}).get("followers_count"))
