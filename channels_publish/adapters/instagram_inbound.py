"""Instagram inbound adapter: comments on our media and Instagram direct messages.

Comments: ``GET /{ig-media-id}/comments`` on each of our newest media
(``published_remote_ids``, at most ``MAX_POSTS``) with the answers nested
(``replies{…}``); Instagram nests one level, so ``thread_key`` is the top-level
comment. Instagram has no time filter on comments, so every page is read (at most
``MAX_PAGES`` of 50 per medium and fetch) and the time cursor picks what is new;
``since`` is sent as well, which the sandbox uses to skip old threads. See
:mod:`.graph_inbound` for cursors, direct messages (``platform=instagram``) and
the hidden marker.

Replies: ``POST /{ig-comment-id}/replies`` on the top-level comment; moderation:
``POST /{ig-comment-id}`` with ``hide=true``, ``DELETE /{ig-comment-id}``.
"""

from __future__ import annotations

from typing import Any

from .base import AccountConfig
from .graph import GraphClient
from .graph_inbound import MAX_PAGES, GraphInbound, TimeCursor, graph_datetime
from .inbound import InboundItem, ReplyRequest

FIELDS = "id,text,timestamp,username,from,hidden,parent_id"
COMMENT_FIELDS = f"{FIELDS},replies{{{FIELDS}}}"


class InstagramInboundAdapter(GraphInbound):
    """Reads an Instagram account's comments and DMs and answers them."""

    network = "instagram"
    label = "Instagram"
    platform = "instagram"
    text_field = "text"
    time_field = "timestamp"
    hide_param = "hide"

    def _comments(
        self, graph: GraphClient, account: AccountConfig, post_id: str, state: dict[str, Any]
    ) -> tuple[list[InboundItem], dict[str, Any], bool]:
        window = TimeCursor(state)
        params: dict[str, Any] = {"fields": COMMENT_FIELDS, "limit": 50}
        if window.since:
            params["since"] = window.since
        items = []
        for _page in range(MAX_PAGES):
            page = graph.get(f"{post_id}/comments", params)
            for comment in page.get("data") or []:
                thread = str(comment["id"])
                answers = (comment.get("replies") or {}).get("data") or []
                for data in [comment, *answers]:
                    if window.is_new(str(data["id"]), graph_datetime(data.get("timestamp"))):
                        items.append(self._comment_item(account, post_id, data, thread))
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                break
            params = {**params, "after": after}
        return items, window.state(), False

    def _target(self, request: ReplyRequest) -> str:
        return request.thread_key or request.in_reply_to_remote_id

    def _reply_path(self, request: ReplyRequest) -> str:
        return f"{self._target(request)}/replies"

    def _replies_of(self, graph: GraphClient, request: ReplyRequest) -> list[dict[str, Any]]:
        page = graph.get(f"{self._target(request)}/replies",
                         {"fields": "id,text,from,timestamp", "limit": 100,
                          "order": "reverse_chronological"})
        return page.get("data") or []

    def _comment_url(self, remote_id: str) -> str:
        return f"https://www.instagram.com/p/{remote_id}"

    def _message_url(self, request: ReplyRequest) -> str:
        return "https://www.instagram.com/direct/inbox/"
