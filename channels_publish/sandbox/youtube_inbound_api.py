"""YouTube Data API v3, inbound side: comment threads, replies, moderation.

- ``GET /youtube/v3/commentThreads?part=snippet,replies`` with
  ``allThreadsRelatedToChannelId``, ``videoId`` or ``id``; ``order=time`` (default:
  newest activity first, a new reply moves its thread up), ``moderationStatus``
  (``published`` default, ``heldForReview``, ``likelySpam``), ``maxResults``
  (1–100, default 20), ``pageToken``. ``replies.comments`` holds at most the five
  newest answers, as on YouTube; ``comments.list`` gives all.
- ``GET /youtube/v3/comments?part=snippet`` with ``parentId`` or ``id``.
- ``POST /youtube/v3/comments?part=snippet`` ``{"snippet": {"parentId",
  "textOriginal"}}``: our reply (``create``). ``parentId`` must be a top-level
  comment, as on YouTube.
- ``POST /youtube/v3/comments/setModerationStatus?id=&moderationStatus=``
  (``heldForReview``, ``published``, ``rejected``; ``moderate``): 204.
- ``DELETE /youtube/v3/comments?id=``: only our own comments (``delete``); 204.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from .app import Call, describe_request, json_response
from .inbound import INBOUND_KINDS, InboundStore
from .store import Record
from .youtube_api import YouTubeApi, channel_id, etag, google_error, iso_z, parts_of

THREAD_REPLIES = 5
MODERATION_STATUSES = {"heldForReview", "published", "rejected"}
LIST_STATUSES = {"published", "heldForReview", "likelySpam"}
TOKEN_PREFIX = "QURTSl9p"


def _inbound(call: Call) -> InboundStore:
    return call.sandbox.inbound


def _page_token(offset: int) -> str:
    return f"{TOKEN_PREFIX}{offset:08d}"


def _offset(token: str) -> int | None:
    if not token:
        return 0
    rest = token[len(TOKEN_PREFIX):]
    if not token.startswith(TOKEN_PREFIX) or not rest.isdigit():
        return None
    return int(rest)


class YouTubeInboundApi(YouTubeApi):
    """Routes and handlers of the YouTube comment endpoints (errors as :class:`YouTubeApi`)."""

    name = "youtube_inbound"

    def routes(self) -> list[tuple[str, list[str], Any, Any]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [
            ("/youtube/v3/commentThreads", ["GET"], self.threads_list, "read"),
            ("/youtube/v3/comments", ["GET"], self.comments_list, "read"),
            ("/youtube/v3/comments", ["POST"], self.comments_insert, "create"),
            ("/youtube/v3/comments", ["DELETE"], self.comments_delete, "delete"),
            ("/youtube/v3/comments/setModerationStatus", ["POST"], self.set_moderation,
             "moderate"),
        ]

    def _comment_json(self, record: Record) -> dict[str, Any]:
        extra = record.extra
        author = extra.get("author") or {}
        snippet: dict[str, Any] = {
            "channelId": record.owner,
            "videoId": extra.get("post_id", ""),
            "textDisplay": record.text,
            "textOriginal": record.text,
            "authorDisplayName": author.get("name") or author.get("handle", ""),
            "authorProfileImageUrl": "",
            "authorChannelUrl": f"http://www.youtube.com/channel/{author.get('id', '')}",
            "authorChannelId": {"value": author.get("id", "")},
            "canRate": True,
            "viewerRating": "none",
            "likeCount": 0,
            "moderationStatus": extra.get("moderation_status", "published"),
            "publishedAt": iso_z(record),
            "updatedAt": iso_z(record),
        }
        if extra.get("parent"):
            snippet["parentId"] = extra["parent"]
        return {"kind": "youtube#comment", "etag": etag(record.id, record.text),
                "id": record.id, "snippet": snippet}

    def _visible(self, record: Record, status: str = "published") -> bool:
        return not record.deleted and record.extra.get("moderation_status",
                                                       "published") == status

    def _page(self, call: Call, kind: str, items: list[Any], render: Any,
              default: int) -> Response:
        raw = call.request.args.get("maxResults", str(default))
        offset = _offset(call.request.args.get("pageToken", ""))
        if not raw.isdigit() or not 1 <= int(raw) <= 100:
            return google_error(400, f"Invalid value '{raw}'. Values must be within the range: "
                                "[1, 100]", "invalidParameter", location="maxResults",
                                locationType="parameter")
        if offset is None:
            return google_error(400, "The request specifies an invalid page token.",
                                "invalidPageToken", domain="youtube.parameter")
        size = int(raw)
        page = items[offset:offset + size]
        body: dict[str, Any] = {"kind": kind, "etag": etag(kind, offset, len(items))}
        if offset + size < len(items):
            body["nextPageToken"] = _page_token(offset + size)
        body["pageInfo"] = {"totalResults": len(items), "resultsPerPage": size}
        body["items"] = [render(item) for item in page]
        return json_response(body)

    def threads_list(self, call: Call) -> Response:
        """``GET /youtube/v3/commentThreads``."""
        args = call.request.args
        parts = parts_of(call.request)
        status = args.get("moderationStatus", "published")
        if status not in LIST_STATUSES:
            return google_error(400, f"Invalid value '{status}' for moderationStatus",
                                "invalidParameter", location="moderationStatus",
                                locationType="parameter")
        inbound = _inbound(call)
        own = channel_id(call.account)
        if args.get("allThreadsRelatedToChannelId"):
            channel = args["allThreadsRelatedToChannelId"]
            tops = [r for r in inbound.items("youtube", channel) if not r.extra.get("parent")]
        elif args.get("videoId"):
            tops = list(inbound.children(args["videoId"]))
        elif args.get("id"):
            ids = [part for part in args["id"].split(",") if part]
            tops = [r for r in (call.store.get(i) for i in ids) if r is not None]
        else:
            return google_error(400, "No filter selected. Expected one of: "
                                "allThreadsRelatedToChannelId, videoId, id, channelId",
                                "missingRequiredParameter", location="part",
                                locationType="parameter")
        if status != "published" and any(r.owner != own for r in tops):
            return google_error(403, "The request is not properly authorized to retrieve "
                                "held comments.", "forbidden")
        tops = [r for r in tops if r.network == "youtube" and r.kind in INBOUND_KINDS
                and self._visible(r, "heldForReview" if status == "likelySpam" else status)]

        def replies_of(top: Record) -> list[Record]:
            return [c for c in inbound.children(top.id) if self._visible(c)]

        def activity(top: Record) -> Any:
            return max([top.created_at] + [c.created_at for c in replies_of(top)])

        if args.get("order", "time") == "time":
            tops.sort(key=activity, reverse=True)

        def render(top: Record) -> dict[str, Any]:
            replies = replies_of(top)
            item: dict[str, Any] = {"kind": "youtube#commentThread",
                                    "etag": etag("thread", top.id, len(replies)), "id": top.id}
            if "snippet" in parts:
                item["snippet"] = {
                    "channelId": top.owner,
                    "videoId": top.extra.get("post_id", ""),
                    "topLevelComment": self._comment_json(top),
                    "canReply": True,
                    "totalReplyCount": len(replies),
                    "isPublic": True,
                }
            if "replies" in parts and replies:
                newest = sorted(replies, key=lambda c: c.created_at)[-THREAD_REPLIES:]
                item["replies"] = {"comments": [self._comment_json(c) for c in newest]}
            return item

        return self._page(call, "youtube#commentThreadListResponse", tops, render, 20)

    def comments_list(self, call: Call) -> Response:
        """``GET /youtube/v3/comments`` by ``parentId`` or ``id``."""
        args = call.request.args
        if args.get("parentId"):
            items = [c for c in _inbound(call).children(args["parentId"]) if self._visible(c)]
        elif args.get("id"):
            found = (call.store.get(i) for i in args["id"].split(",") if i)
            items = [r for r in found if r is not None and r.kind in INBOUND_KINDS
                     and r.network == "youtube" and not r.deleted]
        else:
            return google_error(400, "No filter selected. Expected one of: parentId, id",
                                "missingRequiredParameter", location="part",
                                locationType="parameter")
        items.sort(key=lambda c: c.created_at)
        return self._page(call, "youtube#commentListResponse", items, self._comment_json, 20)

    def comments_insert(self, call: Call) -> Response:
        """``POST /youtube/v3/comments``: our reply to a top-level comment."""
        body = call.request.get_json(silent=True) or {}
        snippet = body.get("snippet") if isinstance(body, dict) else None
        if not isinstance(snippet, dict):
            return google_error(400, "The request metadata is invalid.", "invalidCommentMetadata",
                                domain="youtube.comment")
        text = snippet.get("textOriginal")
        if not isinstance(text, str) or not text.strip():
            return google_error(400, "The comment is empty.", "commentTextRequired",
                                domain="youtube.comment")
        parent = call.store.get(str(snippet.get("parentId") or ""))
        if parent is None or parent.deleted or parent.network != "youtube" \
                or parent.kind not in INBOUND_KINDS or parent.extra.get("parent"):
            return google_error(400, "The comment could not be created due to an invalid "
                                "parentId.", "invalidCommentMetadata", domain="youtube.comment")
        owner = channel_id(call.account)
        user = call.store.account("youtube", call.account)
        author = {"id": owner, "name": user.name or f"Sandbox {owner[-4:]}",
                  "handle": user.username or f"sandbox{owner[-6:].lower()}"}
        record = _inbound(call).add_comment(
            "youtube", parent.owner, parent, text, kind="reply", author=author, from_us=True,
            account=call.account, request=describe_request(call.request),
        )
        return json_response(self._comment_json(record))

    def set_moderation(self, call: Call) -> Response:
        """``POST /youtube/v3/comments/setModerationStatus``: 204 No Content."""
        args = call.request.args
        status = args.get("moderationStatus", "")
        if status not in MODERATION_STATUSES:
            return google_error(400, "The moderation status is invalid.",
                                "invalidModerationStatus", domain="youtube.comment")
        own = channel_id(call.account)
        targets = []
        for comment_id in [i for i in args.get("id", "").split(",") if i]:
            record = call.store.get(comment_id)
            if record is None or record.deleted or record.network != "youtube" \
                    or record.kind not in INBOUND_KINDS:
                return google_error(404, "The comment could not be found.", "commentNotFound",
                                    domain="youtube.comment")
            if record.owner != own:
                return google_error(403, "The comment's moderation status cannot be changed "
                                    "by this channel.", "forbidden")
            targets.append(record)
        if not targets:
            return google_error(400, "No filter selected. Expected: id",
                                "missingRequiredParameter", location="id",
                                locationType="parameter")
        for record in targets:
            _inbound(call).moderate(record, status, call.account,
                                    ban_author=args.get("banAuthor") == "true")
        return Response(status=204)

    def comments_delete(self, call: Call) -> Response:
        """``DELETE /youtube/v3/comments?id=``: only the channel's own comments."""
        comment_id = call.request.args.get("id", "")
        record = call.store.get(comment_id)
        if record is None or record.deleted or record.network != "youtube" \
                or record.kind not in INBOUND_KINDS:
            return google_error(404, "The comment could not be found.", "commentNotFound",
                                domain="youtube.comment")
        if record.extra.get("author", {}).get("id") != channel_id(call.account):
            return google_error(403, "The comment cannot be deleted by this channel.",
                                "forbidden")
        _inbound(call).moderate(record, "delete", call.account)
        return Response(status=204)
