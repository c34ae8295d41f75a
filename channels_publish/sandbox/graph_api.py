"""Graph API (Facebook Pages and Instagram) under ``/{version}/…``.

Any ``v<major>.<minor>`` version is accepted. The account key is the access token
(``access_token`` in query, form or JSON body, or an ``Authorization: Bearer`` /
``OAuth`` header); faults may also name the page or IG user id of the path. Any
token may act on any page or IG user id: the sandbox does not model page roles.

Errors always have the body ``{"error": {"message", "type", "code",
"error_subcode", "is_transient", "fbtrace_id"}}`` (``error_subcode`` is null
when Graph sends none); branch on ``code``, not on the HTTP status. Codes used:

- 104 no access token; 190/463 expired token, 190/458 revoked (HTTP 400, or the
  fault's ``status``).
- 32 (Facebook) / 4 (Instagram) rate limits, or 17 / 613 via the fault's ``code``;
  2 temporary server error (HTTP 500); all ``is_transient``.
- 100 invalid parameter, 100/33 unsupported get/delete request, 2500 unknown path.
- 506 duplicate status message on a page feed.
- 324 photo URL not fetchable, 389 video URL not fetchable, IG 9004/2207052
  image URL not fetchable (an IG video that cannot be fetched ends in container
  status ERROR instead).
- IG 9007/2207027 container not ready, 24/2207008 unknown or already published
  container, 9/2207042 publishing limit (100 per 24 hours) reached.
"""

from __future__ import annotations

import json
import mimetypes
import secrets
import time
import urllib.parse
from datetime import datetime
from typing import Any

from werkzeug.wrappers import Request, Response

from .app import Call, FetchError, describe_request, fetch_url, json_response, request_params
from .faults import Fault
from .store import MediaBlob, Record

FACEBOOK_POST_EDGES = {"feed", "photos", "videos"}
FACEBOOK_GET_EDGES = {"feed", "published_posts", "posts"}
INSTAGRAM_POST_EDGES = {"media", "media_publish"}
INSTAGRAM_GET_EDGES = {"media", "content_publishing_limit"}
IG_VIDEO_TYPES = {"VIDEO", "REELS", "STORIES"}
IG_PROCESSING_POLLS = 2
IG_QUOTA_TOTAL = 100
IG_QUOTA_DURATION = 86400
RATE_LIMIT_MESSAGES = {
    4: "(#4) Application request limit reached",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    613: "(#613) Calls to this api have exceeded the rate limit.",
}
STATUS_TEXT = {
    "IN_PROGRESS": "In Progress: Media is still being processed.",
    "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
    "PUBLISHED": "Published: Media has been published.",
}


