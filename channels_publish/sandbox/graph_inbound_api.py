"""Graph API, inbound side: comments, replies, hiding, deleting, Messenger and IG DMs.

Facebook Pages:

- ``GET /{post-id}/comments``: ``filter=toplevel`` (default) or ``stream`` (every
  comment and reply, each reply with ``parent``), ``order=chronological``
  (default) or ``reverse_chronological``, time-based ``since``/``until`` (UNIX
  seconds or ISO 8601, inclusive), ``limit`` (≤ 100) and cursor paging
  (``after``/``before``, ``paging.next``). ``GET /{comment-id}/comments``: its replies.
- ``POST /{post-id}/comments`` / ``POST /{comment-id}/comments`` with ``message``:
  our comment or reply (``create``; recorded as kind ``reply`` under a comment).
- ``POST /{comment-id}?is_hidden=true|false`` (``moderate``), ``DELETE /{comment-id}``
  (``delete``, handled by ``GraphApi.delete_object`` calling :func:`delete_comment`).
- ``GET /{page-id}/conversations?platform=messenger``, ``GET /{conversation-id}/messages``
  (newest first), ``POST /{page-id}/messages`` with ``recipient={"id": PSID}`` and
  ``message={"text": …}`` (``create``).

Instagram (same paging):

- ``GET /{ig-media-id}/comments`` (top-level comments; ``replies{…}`` in ``fields``
  nests the answers), ``GET|POST /{ig-comment-id}/replies``, ``POST
  /{ig-media-id}/comments``; ``POST /{ig-comment-id}?hide=true|false``; ``DELETE``.
  The sandbox also honours ``since`` here, counting a comment as new when it or
  one of its replies is (real Instagram ignores it; adapters filter themselves).
- ``GET /{ig-user-id}/conversations?platform=instagram``, ``GET
  /{conversation-id}/messages``, ``POST /{ig-user-id}/messages``.
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from .app import Call, describe_request, json_response, request_params
from .graph_api import GraphApi, graph_error, graph_time, invalid_parameter, requested, unsupported
from .inbound import INBOUND_KINDS, PUBLISHED_KINDS, InboundError, InboundStore, parse_time
from .store import Record

MESSAGE_KINDS = {"message", "direct_message"}
COMMENT_KINDS = INBOUND_KINDS - MESSAGE_KINDS
MAX_LIMIT = 100
NESTED_MESSAGES = 25


def _inbound(call: Call) -> InboundStore:
    return call.sandbox.inbound


def _cursor(record_id: str) -> str:
    return base64.urlsafe_b64encode(record_id.encode()).decode().rstrip("=")


def _uncursor(cursor: str) -> str:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        return ""


def _time_bound(params: dict[str, str], name: str) -> datetime | None:
    try:
        return parse_time(params.get(name))
    except InboundError:
        raise ValueError(name) from None


def paginate(
    call: Call,
    records: list[Record],
    params: dict[str, str],
    render: Any,
    *,
    newest_first: bool,
    touched: Any = None,
) -> Response:
    """Graph's time filter and cursor paging over records.

    ``touched`` gives the time a record counts as new for ``since`` (default: its own).
    """
    try:
        limit = max(1, min(MAX_LIMIT, int(params.get("limit") or 25)))
        since = _time_bound(params, "since")
        until = _time_bound(params, "until")
    except ValueError as exc:
        return invalid_parameter(f"Param {exc.args[0] if exc.args else 'limit'} is invalid")
    when = touched or (lambda record: record.created_at)
    order = {record.id: index for index, record in enumerate(records)}
    chosen = [
        record for record in records
        if not record.deleted
        and (since is None or when(record) >= since)
        and (until is None or record.created_at <= until)
    ]
    chosen.sort(key=lambda r: (r.created_at, order[r.id]), reverse=newest_first)
    start = 0
    if params.get("after"):
        wanted = _uncursor(params["after"])
        ids = [record.id for record in chosen]
        start = ids.index(wanted) + 1 if wanted in ids else len(ids)
    elif params.get("before"):
        wanted = _uncursor(params["before"])
        ids = [record.id for record in chosen]
        end = ids.index(wanted) if wanted in ids else 0
        start = max(0, end - limit)
    page = chosen[start:start + limit]
    body: dict[str, Any] = {"data": [render(record) for record in page]}
    if page:
        body["paging"] = {"cursors": {"before": _cursor(page[0].id),
                                      "after": _cursor(page[-1].id)}}
        if start + limit < len(chosen):
            query = {k: v for k, v in params.items() if k not in ("access_token", "before")}
            query["after"] = _cursor(page[-1].id)
            body["paging"]["next"] = (f"{call.base_url}{call.request.path}?"
                                      + urllib.parse.urlencode(query))
    else:
        body["paging"] = {"cursors": {}}
    return json_response(body)


class GraphInboundApi(GraphApi):
    """Routes and handlers of the Graph inbound endpoints (errors as :class:`GraphApi`)."""

    name = "graph_inbound"

    def routes(self) -> list[tuple[str, list[str], Any, Any]]:
        """URL rules: (path, methods, handler, fault operation)."""
        node = "/<graph_version:version>/<node>"
        return [
            (node + "/comments", ["GET"], self.comments, "read"),
            (node + "/comments", ["POST"], self.add_comment, "create"),
            (node + "/replies", ["GET"], self.ig_replies, "read"),
            (node + "/replies", ["POST"], self.add_comment, "create"),
            (node + "/conversations", ["GET"], self.conversations, "read"),
            (node + "/messages", ["GET"], self.messages, "read"),
            (node + "/messages", ["POST"], self.send_message, "create"),
            (node, ["POST"], self.moderate, "moderate"),
        ]

    def network_of(self, sandbox: Any, request: Request, values: dict) -> str:
        """Instagram for ``platform=instagram``, IG objects and IG accounts; else Facebook."""
        platform = request.args.get("platform") or request.form.get("platform")
        if platform:
            return "instagram" if platform == "instagram" else "facebook"
        node = values.get("node", "")
        record = sandbox.store.get(node)
        if record is not None:
            return record.network
        conversation = sandbox.inbound.conversation(node)
        if conversation is not None:
            return conversation.network
        if sandbox.inbound.is_owner("instagram", node) or node in sandbox.store.owners(
            "instagram"
        ):
            return "instagram"
        return "facebook"

    # rendering -----------------------------------------------------------------

    def _comment_json(self, call: Call, record: Record, fields: set[str] | None) -> dict:
        extra = record.extra
        author = extra.get("author") or {}
        if record.network == "instagram":
            data: dict[str, Any] = {
                "id": record.id,
                "text": record.text,
                "timestamp": graph_time(record.created_at),
                "username": author.get("handle") or author.get("name"),
                "from": {"id": author.get("id"), "username": author.get("handle")},
                "hidden": bool(extra.get("hidden")),
                "like_count": 0,
                "media": {"id": extra.get("post_id")},
            }
            if extra.get("parent"):
                data["parent_id"] = extra["parent"]
            if fields is not None and "replies" in fields:
                # Nested fields are not parsed: answers carry the usual comment fields.
                nested = (fields | {"text", "timestamp", "username", "from", "hidden",
                                    "parent_id"}) - {"replies"}
                replies = [self._comment_json(call, child, nested)
                           for child in _inbound(call).children(record.id)
                           if not child.deleted]
                data["replies"] = {"data": replies}
            return self._pick(data, fields, {"text", "timestamp"})
        data = {
            "id": record.id,
            "message": record.text,
            "created_time": graph_time(record.created_at),
            "from": {"id": author.get("id"), "name": author.get("name")},
            "is_hidden": bool(extra.get("hidden")),
            "can_hide": not extra.get("from_us"),
            "comment_count": len([c for c in _inbound(call).children(record.id)
                                  if not c.deleted]),
            "permalink_url": f"{call.base_url}/_sandbox/facebook#{record.id}",
        }
        if extra.get("parent"):
            data["parent"] = {"id": extra["parent"]}
        return self._pick(data, fields, {"message", "created_time", "from"})

    @staticmethod
    def _pick(data: dict[str, Any], fields: set[str] | None, default: set[str]) -> dict:
        wanted = (fields if fields is not None else default) | {"id"}
        return {key: value for key, value in data.items() if key in wanted}

    def _resolve(self, call: Call, node: str) -> tuple[Record | None, str]:
        """The record of a node and the key its comments are indexed under."""
        record = call.store.get(node)
        if record is None or record.deleted:
            return None, ""
        if record.kind in PUBLISHED_KINDS:
            return record, record.extra.get("post_id") or record.id
        if record.kind in COMMENT_KINDS:
            return record, record.id
        return None, ""

    # comments ------------------------------------------------------------------

    def comments(self, call: Call, version: str, node: str) -> Response:
        """``GET /{object-id}/comments``."""
        params = request_params(call.request)
        record, key = self._resolve(call, node)
        if record is None:
            return unsupported("get", node)
        fields = requested(params)
        inbound = _inbound(call)
        touched = None
        if record.network == "facebook" and params.get("filter") == "stream" \
                and record.kind in PUBLISHED_KINDS:
            records = inbound.on_post(key)
        else:
            records = inbound.children(key)
            if record.network == "instagram":
                def touched(comment: Record) -> datetime:
                    times = [comment.created_at] + [
                        child.created_at for child in inbound.children(comment.id)
                        if not child.deleted]
                    return max(times)
        newest_first = params.get("order") == "reverse_chronological"
        return paginate(call, records, params,
                        lambda r: self._comment_json(call, r, fields),
                        newest_first=newest_first, touched=touched)

    def ig_replies(self, call: Call, version: str, node: str) -> Response:
        """``GET /{ig-comment-id}/replies``."""
        params = request_params(call.request)
        record, key = self._resolve(call, node)
        if record is None or record.kind not in COMMENT_KINDS:
            return unsupported("get", node)
        fields = requested(params)
        return paginate(call, _inbound(call).children(key), params,
                        lambda r: self._comment_json(call, r, fields),
                        newest_first=params.get("order") == "reverse_chronological")

    def add_comment(self, call: Call, version: str, node: str) -> Response:
        """``POST /{object-id}/comments`` or ``/{ig-comment-id}/replies``: ours."""
        params = request_params(call.request)
        record, _key = self._resolve(call, node)
        if record is None:
            return unsupported("post", node)
        message = params.get("message", "")
        if not message.strip():
            return invalid_parameter("Missing message")
        owner = record.owner
        user = call.store.account(call.network, owner)
        author = {"id": owner, "name": user.name or f"Sandbox {owner}",
                  "handle": user.username or f"sandbox{owner[-6:]}"}
        kind = "reply" if record.kind in COMMENT_KINDS else "comment"
        created = _inbound(call).add_comment(
            record.network, owner, record, message, kind=kind, author=author, from_us=True,
            account=call.account, request=describe_request(call.request),
        )
        return json_response({"id": created.id})

    def moderate(self, call: Call, version: str, node: str) -> Response:
        """``POST /{comment-id}?is_hidden=`` (Facebook) / ``?hide=`` (Instagram)."""
        params = request_params(call.request)
        record = call.store.get(node)
        if record is None or record.deleted or record.kind not in COMMENT_KINDS:
            return unsupported("post", node)
        name = "hide" if record.network == "instagram" else "is_hidden"
        value = str(params.get(name, "")).lower()
        if value not in ("true", "false", "1", "0"):
            return invalid_parameter(f"The parameter {name} is required")
        if record.extra.get("from_us"):
            return invalid_parameter("A page cannot hide its own comment")
        _inbound(call).moderate(record, "hide" if value in ("true", "1") else "unhide",
                                call.account)
        return json_response({"success": True})

    # conversations -------------------------------------------------------------

    def _participant(self, network: str, user: dict[str, str]) -> dict[str, Any]:
        if network == "instagram":
            return {"id": user.get("id"), "username": user.get("handle") or user.get("name")}
        return {"id": user.get("id"), "name": user.get("name")}

    def _message_json(self, call: Call, record: Record, recipient: dict[str, str],
                      fields: set[str] | None) -> dict[str, Any]:
        author = record.extra.get("author") or {}
        data = {
            "id": record.id,
            "message": record.text,
            "created_time": graph_time(record.created_at),
            "from": self._participant(record.network, author),
            "to": {"data": [self._participant(record.network, recipient)]},
        }
        return self._pick(data, fields, {"message", "created_time"})

    def _our_user(self, call: Call, network: str, owner: str) -> dict[str, str]:
        user = call.store.account(network, owner)
        return {"id": owner, "name": user.name or f"Sandbox {owner}",
                "handle": user.username or f"sandbox{owner[-6:]}"}

    def conversations(self, call: Call, version: str, node: str) -> Response:
        """``GET /{page-or-ig-user-id}/conversations``, most recently updated first."""
        params = request_params(call.request)
        fields = requested(params) or {"id", "updated_time"}
        network = call.network
        us = self._our_user(call, network, node)
        found = {c.id: c for c in _inbound(call).conversations(network, node)}
        stand_ins = []
        for conversation in found.values():
            newest = max((m for m in conversation.messages if not m.deleted),
                         key=lambda m: m.created_at, default=None)
            if newest is None:
                continue
            stand_ins.append(Record(network=network, kind="conversation", id=conversation.id,
                                    account="", owner=node, created_at=newest.created_at))

        def render(stand_in: Record) -> dict[str, Any]:
            conversation = found[stand_in.id]
            live = [m for m in conversation.messages if not m.deleted]
            data: dict[str, Any] = {
                "id": conversation.id,
                "updated_time": graph_time(stand_in.created_at),
                "message_count": len(live),
                "participants": {"data": [self._participant(network, conversation.participant),
                                          self._participant(network, us)]},
            }
            if "messages" in fields:
                newest = sorted(live, key=lambda m: m.created_at, reverse=True)[:NESTED_MESSAGES]
                data["messages"] = {"data": [
                    self._message_json(call, m, us if not m.extra.get("from_us")
                                       else conversation.participant, None)
                    for m in newest]}
            return {key: value for key, value in data.items() if key in fields | {"id"}}

        return paginate(call, stand_ins, params, render, newest_first=True)

    def messages(self, call: Call, version: str, node: str) -> Response:
        """``GET /{conversation-id}/messages``, newest first."""
        conversation = _inbound(call).conversation(node)
        if conversation is None or conversation.network != call.network:
            return unsupported("get", node)
        params = request_params(call.request)
        fields = requested(params)
        us = self._our_user(call, conversation.network, conversation.owner)
        return paginate(
            call, list(conversation.messages), params,
            lambda m: self._message_json(call, m, us if not m.extra.get("from_us")
                                         else conversation.participant, fields),
            newest_first=True,
        )

    def send_message(self, call: Call, version: str, node: str) -> Response:
        """``POST /{page-or-ig-user-id}/messages``: our direct message to a citizen."""
        params = request_params(call.request)
        try:
            recipient = json.loads(params.get("recipient") or "{}")
            message = json.loads(params.get("message") or "{}")
        except ValueError:
            return invalid_parameter("recipient and message must be JSON objects")
        if not isinstance(recipient, dict) or not isinstance(message, dict):
            return invalid_parameter("recipient and message must be JSON objects")
        text = message.get("text")
        if not isinstance(text, str) or not text.strip():
            return invalid_parameter("param message must contain text")
        inbound = _inbound(call)
        user_id = str(recipient.get("id") or "")
        known = inbound.author(call.network, user_id) if user_id else None
        if known is None:
            return graph_error("(#100) No matching user found", 100, subcode=2018001)
        conversation = inbound.conversation_with(call.network, node, known)
        record = inbound.add_message(conversation, text, from_us=True, account=call.account,
                                     request=describe_request(call.request))
        return json_response({"recipient_id": user_id, "message_id": record.id})


def delete_comment(call: Call, record: Record) -> Response:
    """``DELETE /{comment-id}``: a comment on our item (or our own reply) is removed."""
    if record.kind not in COMMENT_KINDS:
        return unsupported("delete", record.id)
    _inbound(call).moderate(record, "delete", call.account,
                            at=datetime.now(UTC).isoformat())
    return json_response({"success": True})
