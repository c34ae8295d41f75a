"""X API v2, inbound side: mentions, direct messages, reply posts, hiding replies.

Endpoints (shapes as X's OpenAPI document, checked in ``tests/sandbox/test_x_contract.py``):

- ``GET /2/users/{id}/mentions``: citizens' posts mentioning the account (replies in
  the conversations of our posts and free mentions), newest first, with
  ``since_id``, ``until_id``, ``max_results`` (5–100) and ``pagination_token``;
  ``expansions=author_id`` puts the authors into ``includes.users``.
- ``GET /2/dm_events`` and ``GET /2/dm_conversations/{id}/dm_events``: direct
  message events, newest first, ``max_results`` (1–100) and ``pagination_token``;
  X has no ``since_id`` here.
- ``POST /2/dm_conversations/with/{participant_id}/messages``: our DM (``create``).
- ``PUT /2/tweets/{id}/hidden``: hide (or unhide) a reply in a conversation our
  account started (``moderate``).
- ``POST /2/tweets`` with ``reply.in_reply_to_tweet_id`` of a citizen's post is
  handled by :func:`create_reply` (recorded as kind ``reply``). X has no way to
  delete another user's post: ``DELETE /2/tweets/{id}`` answers 403 for it.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from .app import Call, describe_request, json_response
from .inbound import INBOUND_KINDS, InboundStore
from .store import Record
from .x_api import (
    ID_PATTERN,
    MAX_WEIGHTED_LENGTH,
    XApi,
    invalid_request,
    problem,
    requested_fields,
    weighted_length,
)

TOKEN_PREFIX = "7140dibdnow9c7btw"  # X's pagination tokens are opaque; ours end in an id


def _inbound(call: Call) -> InboundStore:
    return call.sandbox.inbound


def x_time(record: Record) -> str:
    """X's timestamp format."""
    return record.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _token(record_id: str) -> str:
    return TOKEN_PREFIX + record_id


def _token_id(token: str) -> str | None:
    if not token.startswith(TOKEN_PREFIX) or not token[len(TOKEN_PREFIX):].isdigit():
        return None
    return token[len(TOKEN_PREFIX):]


def _max_results(call: Call, low: int, high: int, default: int) -> int | Response:
    raw = call.request.args.get("max_results", str(default))
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not low <= value <= high:
        return invalid_request(
            "max_results", raw,
            f"The `max_results` query parameter value [{raw}] is not between {low} and {high}",
        )
    return value


def _user_json(user: dict[str, str]) -> dict[str, Any]:
    return {"id": user["id"], "name": user.get("name") or user["id"],
            "username": user.get("handle") or f"user{user['id'][-6:]}"}


def tweet_json(record: Record, fields: set[str]) -> dict[str, Any]:
    """A citizen's (or our reply) post in X's Post shape."""
    extra = record.extra
    data: dict[str, Any] = {"id": record.id, "text": record.text,
                            "edit_history_tweet_ids": [record.id]}
    if "created_at" in fields:
        data["created_at"] = x_time(record)
    if "author_id" in fields:
        data["author_id"] = extra["author"]["id"]
    if "conversation_id" in fields:
        data["conversation_id"] = extra.get("thread") or record.id
    parent = extra.get("parent")
    if parent:
        if "in_reply_to_user_id" in fields:
            data["in_reply_to_user_id"] = extra.get("parent_author") or record.owner
        if "referenced_tweets" in fields or "referenced_posts" in fields:
            data["referenced_tweets"] = [{"type": "replied_to", "id": parent}]
    return data


def create_reply(call: Call, text: str, parent: Record) -> Response:
    """``POST /2/tweets`` answering a citizen's post: recorded as our ``reply``."""
    if not text:
        return invalid_request("text", text, "Post text is required.")
    if weighted_length(text) > MAX_WEIGHTED_LENGTH:
        return problem(403, "disallowed-resource", "Forbidden", "Your Tweet text is too long.")
    owner = call.store.x_user_id(call.account)
    user = call.store.account("x", call.account)
    author = {"id": owner, "name": user.name, "handle": user.username}
    record = _inbound(call).add_comment(
        "x", owner, parent, text, kind="reply", author=author, from_us=True,
        account=call.account, request=describe_request(call.request),
    )
    record.extra["parent_author"] = parent.extra.get("author", {}).get("id", "")
    data = {"id": record.id, "text": text, "edit_history_tweet_ids": [record.id]}
    return json_response({"data": data}, 201)


