"""YouTube adapter: a resumable ``videos.insert`` through google-api-python-client.

The client is built from the discovery document bundled with the library, its
``rootUrl`` set to ``account.base_url`` (the real API or the sandbox), on an
``httplib2`` transport with ``account.timeout_s``. The credential is the OAuth 2
access token; refreshing it is the job of whoever stores the account, so a 401
is reported as :class:`~.base.AuthorizationFailed` instead of being refreshed here.

Resumable state: ``{"upload_uri": ...}`` is saved the moment the upload session
exists (before the first chunk), ``{"video_id": ...}`` once the video exists. A
retry resumes the saved session: it asks the session how much it holds
(``Content-Range: bytes */TOTAL``) and continues from there, and a session that
already completed answers with the video, so the upload session itself keeps a
retry from creating a second video. That is why upload failures (timeouts, 5xx)
are :class:`~.base.RetryLater`, not :class:`~.base.OutcomeUnknown`.

Marker: carried as a video tag (tags are not shown to viewers);
:meth:`YouTubeAdapter.find_published` reads the channel's recent uploads.

A custom thumbnail is set after the upload; if that fails the video is still
published: the problem is noted in ``Published.raw["thumbnail_error"]``.
"""

from __future__ import annotations

import json
import mimetypes
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import google_auth_httplib2
import httplib2
from django.utils.translation import gettext as _
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document
from googleapiclient.discovery_cache import get_static_doc
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload

from .base import (
    AccountConfig,
    AdapterError,
    AuthorizationFailed,
    PermanentFailure,
    Published,
    PublishRequest,
    RetryLater,
    SaveState,
    carries_marker,
)

DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024  # a multiple of 256 KiB, as resumable uploads require
NEWS_AND_POLITICS = "25"
MAX_TITLE = 100
RECENT_UPLOADS = 25
QUOTA_REASONS = {"quotaExceeded", "dailyLimitExceeded", "uploadLimitExceeded"}
RATE_REASONS = {"rateLimitExceeded", "userRateLimitExceeded"}
AUTH_REASONS = {"authError", "invalidCredentials", "insufficientPermissions",
                "youtubeSignupRequired", "forbiddenChannel"}
TRANSPORT_ERRORS = (httplib2.HttpLib2Error, TransportError, OSError)


def seconds_until_quota_reset(now: datetime | None = None) -> float:
    """YouTube's daily quota resets at midnight Pacific Time; a minute's margin."""
    try:
        zone = ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:
        return 24 * 3600.0
    now = (now or datetime.now(zone)).astimezone(zone)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - now).total_seconds() + 60


def _error_body(exc: HttpError) -> dict[str, Any]:
    try:
        body = json.loads(exc.content or b"{}")
    except ValueError:
        return {}
    return body.get("error") or {} if isinstance(body, dict) else {}


