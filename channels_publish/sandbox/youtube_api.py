"""YouTube Data API v3, as google-api-python-client calls it.

Build the client from the bundled discovery document with ``rootUrl`` pointing
at the sandbox (see :func:`channels_publish.sandbox.control.youtube_discovery`).
Paths are those of the discovery document: ``/youtube/v3/...`` for calls and
``/upload/youtube/v3/...`` for media.

``videos.insert`` works as Google's resumable protocol: ``POST
…/upload/youtube/v3/videos?uploadType=resumable`` answers 200 with a
``Location`` session URI; ``PUT`` chunks with ``Content-Range: bytes a-b/total``
answer 308 with ``Range: bytes=0-n`` until the last one answers 200 with the
video resource; ``PUT`` with ``Content-Range: bytes */total`` reports the state
(308, or 200 with the video once complete) so a persisted session can be
resumed. An unknown session answers 404. ``thumbnails.set`` accepts a simple
(``uploadType=media``) or resumable upload.

The account key is the OAuth 2 bearer token. Errors have Google's shape
``{"error": {"code", "message", "errors": [{"message", "domain", "reason"}],
"status"}}``.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from werkzeug.wrappers import Request, Response

from .app import Call, describe_request, json_response
from .faults import Fault
from .store import Record, stable_token

CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+|\*)$")
CONTENT_RANGE_QUERY = re.compile(r"^bytes \*/(\d+|\*)$")
STATUS_TEXT = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
PRIVACY_STATUSES = {"public", "private", "unlisted"}
AUTH_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
QUOTA_MESSAGE = (
    'The request cannot be completed because you have exceeded your <a href="/youtube/v3/'
    'getting-started#quota">quota</a>.'
)


def google_error(
    status: int,
    message: str,
    reason: str,
    domain: str = "global",
    headers: dict[str, str] | None = None,
    **detail: str,
) -> Response:
    """An error in Google's JSON shape."""
    error_item = {"message": message, "domain": domain, "reason": reason, **detail}
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [error_item],
            "status": STATUS_TEXT.get(status, "UNKNOWN"),
        }
    }
    return json_response(body, status, headers=headers)


def channel_id(token: str) -> str:
    """The stable channel id of a token (``UC`` + 22 characters)."""
    return "UC" + stable_token("youtube-channel:" + token, 22)


def etag(*parts: Any) -> str:
    """A stable etag for a resource."""
    return hashlib.sha1(json.dumps(parts, default=str).encode()).hexdigest()[:27]  # noqa: S324


def iso_z(record: Record) -> str:
    """YouTube's timestamp format."""
    return record.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")


def parts_of(request: Request, default: str = "") -> set[str]:
    """The ``part`` parameter as a set."""
    raw = request.args.get("part", default)
    return {part.strip() for part in raw.split(",") if part.strip()}