class XInboundApi(XApi):
    """Routes and handlers of the X inbound endpoints (errors as :class:`XApi`)."""

    name = "x_inbound"

    def routes(self) -> list[tuple[str, list[str], Any, str]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [
            ("/2/users/<user_id>/mentions", ["GET"], self.mentions, "read"),
            ("/2/dm_events", ["GET"], self.dm_events, "read"),
            ("/2/dm_conversations/<conversation_id>/dm_events", ["GET"],
             self.conversation_events, "read"),
            ("/2/dm_conversations/with/<participant_id>/messages", ["POST"],
             self.send_message, "create"),
            ("/2/tweets/<tweet_id>/hidden", ["PUT"], self.hide_reply, "moderate"),
        ]

    def mentions(self, call: Call, user_id: str) -> Response:
        """``GET /2/users/{id}/mentions``."""
        if not ID_PATTERN.match(user_id):
            return invalid_request("id", user_id, "The `id` query parameter value is invalid.")
        limit = _max_results(call, 5, 100, 10)
        if isinstance(limit, Response):
            return limit
        args = call.request.args
        bounds = {}
        for name in ("since_id", "until_id"):
            value = args.get(name, "")
            if value and not ID_PATTERN.match(value):
                return invalid_request(name, value, f"The `{name}` query parameter value "
                                       f"[{value}] is not valid")
            bounds[name] = int(value) if value else None
        token = args.get("pagination_token", "")
        before = None
        if token:
            before = _token_id(token)
            if before is None:
                return invalid_request("pagination_token", token,
                                       "The `pagination_token` query parameter value is invalid.")
        call.store.x_user_id(call.account)
        if user_id not in call.store.x_users and not _inbound(call).is_owner("x", user_id):
            from .x_api import not_found_error

            return json_response({"errors": [not_found_error("user", user_id)]})
        found = []
        for record in reversed(_inbound(call).items("x", user_id)):
            if record.deleted or record.kind not in ("comment", "mention"):
                continue
            number = int(record.id)
            if bounds["since_id"] is not None and number <= bounds["since_id"]:
                continue
            if bounds["until_id"] is not None and number >= bounds["until_id"]:
                continue
            if before is not None and number >= int(before):
                continue
            found.append(record)
        found.sort(key=lambda r: int(r.id), reverse=True)
        page, rest = found[:limit], found[limit:]
        meta: dict[str, Any] = {"result_count": len(page)}
        if not page:
            return json_response({"meta": meta})
        meta["newest_id"] = page[0].id
        meta["oldest_id"] = page[-1].id
        if rest:
            meta["next_token"] = _token(page[-1].id)
        # Expanding a field (author_id, referenced_posts, in_reply_to_user_id) reports it too.
        expansions = {name.strip() for name in args.get("expansions", "").split(",")}
        fields = requested_fields(call.request) | expansions
        body: dict[str, Any] = {"data": [tweet_json(r, fields) for r in page], "meta": meta}
        if "author_id" in args.get("expansions", ""):
            users = {r.extra["author"]["id"]: _user_json(r.extra["author"]) for r in page}
            body["includes"] = {"users": list(users.values())}
        return json_response(body)

    # direct messages ---------------------------------------------------------

    def _event_json(self, record: Record, conversation_id: str, participants: list[str]
                    ) -> dict[str, Any]:
        return {
            "id": record.id,
            "event_type": "MessageCreate",
            "text": record.text,
            "created_at": x_time(record),
            "sender_id": record.extra["author"]["id"],
            "dm_conversation_id": conversation_id,
            "participant_ids": participants,
        }

    def _events(self, call: Call, conversation_id: str | None) -> Response:
        limit = _max_results(call, 1, 100, 100)
        if isinstance(limit, Response):
            return limit
        args = call.request.args
        token = args.get("pagination_token", "")
        before = None
        if token:
            before = _token_id(token)
            if before is None:
                return invalid_request("pagination_token", token,
                                       "The `pagination_token` query parameter value is invalid.")
        owner = call.store.x_user_id(call.account)
        events: list[tuple[Record, str, list[str]]] = []
        for conversation in _inbound(call).conversations("x", owner):
            if conversation_id is not None and conversation.id != conversation_id:
                continue
            participants = [owner, conversation.participant["id"]]
            events.extend((message, conversation.id, participants)
                          for message in conversation.messages
                          if not message.deleted
                          and (before is None or int(message.id) < int(before)))
        events.sort(key=lambda event: int(event[0].id), reverse=True)
        page, rest = events[:limit], events[limit:]
        meta: dict[str, Any] = {"result_count": len(page)}
        if rest:
            meta["next_token"] = _token(page[-1][0].id)
        body: dict[str, Any] = {"data": [self._event_json(*event) for event in page],
                                "meta": meta}
        if "sender_id" in args.get("expansions", "") and page:
            users = {}
            for record, _conversation, _participants in page:
                author = record.extra["author"]
                if author["id"] != owner:
                    users[author["id"]] = _user_json(author)
            body["includes"] = {"users": list(users.values())}
        if not page:
            del body["data"]
        return json_response(body)

    def dm_events(self, call: Call) -> Response:
        """``GET /2/dm_events``: the account's DM events, newest first."""
        return self._events(call, None)

    def conversation_events(self, call: Call, conversation_id: str) -> Response:
        """``GET /2/dm_conversations/{id}/dm_events``."""
        conversation = _inbound(call).conversation(conversation_id)
        owner = call.store.x_user_id(call.account)
        if conversation is None or conversation.network != "x" or conversation.owner != owner:
            return problem(404, "resource-not-found", "Not Found Error",
                           f"Could not find dm_conversation with id: [{conversation_id}].",
                           resource_type="dm_conversation", resource_id=conversation_id,
                           parameter="id", value=conversation_id)
        return self._events(call, conversation_id)

    def send_message(self, call: Call, participant_id: str) -> Response:
        """``POST /2/dm_conversations/with/{participant_id}/messages``: our DM."""
        if not ID_PATTERN.match(participant_id):
            return invalid_request("participant_id", participant_id,
                                   "The `participant_id` path parameter value is invalid.")
        body = call.request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("text"), str) \
                or not body["text"]:
            return invalid_request("text", "", "text is required.")
        owner = call.store.x_user_id(call.account)
        inbound = _inbound(call)
        known = inbound.author("x", participant_id)
        if known is None:
            return problem(403, "not-authorized-for-resource", "Forbidden",
                           "You are not permitted to send messages to this user.",
                           resource_type="user", resource_id=participant_id)
        conversation = inbound.conversation_with("x", owner, known)
        record = inbound.add_message(conversation, body["text"], from_us=True,
                                     account=call.account,
                                     request=describe_request(call.request))
        return json_response({"data": {"dm_conversation_id": conversation.id,
                                       "dm_event_id": record.id}}, 201)

    # moderation --------------------------------------------------------------

    def hide_reply(self, call: Call, tweet_id: str) -> Response:
        """``PUT /2/tweets/{id}/hidden``: hide a reply in our conversation."""
        if not ID_PATTERN.match(tweet_id):
            return invalid_request("id", tweet_id, "The `id` query parameter value is invalid.")
        body = call.request.get_json(silent=True)
        if not isinstance(body, dict) or not isinstance(body.get("hidden"), bool):
            return invalid_request("hidden", "", "hidden must be a boolean.")
        record = call.store.get(tweet_id)
        if record is None or record.deleted or record.network != "x":
            return problem(404, "resource-not-found", "Not Found Error",
                           f"Could not find tweet with id: [{tweet_id}].",
                           resource_type="tweet", resource_id=tweet_id, parameter="id",
                           value=tweet_id)
        owner = call.store.x_user_id(call.account)
        if record.kind not in INBOUND_KINDS or not record.extra.get("post_id") \
                or record.owner != owner or record.extra.get("from_us"):
            return problem(403, "not-authorized-for-resource", "Forbidden",
                           "You can only hide replies to conversations you started.",
                           resource_type="tweet", resource_id=tweet_id)
        _inbound(call).moderate(record, "hide" if body["hidden"] else "unhide", call.account)
        return json_response({"data": {"hidden": body["hidden"]}})