def classify(exc: Exception) -> AdapterError:
    """Turn a client exception into a classified adapter error.

    Upload and thumbnail steps never create a second video when repeated (the
    session is resumed), so server errors and timeouts are :class:`RetryLater`.
    """
    if isinstance(exc, RefreshError):
        return AuthorizationFailed(
            _("YouTube hat die Anmeldung des Kontos nicht angenommen: %(error)s. Bitte das "
              "Konto neu verbinden.") % {"error": exc}, raw=str(exc),
        )
    if isinstance(exc, HttpError):
        status = exc.resp.status
        error = _error_body(exc)
        reasons = {str(item.get("reason")) for item in error.get("errors") or []}
        message = str(error.get("message") or exc.reason or status)
        raw = error or (exc.content.decode(errors="replace") if exc.content else str(exc))
        args = {"status": status, "reason": ", ".join(sorted(reasons)) or status,
                "message": message}
        if reasons & QUOTA_REASONS:
            return RetryLater(
                _("Das Tageskontingent der YouTube-Schnittstelle ist aufgebraucht (%(reason)s); "
                  "neuer Versuch nach Mitternacht pazifischer Zeit.") % args,
                raw=raw, http_status=status, retry_after_s=seconds_until_quota_reset(),
            )
        if status == 429 or reasons & RATE_REASONS:
            retry_after = exc.resp.get("retry-after", "")
            return RetryLater(
                _("YouTube begrenzt gerade die Zahl der Anfragen (%(reason)s).") % args,
                raw=raw, http_status=status,
                retry_after_s=float(retry_after) if retry_after.isdigit() else None,
            )
        if status == 401 or reasons & AUTH_REASONS:
            return AuthorizationFailed(
                _("YouTube hat die Anmeldung des Kontos nicht angenommen (%(reason)s): "
                  "%(message)s. Bitte das Konto neu verbinden.") % args,
                raw=raw, http_status=status,
            )
        if status >= 500:
            return RetryLater(
                _("YouTube meldet einen Serverfehler (%(status)s); der Upload wird beim nächsten "
                  "Versuch fortgesetzt.") % args,
                raw=raw, http_status=status,
            )
        return PermanentFailure(
            _("YouTube hat das Video abgelehnt (%(status)s, %(reason)s): %(message)s") % args,
            raw=raw, http_status=status,
        )
    if isinstance(exc, TRANSPORT_ERRORS):
        return RetryLater(
            _("YouTube hat nicht rechtzeitig geantwortet oder ist nicht erreichbar "
              "(%(error)s); der Upload wird beim nächsten Versuch fortgesetzt.")
            % {"error": exc or type(exc).__name__},
            raw=repr(exc),
        )
    raise exc


class _SessionWatcher:
    """Wraps the client's transport to report a new upload session's URI at once.

    google-api-python-client opens the session and sends the first chunk in one
    ``next_chunk()`` call; the URI must be saved in between.
    """

    def __init__(self, http: Any, on_session: Any) -> None:
        self._http = http
        self._on_session = on_session

    def request(self, uri: str, method: str = "GET", *args: Any, **kwargs: Any) -> Any:
        """Send the request; report a started resumable session's ``Location``."""
        resp, content = self._http.request(uri, method, *args, **kwargs)
        if (
            method == "POST"
            and "uploadType=resumable" in uri
            and resp.status == 200
            and "location" in resp
            and self._on_session is not None
        ):
            self._on_session(resp["location"])
        return resp, content

    def __getattr__(self, name: str) -> Any:
        return getattr(self._http, name)