class YouTubeApi:
    """Routes and handlers of the YouTube Data API v3 subset."""

    name = "youtube"

    def routes(self) -> list[tuple[str, list[str], Any, Any]]:
        """URL rules: (path, methods, handler, fault operation)."""
        return [
            ("/upload/youtube/v3/videos", ["POST"], self.videos_insert, "upload"),
            ("/upload/youtube/v3/videos", ["PUT"], self.upload_chunk, self._chunk_operation),
            ("/upload/youtube/v3/thumbnails/set", ["POST"], self.thumbnails_set, "thumbnail"),
            ("/upload/youtube/v3/thumbnails/set", ["PUT"], self.upload_chunk, "thumbnail"),
            ("/youtube/v3/videos", ["GET"], self.videos_list, "read"),
            ("/youtube/v3/videos", ["DELETE"], self.videos_delete, "delete"),
            ("/youtube/v3/channels", ["GET"], self.channels_list, "read"),
            ("/youtube/v3/search", ["GET"], self.search_list, "read"),
            ("/youtube/v3/playlistItems", ["GET"], self.playlist_items_list, "read"),
        ]

    @staticmethod
    def _chunk_operation(sandbox: Any, request: Request, values: dict) -> str:
        """``create`` for the chunk that completes a video, ``upload`` otherwise."""
        session = sandbox.store.sessions.get("yt:" + request.args.get("upload_id", ""))
        match = CONTENT_RANGE.match(request.headers.get("Content-Range", ""))
        if session is None or session.get("result") is not None:
            return "upload"
        if match is None:
            return "upload" if request.headers.get("Content-Range") else "create"
        total = match.group(3)
        return "create" if total != "*" and int(match.group(2)) + 1 >= int(total) else "upload"

    # credentials and errors --------------------------------------------------

    def network_of(self, sandbox: Any, request: Request, values: dict) -> str:
        """Every route here belongs to YouTube."""
        return "youtube"

    def credentials(self, request: Request, values: dict) -> list[str]:
        """The OAuth 2 bearer token (header or ``access_token`` parameter)."""
        scheme, _, rest = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and rest.strip():
            return [rest.strip()]
        return [request.args.get("access_token", "")]

    def missing_credentials(self, request: Request, network: str) -> Response:
        """Google's 401 without credentials."""
        return google_error(
            401,
            "Request is missing required authentication credential. Expected OAuth 2 access "
            "token, login cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            "required", location="Authorization", locationType="header",
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
        )

    def auth_error(self, fault: Fault, network: str) -> Response:
        """Google's 401 ``authError`` for an expired or revoked token."""
        return google_error(
            401, AUTH_MESSAGE, "authError", location="Authorization", locationType="header",
            headers={"WWW-Authenticate":
                     'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
        )

    def fault_response(self, fault: Fault, network: str) -> Response:
        """Quota, rate-limit and backend errors."""
        if fault.kind == "youtube_quota":
            return google_error(403, QUOTA_MESSAGE, "quotaExceeded", domain="youtube.quota")
        if fault.kind == "rate_limit":
            retry_after = str(int(fault.params.get("retry_after", 60)))
            return google_error(
                429, "The request cannot be completed because you have exceeded the rate "
                "limit.", "rateLimitExceeded", domain="usageLimits",
                headers={"Retry-After": retry_after},
            )
        status = int(fault.params.get("status", 503))
        return google_error(status, "Backend Error", "backendError")

    # resources -----------------------------------------------------------------

    def _video_json(self, call: Call, record: Record, parts: set[str]) -> dict[str, Any]:
        extra = record.extra
        data: dict[str, Any] = {
            "kind": "youtube#video",
            "etag": etag(record.id, extra.get("title"), extra.get("privacy_status")),
            "id": record.id,
        }
        thumbnail = extra.get("thumbnail")
        thumb_url = call.base_url + thumbnail.path if thumbnail else None
        if "snippet" in parts:
            data["snippet"] = {
                "publishedAt": iso_z(record),
                "channelId": record.owner,
                "title": extra.get("title", ""),
                "description": record.text,
                "thumbnails": {"default": {"url": thumb_url, "width": 120, "height": 90}}
                if thumb_url else {},
                "channelTitle": f"Sandbox {record.owner[-4:]}",
                "tags": extra.get("tags") or [],
                "categoryId": extra.get("category_id", "22"),
                "liveBroadcastContent": "none",
                "localized": {"title": extra.get("title", ""), "description": record.text},
            }
        if "status" in parts:
            status = {
                "uploadStatus": "processed",
                "privacyStatus": extra.get("privacy_status", "public"),
                "license": "youtube",
                "embeddable": True,
                "publicStatsViewable": True,
                "madeForKids": bool(extra.get("made_for_kids", False)),
            }
            if extra.get("publish_at"):
                status["publishAt"] = extra["publish_at"]
            data["status"] = status
        if "statistics" in parts:
            from .insights import youtube_video_statistics

            data["statistics"] = youtube_video_statistics(record)
        if "contentDetails" in parts:
            data["contentDetails"] = {"duration": "PT0S", "dimension": "2d",
                                      "definition": "hd", "caption": "false"}
        if "player" in parts:
            data["player"] = {"embedHtml": f'<video src="{call.base_url}'
                              f'{record.media[0].path}" controls></video>'}
        return data

    def _list(self, kind: str, items: list[dict[str, Any]], **extra: Any) -> Response:
        body = {
            "kind": kind,
            "etag": etag(kind, [item.get("id") for item in items]),
            **extra,
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            "items": items,
        }
        return json_response(body)

    # uploads -------------------------------------------------------------------

    def videos_insert(self, call: Call) -> Response:
        """``POST /upload/youtube/v3/videos?uploadType=resumable``: open a session."""
        request = call.request
        if request.args.get("uploadType") != "resumable":
            return google_error(400, "The sandbox accepts videos.insert only as a resumable "
                                "upload (MediaFileUpload/MediaIoBaseUpload with resumable=True).",
                                "invalidUploadType")
        metadata = request.get_json(silent=True) or {}
        title = (metadata.get("snippet") or {}).get("title", "")
        if not title or len(title) > 100 or "<" in title or ">" in title:
            return google_error(400, "The request metadata specifies an invalid or empty "
                                "video title.", "invalidTitle", domain="youtube.video")
        privacy = (metadata.get("status") or {}).get("privacyStatus", "public")
        if privacy not in PRIVACY_STATUSES:
            return google_error(400, "The request metadata specifies an invalid privacy "
                                "status.", "invalidVideoMetadata", domain="youtube.video")
        return self._open_session(call, "video", metadata=metadata)

    def _open_session(self, call: Call, target: str, **extra: Any) -> Response:
        request = call.request
        upload_id = call.store.new_opaque_id(24)
        total = request.headers.get("X-Upload-Content-Length")
        session = {
            "account": call.account,
            "target": target,
            "part": request.args.get("part", "snippet,status"),
            "total": int(total) if total and total.isdigit() else None,
            "content_type": request.headers.get("X-Upload-Content-Type",
                                                "application/octet-stream"),
            "data": bytearray(),
            "result": None,
            "request": describe_request(request),
            **extra,
        }
        with call.store.lock:
            call.store.sessions["yt:" + upload_id] = session
        query = {key: value for key, value in request.args.items() if key != "upload_id"}
        query["upload_id"] = upload_id
        location = (call.base_url + request.path + "?"
                    + "&".join(f"{k}={v}" for k, v in query.items()))
        return Response("", status=200, headers={
            "Location": location,
            "X-GUploader-UploadID": upload_id,
        })

    def upload_chunk(self, call: Call) -> Response:
        """``PUT`` on a session URI: a chunk, or a status query with ``bytes */total``."""
        request = call.request
        session = call.store.sessions.get("yt:" + request.args.get("upload_id", ""))
        if session is None or session["account"] != call.account:
            return google_error(404, "Not Found", "notFound")
        if session["result"] is not None:
            return self._session_result(call, session)
        content_range = request.headers.get("Content-Range", "")
        if CONTENT_RANGE_QUERY.match(content_range):
            total = CONTENT_RANGE_QUERY.match(content_range).group(1)
            if total != "*" and session["total"] is None:
                session["total"] = int(total)
            return self._incomplete(session)
        data = request.get_data()
        match = CONTENT_RANGE.match(content_range)
        if match is None and content_range:
            return google_error(400, "Invalid Content-Range header.", "badContent")
        with call.store.lock:
            received = len(session["data"])
            if match is None:
                start, total = 0, len(data)
            else:
                start, end = int(match.group(1)), int(match.group(2))
                total = None if match.group(3) == "*" else int(match.group(3))
                if end - start + 1 != len(data):
                    return google_error(400, "Content-Range does not match the body length.",
                                        "badContent")
            if start > received:
                return self._incomplete(session)
            session["data"] += data[received - start:]
            if total is not None:
                session["total"] = total
            complete = session["total"] is not None and len(session["data"]) >= session["total"]
        if not complete:
            return self._incomplete(session)
        return self._complete(call, session)

    @staticmethod
    def _incomplete(session: dict[str, Any]) -> Response:
        headers = {}
        if session["data"]:
            headers["Range"] = f"bytes=0-{len(session['data']) - 1}"
        return Response("", status=308, headers=headers)

    def _complete(self, call: Call, session: dict[str, Any]) -> Response:
        data = bytes(session["data"])
        blob = call.store.add_media(data, session["content_type"])
        with call.store.lock:
            session["data"] = bytearray()
            session["size"] = len(data)
        if session["target"] == "thumbnail":
            return self._set_thumbnail(call, session["video_id"], blob, session)
        metadata = session["metadata"]
        snippet = metadata.get("snippet") or {}
        status = metadata.get("status") or {}
        record = Record(
            network="youtube",
            kind="video",
            id=call.store.new_opaque_id(11),
            account=call.account,
            owner=channel_id(call.account),
            text=snippet.get("description", ""),
            media=[blob],
            request=session["request"],
            extra={
                "title": snippet.get("title", ""),
                "tags": snippet.get("tags") or [],
                "category_id": snippet.get("categoryId", "22"),
                "privacy_status": status.get("privacyStatus", "public"),
                "publish_at": status.get("publishAt"),
                "made_for_kids": status.get("selfDeclaredMadeForKids", False),
                "upload_id": call.request.args.get("upload_id"),
            },
        )
        call.store.add(record)
        with call.store.lock:
            session["result"] = record.id
        return self._session_result(call, session)

    def _session_result(self, call: Call, session: dict[str, Any]) -> Response:
        if session["target"] == "thumbnail":
            return json_response(session["result"])
        record = call.store.get(session["result"])
        parts = {p.strip() for p in session["part"].split(",") if p.strip()}
        return json_response(self._video_json(call, record, parts))

    def thumbnails_set(self, call: Call) -> Response:
        """``POST /upload/youtube/v3/thumbnails/set?videoId=``: simple or resumable upload."""
        request = call.request
        video_id = request.args.get("videoId", "")
        video = call.store.get(video_id, kind="video")
        if video is None or video.deleted:
            return google_error(404, "The video identified by the <code><a href=\"/youtube/v3/"
                                "docs/thumbnails/set#videoId\">videoId</a></code> parameter "
                                "could not be found.", "videoNotFound",
                                domain="youtube.thumbnail")
        if video.account != call.account:
            return google_error(403, "The authenticated user doesn't have permissions for "
                                "uploading and setting custom thumbnails for the video.",
                                "forbidden", domain="youtube.thumbnail")
        if request.args.get("uploadType") == "resumable":
            return self._open_session(call, "thumbnail", video_id=video_id)
        data = request.get_data()
        if not data:
            return google_error(400, "The request does not include the image content.",
                                "mediaBodyRequired", domain="youtube.thumbnail")
        blob = call.store.add_media(data, request.mimetype or "image/jpeg")
        return self._set_thumbnail(call, video_id, blob, None)

    def _set_thumbnail(self, call: Call, video_id: str, blob: Any,
                       session: dict[str, Any] | None) -> Response:
        video = call.store.get(video_id, kind="video")
        with call.store.lock:
            video.extra["thumbnail"] = blob
        url = call.base_url + blob.path
        body = {
            "kind": "youtube#thumbnailSetResponse",
            "etag": etag(video_id, blob.id),
            "items": [{
                "default": {"url": url, "width": 120, "height": 90},
                "medium": {"url": url, "width": 320, "height": 180},
                "high": {"url": url, "width": 480, "height": 360},
            }],
        }
        if session is not None:
            with call.store.lock:
                session["result"] = body
        return json_response(body)

    # reads -----------------------------------------------------------------------

    def videos_list(self, call: Call) -> Response:
        """``GET /youtube/v3/videos?part=&id=``."""
        parts = parts_of(call.request)
        if not parts:
            return google_error(400, "No filter selected. Expected one of: id, chart, myRating",
                                "missingRequiredParameter", domain="youtube.parameter")
        items = []
        for video_id in call.request.args.get("id", "").split(","):
            record = call.store.get(video_id.strip(), kind="video")
            if record is None or record.deleted:
                continue
            if record.extra.get("privacy_status") == "private" and record.account != call.account:
                continue
            items.append(self._video_json(call, record, parts))
        return self._list("youtube#videoListResponse", items)

    def videos_delete(self, call: Call) -> Response:
        """``DELETE /youtube/v3/videos?id=``."""
        video_id = call.request.args.get("id", "")
        record = call.store.get(video_id, kind="video")
        if record is None or record.deleted:
            return google_error(404, "Video not found.", "videoNotFound", domain="youtube.video")
        if record.account != call.account:
            return google_error(403, "The video that you are trying to delete cannot be "
                                "deleted.", "forbidden", domain="youtube.video")
        call.store.delete(record)
        return Response("", status=204)

    def _channel_json(self, call: Call, channel: str, parts: set[str]) -> dict[str, Any]:
        account = call.store.account("youtube", call.account)
        data: dict[str, Any] = {"kind": "youtube#channel", "etag": etag(channel), "id": channel}
        if "snippet" in parts:
            data["snippet"] = {
                "title": account.name or f"Sandbox {channel[-4:]}",
                "description": "",
                "customUrl": "@" + (account.username or f"sandbox{channel[-6:].lower()}"),
                "publishedAt": "2020-01-01T00:00:00Z",
            }
        if "contentDetails" in parts:
            data["contentDetails"] = {"relatedPlaylists": {"likes": "",
                                                           "uploads": "UU" + channel[2:]}}
        if "statistics" in parts:
            count = len(call.store.timeline("youtube", channel, kinds={"video"}, limit=10_000))
            from .insights import youtube_subscribers

            subscribers = youtube_subscribers(channel, account.attrs)
            data["statistics"] = {"viewCount": "0", "subscriberCount": str(subscribers),
                                  "hiddenSubscriberCount": False, "videoCount": str(count)}
        return data

    def channels_list(self, call: Call) -> Response:
        """``GET /youtube/v3/channels?part=&mine=true`` (or ``id=``)."""
        parts = parts_of(call.request)
        mine = call.request.args.get("mine", "").lower() == "true"
        own = channel_id(call.account)
        ids = [own] if mine else [c for c in call.request.args.get("id", "").split(",") if c]
        items = [self._channel_json(call, channel, parts) for channel in ids]
        return self._list("youtube#channelListResponse", items)

    def _max_results(self, request: Request) -> int:
        try:
            return max(0, min(50, int(request.args.get("maxResults", "5"))))
        except ValueError:
            return 5

    def search_list(self, call: Call) -> Response:
        """``GET /youtube/v3/search?forMine=true&type=video``: own uploads, newest first."""
        request = call.request
        if request.args.get("forMine", "").lower() != "true":
            return self._list("youtube#searchListResponse", [], regionCode="DE")
        if request.args.get("type") != "video":
            return google_error(
                400, "The request contains an invalid combination of search filters and/or "
                "restrictions. Note that you must set the <code>type</code> parameter to "
                "<code>video</code> if you set either the <code>forContentOwner</code> or "
                "<code>forMine</code> parameters.", "invalidSearchFilter",
                domain="youtube.search",
            )
        channel = channel_id(call.account)
        records = call.store.timeline("youtube", channel, kinds={"video"},
                                      limit=self._max_results(request))
        items = []
        for record in records:
            items.append({
                "kind": "youtube#searchResult",
                "etag": etag("search", record.id),
                "id": {"kind": "youtube#video", "videoId": record.id},
                "snippet": {
                    "publishedAt": iso_z(record),
                    "channelId": channel,
                    "title": record.extra.get("title", ""),
                    "description": record.text,
                    "channelTitle": f"Sandbox {channel[-4:]}",
                    "liveBroadcastContent": "none",
                    "publishTime": iso_z(record),
                },
            })
        return self._list("youtube#searchListResponse", items, regionCode="DE")

    def playlist_items_list(self, call: Call) -> Response:
        """``GET /youtube/v3/playlistItems?playlistId=UU…``: the uploads playlist."""
        request = call.request
        playlist = request.args.get("playlistId", "")
        if not playlist.startswith("UU"):
            return google_error(404, "The playlist identified with the request's "
                                "<code>playlistId</code> parameter cannot be found.",
                                "playlistNotFound", domain="youtube.playlistItem")
        channel = "UC" + playlist[2:]
        records = call.store.timeline("youtube", channel, kinds={"video"},
                                      limit=self._max_results(request))
        parts = parts_of(request, "snippet")
        items = []
        for position, record in enumerate(records):
            if record.extra.get("privacy_status") == "private" and record.account != call.account:
                continue
            item: dict[str, Any] = {
                "kind": "youtube#playlistItem",
                "etag": etag("pi", record.id),
                "id": etag("pi-id", playlist, record.id),
            }
            if "snippet" in parts:
                item["snippet"] = {
                    "publishedAt": iso_z(record),
                    "channelId": channel,
                    "title": record.extra.get("title", ""),
                    "description": record.text,
                    "playlistId": playlist,
                    "position": position,
                    "resourceId": {"kind": "youtube#video", "videoId": record.id},
                }
            if "contentDetails" in parts:
                item["contentDetails"] = {"videoId": record.id,
                                          "videoPublishedAt": iso_z(record)}
            if "status" in parts:
                item["status"] = {"privacyStatus": record.extra.get("privacy_status", "public")}
            items.append(item)
        return self._list("youtube#playlistItemListResponse", items)

