"""What the Facebook and Instagram inbound adapters share: Graph comments and DMs.

Time cursors: Graph reports ``created_time`` / ``timestamp`` to the second. A
source's cursor is ``{"since": <UNIX seconds of the newest item seen>, "seen":
[ids at exactly that second]}``: the next read asks from that second on
(inclusive) and skips the ids already seen, so nothing is lost or repeated when
several items share a second.

Direct messages (both networks) come from the conversations API:
``GET /{id}/conversations?platform=…`` (most recently updated first) and each
updated conversation's ``/messages`` (newest first), read back to the cursor.
``thread_key`` is the conversation id. A reply to a DM is ``POST /{id}/messages``
with ``recipient={"id": …}`` and ``message={"text": …}``.

Marker: appended invisibly to the reply text (:func:`~.base.with_hidden_marker`),
found again by :meth:`GraphInbound.find_reply` among the answers of the comment or
the messages of the conversation. ``save_state`` records the attempt before
sending; a retry after an unclear outcome looks for the marker first.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .base import (
    AccountConfig,
    PermanentFailure,
    Published,
    SaveState,
    carries_marker,
    with_hidden_marker,
)
from .graph import GraphClient, error_code
from .inbound import (
    FetchResult,
    InboundItem,
    ModerationAction,
    ReplyRequest,
    earlier_reply_or_start,
)

PAGE_LIMIT = 100
MAX_PAGES = 20  # per source and fetch: a bound on work, the cursor resumes the rest
MAX_POSTS = 25  # comments are read on our newest items only
MESSAGE_FIELDS = "id,message,from,to,created_time"
UNKNOWN_OBJECT_CODE = 100  # with subcode 33: the item no longer exists (deleted)


def graph_datetime(value: str | None) -> datetime:
    """Graph's ``2025-05-01T10:00:00+0000`` as an aware datetime."""
    if not value:
        return datetime.now(UTC)
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")


def seconds(moment: datetime) -> int:
    """UNIX seconds of a time."""
    return int(moment.timestamp())


class TimeCursor:
    """A ``{"since", "seen"}`` cursor of one source: which items are new, and the next one."""

    def __init__(self, state: dict[str, Any] | None) -> None:
        state = state or {}
        self.since = int(state.get("since") or 0)
        self.seen = set(state.get("seen") or [])
        self.newest = self.since
        self.newest_ids = set(self.seen)

    def is_new(self, item_id: str, moment: datetime) -> bool:
        """Whether an item is newer than the cursor; remembers the newest seen."""
        stamp = seconds(moment)
        if stamp > self.newest:
            self.newest, self.newest_ids = stamp, {item_id}
        elif stamp == self.newest:
            self.newest_ids.add(item_id)
        return stamp > self.since or (stamp == self.since and item_id not in self.seen)

    def state(self) -> dict[str, Any]:
        """The cursor to continue from."""
        if not self.newest:
            return {}
        return {"since": self.newest, "seen": sorted(self.newest_ids)}


