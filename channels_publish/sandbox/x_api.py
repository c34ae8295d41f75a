"""X API v2, as far as the publishing adapter uses it.

Answers as X's OpenAPI document (``tests/contracts/x-api-v2-openapi.json``) says.
Errors the spec's ``Problem`` union covers (invalid request, not found, not
authorised for a resource, internal error) are sent as
``application/problem+json`` with the matching ``type``. For 401, 403 duplicate
and 429, X itself answers with an ``about:blank`` problem, which the spec's
union does not list; these are sent as ``application/json`` in the spec's
``Error`` shape (``code``, ``message``) carrying the RFC 7807 members X sends as
well (``title``, ``detail``, ``type``, ``status``), so both the contract and
tweepy's error messages (which read ``detail``) are satisfied.

The account key is the OAuth 1.0a ``oauth_token`` or the OAuth 2 bearer token.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
import urllib.parse
from typing import Any

from werkzeug.wrappers import Request, Response

from .app import Call, describe_request, json_response
from .faults import Fault
from .store import Record

PROBLEM = "https://api.x.com/2/problems/"
PROBLEM_JSON = "application/problem+json"
ID_PATTERN = re.compile(r"^[0-9]{1,19}$")
URL_PATTERN = re.compile(r"https?://\S+")
MAX_WEIGHTED_LENGTH = 280
TCO_LENGTH = 23
MAX_ALT_TEXT = 1000
VIDEO_CATEGORIES = {"tweet_video", "amplify_video", "dm_video"}
PROCESSING_POLLS = 2
UPLOAD_EXPIRY_S = 86400
ZERO_METRICS = {
    "retweet_count": 0,
    "repost_count": 0,
    "reply_count": 0,
    "like_count": 0,
    "quote_count": 0,
    "bookmark_count": 0,
    "impression_count": 0,
}


def weighted_length(text: str) -> int:
    """Approximate X's weighted length: every URL counts as a t.co link of 23."""
    urls = URL_PATTERN.findall(text)
    stripped = URL_PATTERN.sub("", text)
    return len(stripped) + TCO_LENGTH * len(urls)


def about_blank(status: int, title: str, detail: str, code: int, message: str,
                headers: dict[str, str] | None = None) -> Response:
    """An X error that X sends as an ``about:blank`` problem, in the spec's Error shape."""
    body = {
        "title": title,
        "detail": detail,
        "type": "about:blank",
        "status": status,
        "code": code,
        "message": message,
    }
    return json_response(body, status, headers=headers)


def problem(status: int, kind: str, title: str, detail: str, **members: Any) -> Response:
    """An X error in the spec's Problem shape."""
    body = {"type": PROBLEM + kind, "title": title, "detail": detail, "status": status}
    body.update(members)
    return json_response(body, status, content_type=PROBLEM_JSON)


def invalid_request(parameter: str, value: Any, message: str) -> Response:
    """X's 400 for invalid parameters."""
    return problem(
        400,
        "invalid-request",
        "Invalid Request",
        "One or more parameters to your request was invalid.",
        errors=[{"parameters": {parameter: [str(value)]}, "message": message}],
    )


def not_found_error(resource_type: str, resource_id: str, parameter: str = "id") -> dict:
    """The partial error X puts in ``errors`` when an object does not exist."""
    return {
        "value": resource_id,
        "detail": f"Could not find {resource_type} with {parameter}: [{resource_id}].",
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": resource_id,
        "type": PROBLEM + "resource-not-found",
    }


def requested_fields(request: Request) -> set[str]:
    """The post fields asked for (``tweet.fields`` as tweepy sends, or ``post.fields``)."""
    raw = ",".join(request.args.getlist("tweet.fields") + request.args.getlist("post.fields"))
    return {field.strip() for field in raw.split(",") if field.strip()}


def _is_video(media_type: str, category: str) -> bool:
    return media_type.startswith("video/") or category in VIDEO_CATEGORIES


