"""Facebook Page inbound adapter: comments on our posts and Messenger conversations.

Comments: ``GET /{post-id}/comments?filter=stream&order=chronological&since=…`` on
each of our newest posts (``published_remote_ids``, at most ``MAX_POSTS``) brings
comments and answers in one list; each answer has ``parent`` (Facebook nests one
level, so the parent is the top-level comment and ``thread_key``). A page of at
most 100 per post and fetch; with more waiting, the post's cursor keeps Graph's
``after`` and ``more`` is set. See :mod:`.graph_inbound` for cursors, direct
messages (``platform=messenger``) and the hidden marker.

Replies: ``POST /{comment-id}/comments`` with ``message``; moderation:
``POST /{comment-id}`` with ``is_hidden=true``, ``DELETE /{comment-id}``.
"""

from __future__ import annotations

from typing import Any

from .base import AccountConfig
from .graph import GraphClient
from .graph_inbound import PAGE_LIMIT, GraphInbound, TimeCursor, graph_datetime
from .inbound import InboundItem, ReplyRequest

COMMENT_FIELDS = "id,message,created_time,from,parent,is_hidden,permalink_url"


class FacebookInboundAdapter(GraphInbound):
    """Reads a page's comments and Messenger conversations and answers them."""

    network = "facebook"
    label = "Facebook"
    platform = "messenger"
    hide_param = "is_hidden"

    def _comments(
        self, graph: GraphClient, account: AccountConfig, post_id: str, state: dict[str, Any]
    ) -> tuple[list[InboundItem], dict[str, Any], bool]:
        window = TimeCursor(state)
        params: dict[str, Any] = {"filter": "stream", "order": "chronological",
                                  "limit": PAGE_LIMIT, "fields": COMMENT_FIELDS}
        if window.since:
            params["since"] = window.since
        if state.get("after"):
            params["after"] = state["after"]
        page = graph.get(f"{post_id}/comments", params)
        items = []
        for comment in page.get("data") or []:
            if not window.is_new(str(comment["id"]), graph_datetime(comment.get("created_time"))):
                continue
            parent = (comment.get("parent") or {}).get("id") or ""
            items.append(self._comment_item(account, post_id, comment, parent))
        next_state = window.state()
        paging = page.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        more = bool(paging.get("next") and after)
        if more:
            next_state["after"] = after
        return items, next_state, more

    def _reply_path(self, request: ReplyRequest) -> str:
        return f"{request.in_reply_to_remote_id}/comments"

    def _replies_of(self, graph: GraphClient, request: ReplyRequest) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for node in dict.fromkeys([request.in_reply_to_remote_id, request.thread_key]):
            if not node:
                continue
            page = graph.get(f"{node}/comments", {"fields": "id,message,from,created_time",
                                                  "order": "reverse_chronological",
                                                  "limit": PAGE_LIMIT})
            found.extend(page.get("data") or [])
        return found

    def _comment_url(self, remote_id: str) -> str:
        return f"https://www.facebook.com/{remote_id}"

    def _message_url(self, request: ReplyRequest) -> str:
        return "https://www.facebook.com/latest/inbox"
