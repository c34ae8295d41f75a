"""Metrics in the sandbox: plausible, growing figures for the analytics collection.

Every figure is computed from the object's id and age, so the demo tells a story (a post gathers
most of its reach in its first two days, accounts gain followers day by day) and tests can
compute what the sandbox will answer. A fresh object starts at zero for its first minute.
Numbers set through the control endpoint ``POST /_sandbox/api/metrics`` win: either our own
names (``impressions``, ``reach``, ``reactions``, ``comments``, ``shares``, ``clicks``,
``saves``) or the network's (``like_count``, ``post_impressions``, ``viewCount`` …). A follower
count set as the account attribute ``followers_count`` (``POST /_sandbox/api/accounts``) wins too.

Endpoints added here, at the real paths and in the real shapes:

- X: ``GET /2/tweets?ids=`` (post lookup, up to 100 ids) and ``GET /2/users/{id}`` with
  ``user.fields=public_metrics``.
- Graph: ``GET /{post-id}/insights`` (Facebook post metrics), ``GET /{ig-media-id}/insights``
  (Instagram media metrics); ``followers_count`` of a page or Instagram user is a field of
  ``GET /{id}`` (see :func:`owner_json`).
- YouTube: ``statistics`` of ``videos.list`` and ``channels.list`` come from here.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Response

from .app import Call, json_response, request_params
from .graph_api import GraphApi, graph_error
from .store import Record, now_utc
from .x_api import ID_PATTERN, XApi, invalid_request, not_found_error, requested_fields

# Figures start growing one minute after an object was created.
GROWTH_DELAY_S = 60.0
# Half of a post's lifetime reach arrives within about a day.
GROWTH_TIME_S = 36 * 3600.0
# Follower counts grow from this moment on.
FOLLOWER_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FIGURES = ("impressions", "reach", "reactions", "comments", "shares", "clicks", "saves")
MAX_X_IDS = 100
MIN_GRAPH_OWNER_DIGITS = 15


def _number(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest(), 16)


def growth(age_s: float) -> float:
    """The share (0..1) of its lifetime figures an object has reached at ``age_s`` seconds."""
    effective = max(0.0, age_s - GROWTH_DELAY_S)
    return 1.0 - math.exp(-effective / GROWTH_TIME_S)


def lifetime_figures(object_id: str) -> dict[str, int]:
    """What an object reaches in the end, derived from its id."""
    seed = _number("sandbox-insights:" + object_id)
    impressions = 800 + seed % 9200
    rate = 0.02 + (seed >> 20) % 60 / 1000  # 2 % to 8 % of impressions engage
    reactions = int(impressions * rate)
    return {
        "impressions": impressions,
        "reach": int(impressions * (0.55 + (seed >> 40) % 30 / 100)),
        "reactions": reactions,
        "comments": reactions // 6 + (seed >> 50) % 5,
        "shares": reactions // 9,
        "clicks": int(impressions * (0.005 + (seed >> 60) % 15 / 1000)),
        "saves": reactions // 12,
    }


def figures(record: Record, now: datetime | None = None) -> dict[str, int]:
    """The object's figures right now (our names), with numbers set through control applied."""
    now = now or now_utc()
    share = growth((now - record.created_at).total_seconds())
    result = {key: int(value * share) for key, value in lifetime_figures(record.id).items()}
    overrides = record.extra.get("metrics", {})
    result.update({key: int(overrides[key]) for key in FIGURES if key in overrides})
    return result


def _native(record: Record, values: dict[str, Any]) -> dict[str, Any]:
    """The network's own names, then numbers set through control under those names."""
    overrides = record.extra.get("metrics", {})
    values.update({key: overrides[key] for key in values if key in overrides})
    return values


def followers(network: str, owner: str, attrs: dict[str, Any] | None = None,
              now: datetime | None = None) -> int:
    """An account's follower count: a base from its id plus steady daily growth."""
    if attrs and "followers_count" in attrs:
        return int(attrs["followers_count"])
    now = now or now_utc()
    seed = _number(f"sandbox-followers:{network}:{owner}")
    base = 2_000 + seed % 38_000
    per_day = 3 + (seed >> 30) % 25
    days = max(0.0, (now - FOLLOWER_EPOCH).total_seconds() / 86400)
    return base + int(per_day * days)