class XApi:
    """Routes and handlers of the X API v2 subset."""

    name = "x"

    def routes(self) -> list[tuple[str, list[str], Any, str]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [
            ("/2/tweets", ["POST"], self.create_tweet, "create"),
            ("/2/tweets/<tweet_id>", ["DELETE"], self.delete_tweet, "delete"),
            ("/2/tweets/<tweet_id>", ["GET"], self.get_tweet, "read"),
            ("/2/users/me", ["GET"], self.users_me, "read"),
            ("/2/users/<user_id>/tweets", ["GET"], self.user_tweets, "read"),
            ("/2/media/upload", ["POST"], self.media_upload, "upload"),
            ("/2/media/upload", ["GET"], self.media_status, "upload"),
            ("/2/media/upload/initialize", ["POST"], self.media_initialize, "upload"),
            ("/2/media/upload/<media_id>/append", ["POST"], self.media_append, "upload"),
            ("/2/media/upload/<media_id>/finalize", ["POST"], self.media_finalize, "upload"),
            ("/2/media/metadata", ["POST"], self.media_metadata, "upload"),
        ]

    # credentials and errors --------------------------------------------------

    def network_of(self, sandbox: Any, request: Request, values: dict) -> str:
        """Every route here belongs to X."""
        return "x"

    def credentials(self, request: Request, values: dict) -> list[str]:
        """The account key: OAuth 1.0a ``oauth_token`` or the OAuth 2 bearer token."""
        header = request.headers.get("Authorization", "")
        scheme, _, rest = header.partition(" ")
        if scheme.lower() == "bearer":
            return [rest.strip()]
        if scheme.lower() == "oauth":
            params = dict(re.findall(r'(\w+)="([^"]*)"', rest))
            token = urllib.parse.unquote(params.get("oauth_token", ""))
            return [token]
        return []

    def missing_credentials(self, request: Request, network: str) -> Response:
        """X's 401 without usable credentials."""
        return about_blank(401, "Unauthorized", "Unauthorized", 32, "Could not authenticate you.")

    def auth_error(self, fault: Fault, network: str) -> Response:
        """X's 401 for an expired or revoked token."""
        message = "Invalid or expired token."
        if fault.params.get("revoked"):
            message = "This application is no longer authorized for this account."
        return about_blank(401, "Unauthorized", "Unauthorized", 89, message)

    def fault_response(self, fault: Fault, network: str) -> Response:
        """X's answer for an injected rate limit or server error."""
        if fault.kind == "rate_limit":
            retry_after = int(fault.params.get("retry_after", 60))
            headers = {
                "x-rate-limit-limit": str(fault.params.get("limit", 100)),
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(int(time.time()) + retry_after),
                "Retry-After": str(retry_after),
            }
            return about_blank(429, "Too Many Requests", "Too Many Requests", 88,
                               "Rate limit exceeded", headers=headers)
        status = int(fault.params.get("status", 503))
        title = "Service Unavailable" if status == 503 else "Internal Server Error"
        return problem(status, "internal-error", title, title)

    # posts -------------------------------------------------------------------

    def create_tweet(self, call: Call) -> Response:
        """``POST /2/tweets``: create a post, refusing duplicates within 24 hours."""
        body = call.request.get_json(silent=True)
        if not isinstance(body, dict):
            return invalid_request("body", "", "Request body must be a JSON object.")
        text = body.get("text", "")
        if not isinstance(text, str):
            return invalid_request("text", text, "text must be a string.")
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return invalid_request("text", text, "Post text or media is required.")
        if weighted_length(text) > MAX_WEIGHTED_LENGTH:
            return problem(403, "disallowed-resource", "Forbidden",
                           "Your Tweet text is too long.")
        user_id = call.store.x_user_id(call.account)
        blobs, media_keys, alt_texts = [], [], []
        for media_id in media_ids:
            session = call.store.sessions.get(f"x:{media_id}")
            if (
                session is None
                or session["account"] != call.account
                or session.get("blob") is None
                or not self._processing_done(session)
            ):
                return invalid_request("media.media_ids", media_id, "Your media IDs are invalid.")
            blobs.append(session["blob"])
            media_keys.append(self._media_key(session))
            alt_texts.append(session.get("alt_text", ""))
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to and not media_ids:
            from .x_inbound_api import INBOUND_KINDS, create_reply

            parent = call.store.get(str(reply_to))
            if parent is not None and not parent.deleted and parent.kind in INBOUND_KINDS:
                return create_reply(call, text, parent)  # answering a citizen
        if reply_to:
            parent = call.store.get(str(reply_to), kind="tweet")
            if parent is None or parent.deleted:
                return about_blank(
                    403, "Forbidden",
                    "You attempted to reply to a Tweet that is deleted or not visible to you.",
                    385, "You attempted to reply to a Tweet that is deleted or not visible to you.",
                )
        record = Record(
            network="x",
            kind="tweet",
            id=call.store.new_x_id(),
            account=call.account,
            owner=user_id,
            text=text,
            media=blobs,
            request=describe_request(call.request),
            extra={
                "media_ids": list(media_ids),
                "media_keys": media_keys,
                "alt_texts": alt_texts,
                "in_reply_to_tweet_id": reply_to,
            },
        )
        duplicate = call.store.add(record, unique_text=True)
        if duplicate is not None:
            return about_blank(
                403, "Forbidden",
                "You are not allowed to create a Tweet with duplicate content.",
                187, "Status is a duplicate.",
            )
        data = {"id": record.id, "text": text, "edit_history_tweet_ids": [record.id]}
        return json_response({"data": data}, 201)

    def delete_tweet(self, call: Call, tweet_id: str) -> Response:
        """``DELETE /2/tweets/{id}``: delete one of the account's posts."""
        if not ID_PATTERN.match(tweet_id):
            return invalid_request("id", tweet_id, "The `id` query parameter value is invalid.")
        record = call.store.get(tweet_id)
        if record is not None and record.network == "x" and record.kind in ("comment",
                                                                            "mention"):
            return problem(403, "not-authorized-for-resource", "Forbidden",
                           "You are not allowed to delete a Tweet of another user.",
                           resource_type="tweet", resource_id=tweet_id)
        if record is not None and record.kind == "reply" and not record.deleted \
                and record.account == call.account:
            call.sandbox.inbound.moderate(record, "delete", call.account)
            return json_response({"data": {"deleted": True}})
        if record is not None and record.kind != "tweet":
            record = None
        if record is None or record.deleted:
            return problem(404, "resource-not-found", "Not Found Error",
                           f"Could not find tweet with id: [{tweet_id}].",
                           resource_type="tweet", resource_id=tweet_id, parameter="id",
                           value=tweet_id)
        if record.account != call.account:
            return problem(403, "not-authorized-for-resource", "Forbidden",
                           "You are not allowed to delete this Tweet.",
                           resource_type="tweet", resource_id=tweet_id)
        call.store.delete(record)
        return json_response({"data": {"deleted": True}})

    def _tweet_json(self, record: Record, fields: set[str]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": record.id,
            "text": record.text,
            "edit_history_tweet_ids": [record.id],
        }
        if "created_at" in fields:
            data["created_at"] = record.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        if "author_id" in fields:
            data["author_id"] = record.owner
        if "conversation_id" in fields:
            data["conversation_id"] = record.extra.get("in_reply_to_tweet_id") or record.id
        if "public_metrics" in fields:
            from .insights import x_public_metrics

            data["public_metrics"] = {**ZERO_METRICS, **x_public_metrics(record)}
        if "attachments" in fields and record.extra.get("media_keys"):
            data["attachments"] = {"media_keys": record.extra["media_keys"]}
        return data

    def get_tweet(self, call: Call, tweet_id: str) -> Response:
        """``GET /2/tweets/{id}``; a missing post is a 200 with ``errors`` as on X."""
        if not ID_PATTERN.match(tweet_id):
            return invalid_request("id", tweet_id, "The `id` query parameter value is invalid.")
        record = call.store.get(tweet_id)
        if record is not None and record.kind != "tweet" and not record.deleted:
            from .x_inbound_api import INBOUND_KINDS, tweet_json

            if record.network == "x" and record.kind in INBOUND_KINDS - {"message",
                                                                        "direct_message"}:
                return json_response({"data": tweet_json(record,
                                                         requested_fields(call.request))})
        if record is None or record.deleted or record.kind != "tweet":
            return json_response({"errors": [not_found_error("tweet", tweet_id)]})
        return json_response({"data": self._tweet_json(record, requested_fields(call.request))})

    def users_me(self, call: Call) -> Response:
        """``GET /2/users/me``: the authenticated account."""
        user_id = call.store.x_user_id(call.account)
        account = call.store.account("x", call.account)
        data = {
            "id": user_id,
            "name": account.name or f"Sandbox {user_id[-4:]}",
            "username": account.username or f"sandbox_{user_id[-6:]}",
        }
        return json_response({"data": data})

    def user_tweets(self, call: Call, user_id: str) -> Response:
        """``GET /2/users/{id}/tweets``: recent posts of the user, newest first."""
        if not ID_PATTERN.match(user_id):
            return invalid_request("id", user_id, "The `id` query parameter value is invalid.")
        raw_max = call.request.args.get("max_results", "10")
        try:
            max_results = int(raw_max)
        except ValueError:
            max_results = -1
        if not 5 <= max_results <= 100:
            return invalid_request(
                "max_results", raw_max,
                f"The `max_results` query parameter value [{raw_max}] is not between 5 and 100",
            )
        call.store.x_user_id(call.account)
        if user_id not in call.store.x_users:
            return json_response({"errors": [not_found_error("user", user_id)]})
        fields = requested_fields(call.request)
        # Our replies to citizens (kind "reply") are posts of ours too.
        records = call.store.timeline("x", user_id, kinds={"tweet", "reply"}, limit=max_results)
        meta: dict[str, Any] = {"result_count": len(records)}
        if not records:
            return json_response({"meta": meta})
        meta["newest_id"] = records[0].id
        meta["oldest_id"] = records[-1].id
        from .x_inbound_api import tweet_json

        data = [tweet_json(r, fields) if r.kind == "reply" else self._tweet_json(r, fields)
                for r in records]
        return json_response({"data": data, "meta": meta})

    # media upload ------------------------------------------------------------

    def _new_session(self, call: Call, media_type: str, category: str,
                     total_bytes: int | None) -> dict[str, Any]:
        media_id = call.store.new_x_id()
        session = {
            "id": media_id,
            "account": call.account,
            "media_type": media_type,
            "category": category,
            "total_bytes": total_bytes,
            "chunks": {},
            "blob": None,
            "polls": 0,
            "video": _is_video(media_type, category),
            "expires_at": int(time.time()) + UPLOAD_EXPIRY_S,
            "alt_text": "",
        }
        with call.store.lock:
            call.store.sessions[f"x:{media_id}"] = session
        return session

    def _session(self, call: Call, media_id: str) -> dict[str, Any] | None:
        session = call.store.sessions.get(f"x:{media_id}")
        if session is None or session["account"] != call.account:
            return None
        return session

    @staticmethod
    def _media_key(session: dict[str, Any]) -> str:
        return ("7_" if session["video"] else "3_") + session["id"]

    @staticmethod
    def _processing_done(session: dict[str, Any]) -> bool:
        return not session["video"] or session["polls"] >= PROCESSING_POLLS

    def _processing_info(self, session: dict[str, Any]) -> dict[str, Any] | None:
        if not session["video"]:
            return None
        if session["polls"] == 0:
            return {"state": "pending", "check_after_secs": 1}
        if session["polls"] < PROCESSING_POLLS:
            return {"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
        return {"state": "succeeded", "progress_percent": 100}

    def _media_data(self, session: dict[str, Any]) -> dict[str, Any]:
        blob = session["blob"]
        data: dict[str, Any] = {
            "id": session["id"],
            "media_key": self._media_key(session),
            "expires_after_secs": max(0, session["expires_at"] - int(time.time())),
        }
        if blob is not None:
            data["size"] = len(blob.data)
        info = self._processing_info(session)
        if info is not None:
            data["processing_info"] = info
        return data

    def media_initialize(self, call: Call) -> Response:
        """``POST /2/media/upload/initialize``: open a chunked upload."""
        body = call.request.get_json(silent=True)
        if not isinstance(body, dict):
            body = {key: call.request.form.get(key) for key in call.request.form}
        return self._initialize(call, body)

    def _initialize(self, call: Call, body: dict[str, Any]) -> Response:
        media_type = str(body.get("media_type") or "")
        category = str(body.get("media_category") or "")
        total = body.get("total_bytes")
        try:
            total_bytes = int(total) if total is not None else None
        except (TypeError, ValueError):
            return invalid_request("total_bytes", total, "total_bytes must be an integer.")
        if not media_type:
            return invalid_request("media_type", "", "media_type is required.")
        session = self._new_session(call, media_type, category, total_bytes)
        data = {
            "id": session["id"],
            "media_key": self._media_key(session),
            "expires_after_secs": UPLOAD_EXPIRY_S,
        }
        return json_response({"data": data})

    def media_append(self, call: Call, media_id: str) -> Response:
        """``POST /2/media/upload/{id}/append``: one segment (multipart or base64 JSON)."""
        session = self._session(call, media_id)
        if session is None or session["blob"] is not None:
            return invalid_request("id", media_id, "Invalid or expired media id.")
        request = call.request
        if request.is_json:
            body = request.get_json(silent=True) or {}
            index, encoded = body.get("segment_index"), body.get("media", "")
            try:
                chunk = base64.b64decode(encoded, validate=True)
            except (binascii.Error, TypeError):
                return invalid_request("media", "", "media must be base64 encoded.")
        else:
            index = request.form.get("segment_index")
            upload = request.files.get("media")
            if upload is not None:
                chunk = upload.read()
            else:
                try:
                    chunk = base64.b64decode(request.form.get("media_data", ""), validate=True)
                except binascii.Error:
                    return invalid_request("media_data", "", "media_data must be base64.")
        try:
            segment = int(index)
        except (TypeError, ValueError):
            return invalid_request("segment_index", index, "segment_index is required.")
        if not 0 <= segment <= 999:
            return invalid_request("segment_index", index, "segment_index must be 0..999.")
        with call.store.lock:
            session["chunks"][segment] = chunk
        return json_response({"data": {"expires_at": session["expires_at"]}})

    def media_finalize(self, call: Call, media_id: str) -> Response:
        """``POST /2/media/upload/{id}/finalize``: assemble the segments."""
        session = self._session(call, media_id)
        if session is None:
            return invalid_request("id", media_id, "Invalid or expired media id.")
        if session["blob"] is None:
            with call.store.lock:
                data = b"".join(session["chunks"][i] for i in sorted(session["chunks"]))
            if not data or (session["total_bytes"] is not None
                            and len(data) != session["total_bytes"]):
                return invalid_request(
                    "total_bytes", session["total_bytes"],
                    f"Segments total {len(data)} bytes, expected {session['total_bytes']}.",
                )
            self._store_blob(call, session, data)
        return json_response({"data": self._media_data(session)})

    def _store_blob(self, call: Call, session: dict[str, Any], data: bytes) -> None:
        blob = call.store.add_media(data, session["media_type"])
        with call.store.lock:
            session["blob"] = blob
            session["chunks"] = {}
        call.store.add(Record(
            network="x",
            kind="media",
            id=session["id"],
            account=call.account,
            owner=call.store.x_user_id(call.account),
            media=[blob],
            request=describe_request(call.request, include_body=False),
            extra={"media_category": session["category"], "media_type": session["media_type"]},
        ))

    def media_status(self, call: Call) -> Response:
        """``GET /2/media/upload?media_id=&command=STATUS``: processing progress."""
        media_id = call.request.args.get("media_id", "")
        session = self._session(call, media_id)
        if session is None or session["blob"] is None:
            return invalid_request("media_id", media_id, "Invalid or expired media id.")
        data = self._media_data(session)
        with call.store.lock:
            session["polls"] += 1
        return json_response({"data": data})

    def media_upload(self, call: Call) -> Response:
        """``POST /2/media/upload``: one-shot upload, or the older ``command=`` flavour."""
        request = call.request
        command = (request.args.get("command") or request.form.get("command") or "").upper()
        if command == "INIT":
            params = {**request.args.to_dict(), **request.form.to_dict()}
            return self._initialize(call, params)
        if command == "APPEND":
            media_id = request.args.get("media_id") or request.form.get("media_id", "")
            return self.media_append(call, media_id)
        if command == "FINALIZE":
            media_id = request.args.get("media_id") or request.form.get("media_id", "")
            return self.media_finalize(call, media_id)
        upload = request.files.get("media")
        category = request.form.get("media_category", "")
        if upload is None:
            return invalid_request("media", "", "media is required.")
        data = upload.read()
        media_type = request.form.get("media_type") or upload.mimetype or ""
        if media_type == "application/octet-stream" and category in VIDEO_CATEGORIES:
            media_type = "video/mp4"
        session = self._new_session(call, media_type, category, len(data))
        self._store_blob(call, session, data)
        return json_response({"data": self._media_data(session)})

    def media_metadata(self, call: Call) -> Response:
        """``POST /2/media/metadata``: attach metadata (alt text) to an uploaded medium.

        The spec's ``CreateMediaMetadataRequest``: ``id`` (digits) and ``metadata``
        with ``alt_text.text`` of at most 1000 characters. The alt text is kept with
        the upload and copied into every post created with the medium afterwards.
        """
        body = call.request.get_json(silent=True)
        if not isinstance(body, dict):
            return invalid_request("body", "", "Request body must be a JSON object.")
        media_id = body.get("id")
        if not isinstance(media_id, str) or not ID_PATTERN.match(media_id):
            return invalid_request("id", media_id, "The `id` field value is invalid.")
        metadata = body.get("metadata") or {}
        if not isinstance(metadata, dict):
            return invalid_request("metadata", metadata, "metadata must be an object.")
        alt = metadata.get("alt_text")
        if alt is not None:
            text = alt.get("text") if isinstance(alt, dict) else None
            if not isinstance(text, str):
                return invalid_request("metadata.alt_text.text", text,
                                       "alt_text.text is required.")
            if len(text) > MAX_ALT_TEXT:
                return invalid_request("metadata.alt_text.text", text,
                                       f"alt_text.text must be at most {MAX_ALT_TEXT} "
                                       "characters.")
        session = self._session(call, media_id)
        if session is None or session["blob"] is None:
            return problem(404, "resource-not-found", "Not Found Error",
                           f"Could not find media with id: [{media_id}].",
                           resource_type="media", resource_id=media_id, parameter="id",
                           value=media_id)
        associated: dict[str, Any] = {}
        if alt is not None:
            record = call.store.get(media_id, kind="media")
            with call.store.lock:
                session["alt_text"] = alt["text"]
                if record is not None:
                    record.extra["alt_text"] = alt["text"]
            associated["alt_text"] = {"text": alt["text"]}
        return json_response({"data": {"id": media_id, "associated_metadata": associated}})