class GraphInbound:
    """Comments and conversations over the Graph API; subclasses name the network."""

    network = ""
    label = ""  # the network's name as people read it
    platform = ""  # the conversations API's ``platform``
    comment_fields = ""
    text_field = "message"
    time_field = "created_time"
    hide_param = "is_hidden"

    def _graph(self, account: AccountConfig) -> GraphClient:
        return GraphClient.for_account(account, self.label)

    # reading -------------------------------------------------------------------

    def fetch_inbound(
        self,
        account: AccountConfig,
        cursor: dict[str, Any],
        published_remote_ids: list[str],
    ) -> FetchResult:
        """New comments on our newest items and new direct messages."""
        post_cursors = dict(cursor.get("posts") or {})
        items: list[InboundItem] = []
        more = False
        with self._graph(account) as graph:
            posts = list(published_remote_ids)[:MAX_POSTS]
            next_posts = {}
            for post_id in posts:
                try:
                    found, state, post_more = self._comments(graph, account, post_id,
                                                             post_cursors.get(post_id) or {})
                except PermanentFailure as exc:
                    if error_code(exc) == UNKNOWN_OBJECT_CODE:
                        continue  # the item is gone from the network: nothing more to read
                    raise
                items.extend(found)
                next_posts[post_id] = state
                more = more or post_more
            messages, dms = self._conversations(graph, account, cursor.get("dms") or {})
            items.extend(messages)
        items.sort(key=lambda item: item.created_at)
        return FetchResult(items=items, cursor={"posts": next_posts, "dms": dms}, more=more)

    def _comments(
        self, graph: GraphClient, account: AccountConfig, post_id: str, state: dict[str, Any]
    ) -> tuple[list[InboundItem], dict[str, Any], bool]:
        raise NotImplementedError

    def _comment_item(
        self, account: AccountConfig, post_id: str, data: dict[str, Any], thread: str
    ) -> InboundItem:
        author = data.get("from") or {}
        parent = (data.get("parent") or {}).get("id") or data.get("parent_id") or ""
        author_id = str(author.get("id") or "")
        return InboundItem(
            kind="comment",
            remote_id=str(data["id"]),
            thread_key=thread or str(data["id"]),
            text=data.get(self.text_field) or "",
            created_at=graph_datetime(data.get(self.time_field)),
            author_id=author_id,
            author_name=str(author.get("name") or author.get("username") or
                            data.get("username") or ""),
            author_handle=str(author.get("username") or data.get("username") or ""),
            parent_remote_id=str(parent),
            post_remote_id=post_id,
            url=str(data.get("permalink_url") or ""),
            from_us=author_id == account.external_id,
            is_hidden=bool(data.get("is_hidden") or data.get("hidden")),
            raw=data,
        )

    def _conversations(
        self, graph: GraphClient, account: AccountConfig, state: dict[str, Any]
    ) -> tuple[list[InboundItem], dict[str, Any]]:
        window = TimeCursor(state)
        items: list[InboundItem] = []
        params: dict[str, Any] = {"platform": self.platform, "fields": "id,updated_time",
                                  "limit": 25}
        for _page in range(MAX_PAGES):
            page = graph.get(f"{account.external_id}/conversations", params)
            conversations = page.get("data") or []
            stale = False
            for conversation in conversations:
                if seconds(graph_datetime(conversation.get("updated_time"))) < window.since:
                    stale = True
                    break
                items.extend(self._messages(graph, account, str(conversation["id"]), window))
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if stale or not (page.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": after}
        return items, window.state()

    def _messages(
        self, graph: GraphClient, account: AccountConfig, conversation_id: str,
        window: TimeCursor,
    ) -> list[InboundItem]:
        items = []
        params: dict[str, Any] = {"fields": MESSAGE_FIELDS, "limit": 50,
                                  "platform": self.platform}
        for _page in range(MAX_PAGES):
            page = graph.get(f"{conversation_id}/messages", params)
            older = False
            for message in page.get("data") or []:
                moment = graph_datetime(message.get("created_time"))
                if seconds(moment) < window.since:
                    older = True
                    break
                if not window.is_new(str(message["id"]), moment):
                    continue
                author = message.get("from") or {}
                author_id = str(author.get("id") or "")
                items.append(InboundItem(
                    kind="message",
                    remote_id=str(message["id"]),
                    thread_key=conversation_id,
                    text=message.get("message") or "",
                    created_at=moment,
                    author_id=author_id,
                    author_name=str(author.get("name") or author.get("username") or ""),
                    author_handle=str(author.get("username") or ""),
                    from_us=author_id == account.external_id,
                    raw=message,
                ))
            after = ((page.get("paging") or {}).get("cursors") or {}).get("after")
            if older or not (page.get("paging") or {}).get("next") or not after:
                break
            params = {**params, "after": after}
        return items

    # answering -----------------------------------------------------------------

    def send_reply(
        self,
        account: AccountConfig,
        request: ReplyRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Send the comment reply or direct message once, marker hidden in the text."""
        earlier = earlier_reply_or_start(self, account, request, state, save_state)
        if earlier is not None:
            return earlier
        text = with_hidden_marker(request.text, request.marker)
        with self._graph(account) as graph:
            if request.kind == "message":
                created = graph.post(f"{account.external_id}/messages", {
                    "recipient": json.dumps({"id": request.recipient_id}),
                    "message": json.dumps({"text": text}),
                    "messaging_type": "RESPONSE",
                    "platform": self.platform,
                }, creates=True)
                return Published(remote_id=str(created["message_id"]),
                                 url=self._message_url(request), raw=created)
            created = graph.post(self._reply_path(request), {"message": text}, creates=True)
        remote_id = str(created["id"])
        return Published(remote_id=remote_id, url=self._comment_url(remote_id), raw=created)

    def _reply_path(self, request: ReplyRequest) -> str:
        raise NotImplementedError

    def _replies_of(self, graph: GraphClient, request: ReplyRequest) -> list[dict[str, Any]]:
        raise NotImplementedError

    def _comment_url(self, remote_id: str) -> str:
        return ""

    def _message_url(self, request: ReplyRequest) -> str:
        return ""

    def find_reply(self, account: AccountConfig, request: ReplyRequest) -> Published | None:
        """Our answer carrying the request's marker, if it exists."""
        with self._graph(account) as graph:
            if request.kind == "message":
                conversation = request.thread_key or self._conversation_with(
                    graph, account, request.recipient_id)
                if not conversation:
                    return None
                page = graph.get(f"{conversation}/messages",
                                 {"fields": MESSAGE_FIELDS, "limit": 100,
                                  "platform": self.platform})
                for message in page.get("data") or []:
                    author = str((message.get("from") or {}).get("id") or "")
                    if author == account.external_id and carries_marker(
                        message.get("message"), request.marker
                    ):
                        return Published(remote_id=str(message["id"]),
                                         url=self._message_url(request), raw=message)
                return None
            for reply in self._replies_of(graph, request):
                author = str((reply.get("from") or {}).get("id") or "")
                if author == account.external_id and carries_marker(
                    reply.get(self.text_field), request.marker
                ):
                    return Published(remote_id=str(reply["id"]),
                                     url=self._comment_url(str(reply["id"])), raw=reply)
        return None

    def _conversation_with(self, graph: GraphClient, account: AccountConfig,
                           recipient_id: str) -> str:
        page = graph.get(f"{account.external_id}/conversations",
                         {"platform": self.platform, "fields": "id,participants", "limit": 100})
        for conversation in page.get("data") or []:
            people = (conversation.get("participants") or {}).get("data") or []
            if any(str(person.get("id")) == recipient_id for person in people):
                return str(conversation["id"])
        return ""

    # moderation ----------------------------------------------------------------

    def moderate(self, account: AccountConfig, remote_id: str, action: ModerationAction) -> None:
        """Hide (``POST /{comment-id}``) or delete (``DELETE /{comment-id}``) a comment."""
        with self._graph(account) as graph:
            if action == "delete":
                graph._call("DELETE", remote_id, creates=False)
            else:
                graph.post(remote_id, {self.hide_param: "true"})