# --- X ------------------------------------------------------------------------------------
def x_public_metrics(record: Record) -> dict[str, int]:
    """``public_metrics`` of a post."""
    found = figures(record)
    quotes = found["shares"] // 4
    return _native(record, {
        "retweet_count": found["shares"] - quotes,
        "repost_count": found["shares"] - quotes,
        "reply_count": found["comments"],
        "like_count": found["reactions"],
        "quote_count": quotes,
        "bookmark_count": found["saves"],
        "impression_count": found["impressions"],
    })


class XInsightsApi(XApi):
    """X's post lookup and user lookup, as the metrics collection uses them."""

    name = "x-insights"

    def routes(self) -> list[tuple[str, list[str], Any, str]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [
            ("/2/tweets", ["GET"], self.lookup_tweets, "read"),
            ("/2/users/<user_id>", ["GET"], self.get_user, "read"),
        ]

    def lookup_tweets(self, call: Call) -> Response:
        """``GET /2/tweets?ids=``: up to 100 posts; missing ones are listed in ``errors``."""
        raw = call.request.args.get("ids", "")
        ids = [value for value in raw.split(",") if value]
        if not ids or len(ids) > MAX_X_IDS:
            return invalid_request(
                "ids", raw, f"The number of values in the `ids` query parameter list "
                f"[{len(ids)}] is not between 1 and {MAX_X_IDS}",
            )
        for tweet_id in ids:
            if not ID_PATTERN.match(tweet_id):
                return invalid_request("ids", tweet_id,
                                       "The `ids` query parameter value is invalid.")
        fields = requested_fields(call.request)
        data, errors = [], []
        for tweet_id in ids:
            record = call.store.get(tweet_id, kind="tweet")
            if record is None or record.deleted:
                errors.append(not_found_error("tweet", tweet_id, "ids"))
            else:
                data.append(self._tweet_json(record, fields))
        body: dict[str, Any] = {}
        if data:
            body["data"] = data
        if errors:
            body["errors"] = errors
        return json_response(body)

    def get_user(self, call: Call, user_id: str) -> Response:
        """``GET /2/users/{id}``, with ``public_metrics`` when asked for."""
        if not ID_PATTERN.match(user_id):
            return invalid_request("id", user_id, "The `id` query parameter value is invalid.")
        call.store.x_user_id(call.account)
        token = call.store.x_users.get(user_id)
        if token is None:
            return json_response({"errors": [not_found_error("user", user_id)]})
        account = call.store.account("x", token)
        data: dict[str, Any] = {
            "id": user_id,
            "name": account.name or f"Sandbox {user_id[-4:]}",
            "username": account.username or f"sandbox_{user_id[-6:]}",
        }
        raw = ",".join(call.request.args.getlist("user.fields"))
        if "public_metrics" in {value.strip() for value in raw.split(",")}:
            posts = call.store.timeline("x", user_id, kinds={"tweet"}, limit=100_000)
            data["public_metrics"] = {
                "followers_count": followers("x", user_id, account.attrs),
                "following_count": 120,
                "post_count": len(posts),
                "listed_count": 12,
                "like_count": 0,
            }
        return json_response({"data": data})


# --- Graph (Facebook and Instagram) ----------------------------------------------------------
FACEBOOK_POST_METRICS = {
    "post_impressions": ("Lifetime Post Total Impressions",
                         "Lifetime: The number of times your Page's post entered a person's "
                         "screen."),
    "post_impressions_unique": ("Lifetime Post Total Reach",
                                "Lifetime: The number of people who had your Page's post enter "
                                "their screen."),
    "post_clicks": ("Lifetime Post Clicks", "Lifetime: The number of clicks on your post."),
    "post_reactions_by_type_total": ("Lifetime Total post Reactions by Type.",
                                     "Lifetime: Total post reactions by type."),
    "post_activity_by_action_type": ("Lifetime Post Stories by action type",
                                     "Lifetime: The number of stories created about your Page "
                                     "post, by action type."),
}
INSTAGRAM_MEDIA_METRICS = {
    "reach": ("Accounts reached", "The number of unique accounts that have seen your post."),
    "views": ("Views", "The number of times your post was played or displayed."),
    "likes": ("Likes", "The number of likes on your post."),
    "comments": ("Comments", "The number of comments on your post."),
    "shares": ("Shares", "The number of shares of your post."),
    "saved": ("Saved", "The number of saves of your post."),
    "total_interactions": ("Interactions", "Likes, saves, comments and shares on the post."),
}


def facebook_post_values(record: Record) -> dict[str, Any]:
    """Lifetime insights of a page post, by metric name."""
    found = figures(record)
    likes = found["reactions"] * 4 // 5
    return _native(record, {
        "post_impressions": found["impressions"],
        "post_impressions_unique": found["reach"],
        "post_clicks": found["clicks"],
        "post_reactions_by_type_total": {"like": likes, "love": found["reactions"] - likes},
        "post_activity_by_action_type": {
            "like": found["reactions"], "comment": found["comments"], "share": found["shares"],
        },
    })


def instagram_media_values(record: Record) -> dict[str, Any]:
    """Lifetime insights of an Instagram media object, by metric name."""
    found = figures(record)
    return _native(record, {
        "reach": found["reach"],
        "views": found["impressions"],
        "likes": found["reactions"],
        "comments": found["comments"],
        "shares": found["shares"],
        "saved": found["saves"],
        "total_interactions": (found["reactions"] + found["comments"] + found["shares"]
                               + found["saves"]),
    })


def owner_json(call: Call, node: str) -> dict[str, Any] | None:
    """A page or Instagram user addressed by id (``name``, ``followers_count``), else None.

    The sandbox knows owners from what they published or from registered accounts; any other
    id of the length of a page or Instagram user id (15 digits or more) is taken to be one as
    well, so an account that has not published yet still has followers.
    """
    network = None
    for candidate in ("instagram", "facebook"):
        if node in call.store.owners(candidate):
            network = candidate
            break
    if network is None:
        registered = [key for (net, key) in call.store.accounts if key == node]
        if not registered and not (node.isdigit() and len(node) >= MIN_GRAPH_OWNER_DIGITS):
            return None
        network = "facebook"
    account = call.store.account(network, node)
    return {
        "id": node,
        "name": account.name or f"Sandbox {node}",
        # One count per Graph id, whichever network the sandbox files it under.
        "followers_count": followers("graph", node, account.attrs),
    }


class GraphInsightsApi(GraphApi):
    """``GET /{object-id}/insights`` for Facebook posts and Instagram media."""

    name = "graph-insights"

    def routes(self) -> list[tuple[str, list[str], Any, Any]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [("/<graph_version:version>/<node>/insights", ["GET"], self.insights, "read")]

    def network_of(self, sandbox: Any, request: Any, values: dict) -> str:
        """The network of the object asked about."""
        record = sandbox.store.get(values.get("node", ""))
        return record.network if record is not None else "facebook"

    def insights(self, call: Call, version: str, node: str) -> Response:
        """Lifetime metrics of one post or media object."""
        params = request_params(call.request)
        names = [name.strip() for name in params.get("metric", "").split(",") if name.strip()]
        record = call.store.get(node)
        if record is None or record.deleted:
            return graph_error(
                f"Unsupported get request. Object with ID '{node}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                100, subcode=33,
            )
        if record.network == "instagram":
            known, values = INSTAGRAM_MEDIA_METRICS, instagram_media_values(record)
        else:
            known, values = FACEBOOK_POST_METRICS, facebook_post_values(record)
        if not names:
            return graph_error("(#100) The parameter metric is required", 100)
        unknown = [name for name in names if name not in known]
        if unknown:
            return graph_error(
                f"(#100) metric[0] must be one of the following values: {', '.join(known)}",
                100,
            )
        post_id = record.extra.get("post_id") or record.id
        if node != record.id:
            post_id = node
        data = [
            {
                "name": name,
                "period": "lifetime",
                "values": [{"value": values[name]}],
                "title": known[name][0],
                "description": known[name][1],
                "id": f"{post_id}/insights/{name}/lifetime",
            }
            for name in names
        ]
        return json_response({"data": data})


# --- YouTube --------------------------------------------------------------------------------
def youtube_video_statistics(record: Record) -> dict[str, str]:
    """``statistics`` of a video (YouTube sends the counts as strings)."""
    found = figures(record)
    values = _native(record, {
        "viewCount": found["impressions"],
        "likeCount": found["reactions"],
        "favoriteCount": 0,
        "commentCount": found["comments"],
    })
    return {key: str(value) for key, value in values.items()}


def youtube_subscribers(channel: str, attrs: dict[str, Any] | None = None) -> int:
    """A channel's subscriber count."""
    return followers("youtube", channel, attrs)


def apis() -> list[Any]:
    """The API objects this module adds to the sandbox's routing."""
    return [XInsightsApi(), GraphInsightsApi()]