class YouTubeAdapter:
    """Uploads one video per post to a YouTube channel."""

    network = "youtube"

    def __init__(self, chunk_size: int = DEFAULT_CHUNK_SIZE,
                 category_id: str = NEWS_AND_POLITICS) -> None:
        self.chunk_size = chunk_size
        self.category_id = category_id

    def _service(self, account: AccountConfig, on_session: Any = None) -> Any:
        document = json.loads(get_static_doc("youtube", "v3"))
        root = account.base_url.rstrip("/") + "/"
        document["rootUrl"] = root
        document["baseUrl"] = root + document.get("servicePath", "")
        http = httplib2.Http(timeout=account.timeout_s)
        # As googleapiclient's build_http(): 308 is "resume incomplete", not a redirect.
        http.redirect_codes = http.redirect_codes - {308}
        authorized = google_auth_httplib2.AuthorizedHttp(
            Credentials(account.credentials.get("access_token")),
            http=http,
            refresh_status_codes=(),
        )
        return build_from_document(document, http=_SessionWatcher(authorized, on_session))

    def _body(self, request: PublishRequest) -> dict[str, Any]:
        title = request.title or (request.text.strip().splitlines() or [""])[0]
        title = title.replace("<", "").replace(">", "").strip()[:MAX_TITLE]
        description = request.text
        if request.link and request.link not in description:
            description = f"{description}\n\n{request.link}" if description else request.link
        return {
            "snippet": {
                "title": title,
                "description": description.replace("<", "‹").replace(">", "›"),
                "tags": [request.marker] if request.marker else [],
                "categoryId": self.category_id,
            },
            "status": {
                "privacyStatus": request.privacy_status or "public",
                "selfDeclaredMadeForKids": False,
            },
        }

    def publish(
        self,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Upload the video (resuming a saved session), then set its thumbnail."""
        videos = [item for item in request.media if item.kind == "video"]
        if len(videos) != 1:
            raise PermanentFailure(_("Ein YouTube-Beitrag braucht genau ein Video."))
        video = videos[0]
        if state.get("video_id"):
            # Uploaded by an earlier attempt that failed afterwards.
            return Published(remote_id=state["video_id"], url=self._url(state["video_id"]),
                             raw={"id": state["video_id"], "resumed": True})

        def session_started(uri: str) -> None:
            save_state({**state, "upload_uri": uri})

        youtube = self._service(account, on_session=session_started)
        media = MediaFileUpload(video.path, mimetype=video.mime_type or None,
                                chunksize=self.chunk_size, resumable=True)
        insert = youtube.videos().insert(part="snippet,status", body=self._body(request),
                                         media_body=media)
        saved_uri = state.get("upload_uri")
        if saved_uri:
            insert.resumable_uri = saved_uri
            insert._in_error_state = True  # ask the session how far it got before sending
        response = None
        try:
            while response is None:
                _status, response = insert.next_chunk()
        except HttpError as exc:
            if saved_uri and exc.resp.status in (404, 410):
                return self._session_gone(account, request, save_state, exc)
            raise classify(exc) from exc
        except (RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify(exc) from exc
        video_id = str(response["id"])
        save_state({"video_id": video_id})
        raw = dict(response)
        if video.thumbnail_path:
            problem = self._set_thumbnail(youtube, video_id, video.thumbnail_path)
            if problem:
                raw["thumbnail_error"] = problem
        return Published(remote_id=video_id, url=self._url(video_id), raw=raw)

    def _session_gone(
        self, account: AccountConfig, request: PublishRequest, save_state: SaveState,
        exc: HttpError,
    ) -> Published:
        """The saved session expired: the video exists already, or must be uploaded again."""
        found = self.find_published(account, request)
        if found is not None:
            save_state({"video_id": found.remote_id})
            return found
        save_state({})
        raise RetryLater(
            _("Die YouTube-Upload-Sitzung ist abgelaufen; das Video wird beim nächsten Versuch "
              "neu hochgeladen."), raw=_error_body(exc), http_status=exc.resp.status,
            retry_after_s=0,
        ) from exc

    @staticmethod
    def _set_thumbnail(youtube: Any, video_id: str, path: str) -> str:
        """Set the custom thumbnail; return the German problem, or "" on success."""
        mime_type = mimetypes.guess_type(path)[0] or "image/jpeg"
        try:
            youtube.thumbnails().set(
                videoId=video_id, media_body=MediaFileUpload(path, mimetype=mime_type)
            ).execute()
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            reason = classify(exc).message_de
            return _("Das Video ist veröffentlicht, aber das Vorschaubild konnte nicht gesetzt "
                     "werden: %(reason)s") % {"reason": reason}
        return ""

    @staticmethod
    def _url(video_id: str) -> str:
        return f"https://www.youtube.com/watch?v={video_id}"

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        """The channel's recent upload tagged with this request's marker, if any."""
        youtube = self._service(account)
        try:
            channels = youtube.channels().list(part="contentDetails", mine=True).execute()
            items = channels.get("items") or []
            if not items:
                return None
            uploads = items[0]["contentDetails"]["relatedPlaylists"]["uploads"]
            listed = youtube.playlistItems().list(
                part="contentDetails", playlistId=uploads, maxResults=RECENT_UPLOADS
            ).execute()
            ids = [item["contentDetails"]["videoId"] for item in listed.get("items") or []]
            if not ids:
                return None
            videos = youtube.videos().list(part="snippet", id=",".join(ids)).execute()
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify(exc) from exc
        for item in videos.get("items") or []:
            snippet = item.get("snippet") or {}
            if request.marker in (snippet.get("tags") or []) or carries_marker(
                snippet.get("description"), request.marker
            ):
                return Published(remote_id=str(item["id"]), url=self._url(item["id"]), raw=item)
        return None