def graph_error(
    message: str,
    code: int,
    status: int = 400,
    subcode: int | None = None,
    error_type: str = "OAuthException",
    is_transient: bool = False,
    user_title: str | None = None,
    user_msg: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A Graph API error response."""
    error: dict[str, Any] = {
        "message": message,
        "type": error_type,
        "code": code,
        "error_subcode": subcode,
        "is_transient": is_transient,
        "fbtrace_id": "A" + secrets.token_urlsafe(16)[:22],
    }
    if user_title:
        error["error_user_title"] = user_title
    if user_msg:
        error["error_user_msg"] = user_msg
    return json_response({"error": error}, status, headers=headers)


def invalid_parameter(message: str, subcode: int | None = None) -> Response:
    """Graph's code 100."""
    return graph_error(f"(#100) {message}", 100, subcode=subcode)


def unsupported(verb: str, object_id: str) -> Response:
    """Graph's 100/33 for an object that does not exist or cannot be used."""
    return graph_error(
        f"Unsupported {verb} request. Object with ID '{object_id}' does not exist, cannot be "
        "loaded due to missing permissions, or does not support this operation. Please read "
        "the Graph API documentation at https://developers.facebook.com/docs/graph-api",
        100,
        subcode=33,
        error_type="GraphMethodException",
    )


def graph_time(moment: datetime) -> str:
    """Graph's timestamp format, e.g. ``2025-05-01T10:00:00+0000``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def is_true(value: Any, default: bool = True) -> bool:
    """Graph's loose booleans (``true``, ``1``, ``false``, ``0``)."""
    if value is None or value == "":
        return default
    return str(value).lower() not in ("false", "0", "no")


def requested(params: dict[str, str]) -> set[str] | None:
    """Top-level names in ``fields`` (modifiers and nested fields ignored), or None."""
    raw = params.get("fields")
    if not raw:
        return None
    names = set()
    depth = 0
    current = ""
    for char in raw + ",":
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif char == "," and depth == 0:
            names.add(current.split(".")[0].strip())
            current = ""
            continue
        if depth == 0 and char not in "})":
            current += char
    return {name for name in names if name}


def pick(data: dict[str, Any], fields: set[str] | None, default: set[str]) -> dict[str, Any]:
    """Keep ``id`` and the requested (or default) fields."""
    wanted = (fields if fields is not None else default) | {"id"}
    return {key: value for key, value in data.items() if key in wanted and value is not None}


def _content_type(url: str, fetched_type: str) -> str:
    if fetched_type and fetched_type != "application/octet-stream":
        return fetched_type
    guessed, _ = mimetypes.guess_type(urllib.parse.urlsplit(url).path)
    return guessed or fetched_type or "application/octet-stream"


class GraphApi:
    """Routes and handlers of the Graph API subset for Pages and Instagram."""

    name = "graph"

    def routes(self) -> list[tuple[str, list[str], Any, Any]]:
        """URL rules: (path, methods, handler, fault operation)."""
        node = "/<graph_version:version>/<node>"
        edge = node + "/<edge>"
        return [
            (node, ["GET"], self.get_object, "read"),
            (node, ["DELETE"], self.delete_object, "delete"),
            (edge, ["GET"], self.edge_get, "read"),
            (edge, ["POST"], self.edge_post, self._post_operation),
        ]

    @staticmethod
    def _post_operation(sandbox: Any, request: Request, values: dict) -> str:
        return "container" if values.get("edge") == "media" else "create"

    # credentials and errors --------------------------------------------------

    def network_of(self, sandbox: Any, request: Request, values: dict) -> str:
        """Facebook or Instagram, by edge or by the object asked for."""
        edge = values.get("edge")
        if edge in INSTAGRAM_POST_EDGES or edge in INSTAGRAM_GET_EDGES:
            return "instagram"
        if edge is None:
            record = sandbox.store.get(values.get("node", ""))
            if record is not None:
                return record.network
        return "facebook"

    def credentials(self, request: Request, values: dict) -> list[str]:
        """The access token, then the node of the path (so faults may name a page)."""
        token = request.args.get("access_token") or request.form.get("access_token")
        if not token and request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict):
                token = body.get("access_token")
        if not token:
            scheme, _, rest = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() in ("bearer", "oauth"):
                token = rest.strip()
        if not token:
            return []
        return [token, values.get("node", "")]

    def missing_credentials(self, request: Request, network: str) -> Response:
        """Graph's error without an access token."""
        return graph_error("An access token is required to request this resource.", 104)

    def auth_error(self, fault: Fault, network: str) -> Response:
        """Graph's code 190 for an expired (463) or revoked (458) token."""
        if fault.params.get("revoked"):
            subcode = 458
            message = "Error validating access token: The user has not authorized application."
        else:
            subcode = 463
            message = (
                "Error validating access token: Session has expired on "
                + time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime(time.time() - 3600))
                + ". The current time is "
                + time.strftime("%A, %d-%b-%y %H:%M:%S PDT", time.gmtime())
                + "."
            )
        return graph_error(
            message, 190, status=int(fault.params.get("status", 400)), subcode=subcode,
            headers={"WWW-Authenticate": f'OAuth "Facebook Platform" "invalid_token" "{message}"'},
        )

    def fault_response(self, fault: Fault, network: str) -> Response:
        """Graph's rate-limit (4/17/32/613) or temporary (2) error."""
        if fault.kind == "rate_limit":
            code = int(fault.params.get("code", 4 if network == "instagram" else 32))
            retry_after = int(fault.params.get("retry_after", 60))
            usage = json.dumps({"call_count": 100, "total_cputime": 100, "total_time": 100})
            return graph_error(
                RATE_LIMIT_MESSAGES.get(code, f"(#{code}) Rate limit reached"),
                code,
                status=int(fault.params.get("status", 400)),
                is_transient=True,
                headers={"Retry-After": str(retry_after), "X-App-Usage": usage},
            )
        return graph_error(
            "An unexpected error has occurred. Please retry your request later.",
            2,
            status=int(fault.params.get("status", 500)),
            is_transient=True,
        )

    # generic object access ---------------------------------------------------

    def get_object(self, call: Call, version: str, node: str) -> Response:
        """``GET /{object-id}``: a post, photo, video, IG container or IG media."""
        params = request_params(call.request)
        fields = requested(params)
        record = call.store.get(node)
        if record is None or record.deleted:
            from .insights import owner_json

            owner = owner_json(call, node)
            if owner is not None:
                return json_response(pick(owner, fields, {"name"}))
            return unsupported("get", node)
        if record.kind == "ig_container":
            data = self._container_json(call, record)
            return json_response(pick(data, fields, set()))
        if record.kind == "ig_media":
            return json_response(pick(self._ig_media_json(call, record), fields,
                                      {"caption", "media_type", "timestamp"}))
        data = self._facebook_json(call, record)
        if node != record.id:  # addressed by post id
            data["id"] = node
        return json_response(pick(data, fields, {"message", "created_time"}))

    def delete_object(self, call: Call, version: str, node: str) -> Response:
        """``DELETE /{object-id}``: delete a page post, photo or video."""
        record = call.store.get(node)
        if record is not None and not record.deleted and record.extra.get("thread"):
            from .graph_inbound_api import delete_comment

            return delete_comment(call, record)  # a comment on one of our items
        if record is None or record.deleted or record.network != "facebook":
            return unsupported("delete", node)
        call.store.delete(record)
        return json_response({"success": True})

    def edge_get(self, call: Call, version: str, node: str, edge: str) -> Response:
        """Reads of ``/{node}/{edge}``."""
        params = request_params(call.request)
        if edge in FACEBOOK_GET_EDGES:
            return self.page_feed(call, node, params)
        if edge == "media":
            return self.ig_media_list(call, node, params)
        if edge == "content_publishing_limit":
            return self.publishing_limit(call, node, params)
        return self.unknown_path(edge)

    def edge_post(self, call: Call, version: str, node: str, edge: str) -> Response:
        """Writes to ``/{node}/{edge}``."""
        params = request_params(call.request)
        handlers = {
            "feed": self.page_feed_post,
            "photos": self.page_photo,
            "videos": self.page_video,
            "media": self.ig_container,
            "media_publish": self.ig_publish,
        }
        handler = handlers.get(edge)
        if handler is None:
            return self.unknown_path(edge)
        return handler(call, node, params)

    @staticmethod
    def unknown_path(edge: str) -> Response:
        """Graph's answer for an edge it does not know."""
        return graph_error(f"Unknown path components: /{edge}", 2500)

    # Facebook pages ------------------------------------------------------------

    def _facebook_json(self, call: Call, record: Record) -> dict[str, Any]:
        post_id = record.extra.get("post_id") or record.id
        data: dict[str, Any] = {
            "id": record.id,
            "message": record.text or None,
            "created_time": graph_time(record.created_at),
            "permalink_url": f"{call.base_url}/_sandbox/facebook#{post_id}",
            "is_published": record.extra.get("published", True),
            "link": record.extra.get("link"),
        }
        if record.kind == "video":
            data["description"] = record.text or None
            data["title"] = record.extra.get("title")
            data["source"] = call.base_url + record.media[0].path if record.media else None
        if record.kind == "photo" and record.media:
            data["images"] = [{"source": call.base_url + record.media[0].path}]
            data["name"] = record.text or None
        if record.media:
            data["full_picture"] = call.base_url + record.media[0].path
        return data

    def page_feed(self, call: Call, page_id: str, params: dict[str, str]) -> Response:
        """``GET /{page-id}/feed``, ``/posts``, ``/published_posts``: published posts, newest
        first (the sandbox has no visitor posts, so the three agree)."""
        try:
            limit = max(1, min(100, int(params.get("limit") or 25)))
        except ValueError:
            return invalid_parameter("Param limit must be a number")
        fields = requested(params)
        data = []
        for record in call.store.timeline("facebook", page_id, kinds={"post", "photo", "video"},
                                          limit=10_000):
            if not record.extra.get("published", True):
                continue
            item = self._facebook_json(call, record)
            item["id"] = record.extra.get("post_id") or record.id
            data.append(pick(item, fields, {"message", "created_time"}))
            if len(data) >= limit:
                break
        return json_response({"data": data})

    def _fetch(self, call: Call, url: str) -> MediaBlob:
        data, content_type = fetch_url(url)
        return call.store.add_media(data, _content_type(url, content_type), source_url=url)

    def _upload(self, call: Call, field: str = "source") -> MediaBlob | None:
        upload = call.request.files.get(field)
        if upload is None:
            return None
        content_type = upload.mimetype
        if not content_type or content_type == "application/octet-stream":
            content_type = mimetypes.guess_type(upload.filename or "")[0] or content_type
        return call.store.add_media(upload.read(), content_type or "application/octet-stream")

    def page_feed_post(self, call: Call, page_id: str, params: dict[str, str]) -> Response:
        """``POST /{page-id}/feed``: a text or link post; 506 for a duplicate message."""
        message = params.get("message", "")
        link = params.get("link", "")
        media = []
        attached = self._attached_media(params)
        for fbid in attached:
            photo = call.store.get(fbid, kind="photo")
            if photo is None or photo.owner != page_id:
                return invalid_parameter(f"Invalid media_fbid {fbid}")
            media.extend(photo.media)
        if not message and not link and not media:
            return invalid_parameter("Missing message or attachment")
        published = is_true(params.get("published"))
        record = Record(
            network="facebook",
            kind="post",
            id=f"{page_id}_{call.store.new_graph_id()}",
            account=call.account,
            owner=page_id,
            text=message,
            media=media,
            request=describe_request(call.request),
            extra={"link": link or None, "published": published, "attached_media": attached},
        )
        duplicate = call.store.add(record, unique_text=True)
        if duplicate is not None:
            return graph_error("(#506) Duplicate status message", 506)
        return json_response({"id": record.id})

    @staticmethod
    def _attached_media(params: dict[str, str]) -> list[str]:
        entries: list[Any] = []
        if params.get("attached_media"):
            try:
                parsed = json.loads(params["attached_media"])
            except ValueError:
                parsed = []
            entries.extend(parsed if isinstance(parsed, list) else [parsed])
        index = 0
        while f"attached_media[{index}]" in params:
            try:
                entries.append(json.loads(params[f"attached_media[{index}]"]))
            except ValueError:
                entries.append({})
            index += 1
        return [str(entry.get("media_fbid", "")) for entry in entries if isinstance(entry, dict)]

    def page_photo(self, call: Call, page_id: str, params: dict[str, str]) -> Response:
        """``POST /{page-id}/photos``: by ``url`` or multipart ``source``."""
        blob = self._upload(call)
        url = params.get("url", "")
        if blob is None:
            if not url:
                return graph_error("(#324) Requires upload file", 324)
            try:
                blob = self._fetch(call, url)
            except FetchError:
                return graph_error("(#324) Missing or invalid image file", 324)
        published = is_true(params.get("published"))
        caption = params.get("caption") or params.get("message", "")
        photo_id = call.store.new_graph_id()
        post_id = f"{page_id}_{call.store.new_graph_id()}" if published else None
        record = Record(
            network="facebook",
            kind="photo",
            id=photo_id,
            account=call.account,
            owner=page_id,
            text=caption,
            media=[blob],
            request=describe_request(call.request),
            extra={"published": published, "post_id": post_id},
        )
        call.store.add(record)
        if post_id is None:
            return json_response({"id": photo_id})
        call.store.add_alias(post_id, record)
        return json_response({"id": photo_id, "post_id": post_id})

    def page_video(self, call: Call, page_id: str, params: dict[str, str]) -> Response:
        """``POST /{page-id}/videos``: by ``file_url`` or multipart ``source``."""
        blob = self._upload(call)
        url = params.get("file_url", "")
        if blob is None:
            if not url:
                return invalid_parameter("The video file you selected is in a format that we "
                                         "don't support.", subcode=1363024)
            try:
                blob = self._fetch(call, url)
            except FetchError:
                return graph_error("(#389) Unable to fetch video file from URL.", 389)
        video_id = call.store.new_graph_id()
        published = is_true(params.get("published"))
        record = Record(
            network="facebook",
            kind="video",
            id=video_id,
            account=call.account,
            owner=page_id,
            text=params.get("description", ""),
            media=[blob],
            request=describe_request(call.request),
            extra={
                "title": params.get("title") or None,
                "published": published,
                "post_id": f"{page_id}_{video_id}",
            },
        )
        call.store.add(record)
        call.store.add_alias(f"{page_id}_{video_id}", record)
        return json_response({"id": video_id})

    # Instagram ----------------------------------------------------------------

    def _container_state(self, call: Call, record: Record, advance: bool = True) -> str:
        """The container's status code; every access counts as a poll of processing."""
        with call.store.lock:
            extra = record.extra
            if extra["state"] in ("PUBLISHED", "ERROR"):
                return extra["state"]
            if extra.get("children"):
                states = [
                    self._container_state(call, child, advance)
                    for child in (call.store.get(cid) for cid in extra["children"])
                    if child is not None
                ]
                if "ERROR" in states:
                    extra["state"] = "ERROR"
                    extra["error"] = "Error: One of the carousel items failed."
                elif all(state == "FINISHED" for state in states):
                    extra["state"] = extra.get("final_state", "FINISHED")
                return extra["state"]
            if extra["state"] == "IN_PROGRESS" and advance:
                extra["polls"] += 1
                if extra["polls"] >= IG_PROCESSING_POLLS:
                    extra["state"] = extra.get("final_state", "FINISHED")
            return extra["state"]

    def _container_json(self, call: Call, record: Record) -> dict[str, Any]:
        state = self._container_state(call, record)
        status = record.extra.get("error") if state == "ERROR" else STATUS_TEXT.get(state)
        return {"id": record.id, "status_code": state, "status": status}

    def _ig_media_json(self, call: Call, record: Record) -> dict[str, Any]:
        media_url = call.base_url + record.media[0].path if record.media else None
        return {
            "id": record.id,
            "caption": record.text or None,
            "media_type": record.extra.get("media_type"),
            "media_product_type": record.extra.get("media_product_type"),
            "media_url": media_url,
            "thumbnail_url": call.base_url + cover.path if (cover := record.extra.get("cover"))
            else None,
            "permalink": f"{call.base_url}/_sandbox/instagram#{record.id}",
            "timestamp": graph_time(record.created_at),
            "like_count": record.extra.get("metrics", {}).get("like_count", 0),
            "comments_count": record.extra.get("metrics", {}).get("comments_count", 0),
        }

    def ig_container(self, call: Call, ig_user_id: str, params: dict[str, str]) -> Response:
        """``POST /{ig-user-id}/media``: create an image, video/reel or carousel container."""
        media_type = (params.get("media_type") or "").upper()
        image_url = params.get("image_url", "")
        video_url = params.get("video_url", "")
        children: list[str] = []
        if not media_type:
            media_type = "IMAGE" if image_url or not video_url else "VIDEO"
        if media_type == "CAROUSEL":
            raw = params.get("children", "")
            try:
                parsed = json.loads(raw) if raw.startswith("[") else raw.split(",")
            except ValueError:
                parsed = []
            children = [str(child).strip() for child in parsed if str(child).strip()]
            if not 2 <= len(children) <= 10:
                return invalid_parameter("The parameter children must hold 2 to 10 items.")
            for child_id in children:
                child = call.store.get(child_id, kind="ig_container")
                if child is None or child.owner != ig_user_id:
                    return invalid_parameter(f"Invalid children item {child_id}")
        elif media_type in IG_VIDEO_TYPES:
            if not video_url:
                return invalid_parameter("The parameter video_url is required.")
        elif media_type == "IMAGE":
            if not image_url:
                return invalid_parameter("The parameter image_url is required.")
        else:
            return invalid_parameter(f"Param media_type must be one of {{IMAGE, VIDEO, REELS, "
                                     f"STORIES, CAROUSEL}}, got {media_type}")
        media: list[MediaBlob] = []
        covers: dict[str, Any] = {}
        state, error = "FINISHED", None
        if media_type == "IMAGE":
            try:
                blob = self._fetch(call, image_url)
            except FetchError:
                blob = None
            if blob is None or not blob.content_type.startswith("image/"):
                return graph_error(
                    "Only photo or video can be accepted as media type.", 9004,
                    subcode=2207052, user_title="Media download has failed.",
                    user_msg="The media could not be fetched from this URI: " + image_url,
                )
            media = [blob]
        elif media_type in IG_VIDEO_TYPES:
            state = "IN_PROGRESS"
            try:
                media = [self._fetch(call, video_url)]
            except FetchError:
                state, error = "ERROR", "Error: Media download has failed. (2207052)"
            cover_url = params.get("cover_url", "") if media_type == "REELS" else ""
            if cover_url and state != "ERROR":
                # The reel's cover image, fetched like the video; a failed download fails
                # the container as Instagram does.
                try:
                    cover = self._fetch(call, cover_url)
                except FetchError:
                    cover = None
                if cover is None or not cover.content_type.startswith("image/"):
                    state, error = "ERROR", "Error: Cover image download has failed. (2207052)"
                else:
                    covers = {"cover": cover, "cover_url": cover_url}
        else:
            state = "IN_PROGRESS"
            for child_id in children:
                media.extend(call.store.get(child_id).media)
        extra: dict[str, Any] = {
            "media_type": media_type,
            "state": state,
            "polls": 0,
            "error": error,
            "children": children,
            "is_carousel_item": is_true(params.get("is_carousel_item"), default=False),
            **covers,
        }
        if call.take_fault("ig_container_error") is not None:
            extra["final_state"] = "ERROR"
            extra["error"] = "Error: Media upload has failed with error code 2207001"
            if state == "FINISHED":
                extra["state"] = "ERROR"
        record = Record(
            network="instagram",
            kind="ig_container",
            id=call.store.new_graph_id(),
            account=call.account,
            owner=ig_user_id,
            text=params.get("caption", ""),
            media=media,
            request=describe_request(call.request),
            extra=extra,
        )
        call.store.add(record)
        return json_response({"id": record.id})

    def _quota_total(self, call: Call, ig_user_id: str) -> int:
        for key in (ig_user_id, call.account):
            account = call.store.accounts.get(("instagram", key))
            if account is not None and "publishing_limit" in account.attrs:
                return int(account.attrs["publishing_limit"])
        return IG_QUOTA_TOTAL

    def ig_publish(self, call: Call, ig_user_id: str, params: dict[str, str]) -> Response:
        """``POST /{ig-user-id}/media_publish``: publish a FINISHED container, once."""
        creation_id = params.get("creation_id", "")
        if not creation_id:
            return invalid_parameter("The parameter creation_id is required.")
        container = call.store.get(creation_id, kind="ig_container")
        gone = graph_error(
            f"The media builder with creation id = {creation_id} does not exist or has been "
            "expired.", 24, subcode=2207008, user_title="Media builder expired",
            user_msg="The media builder does not exist or has expired.",
        )
        if container is None or container.owner != ig_user_id:
            return gone
        with call.store.lock:
            state = self._container_state(call, container)
            if state == "PUBLISHED":
                return gone
            if state != "FINISHED":
                return graph_error(
                    "Media ID is not available", 9007, subcode=2207027,
                    user_title="Media not ready for publishing",
                    user_msg="The media is not ready for publishing, please wait for a moment",
                )
            if call.store.publishes_in_window(ig_user_id) >= self._quota_total(call, ig_user_id):
                return graph_error(
                    "Application request limit reached", 9, subcode=2207042,
                    user_title="Publishing limit reached",
                    user_msg="You reached maximum number of posts that is allowed to be "
                    "published by Content Publishing API.",
                )
            container.extra["state"] = "PUBLISHED"
            media_type = container.extra["media_type"]
            product = {"REELS": "REELS", "STORIES": "STORY"}.get(media_type, "FEED")
            record = Record(
                network="instagram",
                kind="ig_media",
                id=call.store.new_graph_id(),
                account=call.account,
                owner=ig_user_id,
                text=container.text,
                media=list(container.media),
                request=describe_request(call.request),
                extra={
                    "media_type": "CAROUSEL_ALBUM" if media_type == "CAROUSEL" else
                    ("VIDEO" if media_type in IG_VIDEO_TYPES else "IMAGE"),
                    "media_product_type": product,
                    "container_id": container.id,
                    **({"cover": container.extra["cover"]} if "cover" in container.extra
                       else {}),
                },
            )
            container.extra["published_media_id"] = record.id
            call.store.note_publish(ig_user_id)
            call.store.add(record)
        return json_response({"id": record.id})

    def publishing_limit(self, call: Call, ig_user_id: str, params: dict[str, str]) -> Response:
        """``GET /{ig-user-id}/content_publishing_limit``."""
        item = {
            "quota_usage": call.store.publishes_in_window(ig_user_id),
            "config": {
                "quota_total": self._quota_total(call, ig_user_id),
                "quota_duration": IG_QUOTA_DURATION,
            },
        }
        fields = requested(params)
        if fields is not None:
            item = {key: value for key, value in item.items() if key in fields} or item
        return json_response({"data": [item]})

    def ig_media_list(self, call: Call, ig_user_id: str, params: dict[str, str]) -> Response:
        """``GET /{ig-user-id}/media``: published media, newest first."""
        try:
            limit = max(1, min(100, int(params.get("limit") or 25)))
        except ValueError:
            return invalid_parameter("Param limit must be a number")
        fields = requested(params)
        records = call.store.timeline("instagram", ig_user_id, kinds={"ig_media"}, limit=limit)
        data = [pick(self._ig_media_json(call, r), fields, set()) for r in records]
        return json_response({"data": data})
