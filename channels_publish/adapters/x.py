"""X (Twitter) adapter: tweepy's API v2 client plus the v2 chunked media upload.

tweepy 4.17 hard-codes ``https://api.twitter.com``; a ``requests`` transport
adapter mounted on the session sends its requests to ``account.base_url`` (the
real ``https://api.x.com`` or the sandbox) and applies ``account.timeout_s``,
which tweepy itself has no option for.

Marker: nothing is added to the text. X counts characters and shows everything,
and it already refuses the same text from one account within a day, so the text
itself identifies our post: :meth:`XAdapter.find_published` matches the account's
recent posts by their text (URLs compared as placeholders, since X hands them
back as t.co links).

Resumable state: ``{"media": [{"id", "video", "expires_at", "alt"}, ...]}``,
saved after each attachment is uploaded and has its alt text (and also when
setting the alt text fails), so a retry reuses the media ids already uploaded
(uploading only the rest) and sets only the alt texts still missing. If any
saved id is about to expire, all are uploaded afresh.

Alt text: after each upload, ``POST /2/media/metadata`` (X API v2, operation
``createMediaMetadata`` in X's OpenAPI document) attaches the media item's alt
text (at most 1000 characters) to the media id, for images and videos alike.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import time
from collections.abc import Callable
from typing import Any

import requests
import tweepy
import urllib3
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter

from . import clients
from .base import (
    AccountConfig,
    AdapterError,
    AuthorizationFailed,
    MediaItem,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    PublishRequest,
    RetryLater,
    SaveState,
    comparable_text,
)

logger = logging.getLogger(__name__)

# Hosts tweepy and older code address; all are routed to the account's base URL.
X_HOSTS = ("https://api.twitter.com", "https://api.x.com", "https://upload.twitter.com")
DUPLICATE_CODE = 187
RECENT_POSTS = 50
DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
MEDIA_MARGIN_S = 600  # reuse saved media ids only while they are valid for a while longer
MAX_ALT_TEXT = 1000  # X's limit for alt_text.text


class _RouteToBaseUrl(HTTPAdapter):
    """Sends requests for X's hosts to ``base_url`` and enforces a timeout."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        """Rewrite the host (the OAuth signature stays that of the original URL), then send."""
        for host in X_HOSTS:
            if request.url and request.url.startswith(host + "/") and host != self.base_url:
                request.url = self.base_url + request.url[len(host) :]
                break
        kwargs["timeout"] = self.timeout_s
        return super().send(request, **kwargs)


def _raise_for_status(response: requests.Response) -> requests.Response:
    """Raise tweepy's exception for an error response, as ``tweepy.Client`` does."""
    status = response.status_code
    if 200 <= status < 300:
        return response
    errors: dict[int, type[tweepy.HTTPException]] = {
        400: tweepy.BadRequest,
        401: tweepy.Unauthorized,
        403: tweepy.Forbidden,
        404: tweepy.NotFound,
    }
    if status == 429:
        reset = response.headers.get("x-rate-limit-reset")
        raise tweepy.TooManyRequests(response, reset_time=int(reset) if reset else None)
    if status >= 500:
        raise tweepy.TwitterServerError(response)
    raise errors.get(status, tweepy.HTTPException)(response)


def _body(response: requests.Response | None) -> Any:
    if response is None:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _detail(exc: tweepy.HTTPException) -> str:
    body = _body(exc.response)
    if isinstance(body, dict):
        return str(body.get("detail") or body.get("message") or body.get("title") or "")
    return "; ".join(str(m) for m in exc.api_messages) or str(body or "")


def _retry_after(response: requests.Response) -> float | None:
    """Seconds to wait: ``Retry-After``, else ``x-rate-limit-reset`` minus now."""
    header = response.headers.get("Retry-After")
    if header and header.strip().isdigit():
        return float(header)
    reset = response.headers.get("x-rate-limit-reset")
    if reset and reset.strip().isdigit():
        return max(0.0, float(reset) - time.time())
    return None


def _not_sent(exc: requests.RequestException) -> bool:
    """Whether the connection failed before the request could reach X."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, urllib3.exceptions.NewConnectionError)


def classify(exc: Exception, *, creates: bool) -> AdapterError:
    """Turn a tweepy/requests exception into a classified adapter error.

    ``creates`` says whether the failed request could have published something
    (the post itself); uploads and reads can always be repeated safely.
    """
    if isinstance(exc, tweepy.TooManyRequests):
        wait = _retry_after(exc.response)
        return RetryLater(
            _("X begrenzt gerade die Zahl der Beiträge (429). Neuer Versuch in etwa "
              "%(seconds)d Sekunden.") % {"seconds": int(wait or 0)},
            raw=_body(exc.response), http_status=429, retry_after_s=wait,
        )
    if isinstance(exc, tweepy.Unauthorized):
        return AuthorizationFailed(
            _("X hat die Anmeldung des Kontos nicht angenommen (401): %(detail)s. Bitte das "
              "Konto neu verbinden.") % {"detail": _detail(exc)},
            raw=_body(exc.response), http_status=401,
        )
    if isinstance(exc, tweepy.Forbidden):
        body = _body(exc.response)
        detail = _detail(exc)
        code = body.get("code") if isinstance(body, dict) else None
        if code == DUPLICATE_CODE or DUPLICATE_CODE in exc.api_codes or "duplicate" in detail:
            return PermanentFailure(
                _("X lehnt doppelte Inhalte ab: Derselbe Text wurde von diesem Konto kürzlich "
                  "schon veröffentlicht. Bitte den Text ändern."),
                raw=body, http_status=403,
            )
        return PermanentFailure(
            _("X verweigert die Veröffentlichung (403): %(detail)s") % {"detail": detail},
            raw=body, http_status=403,
        )
    if isinstance(exc, tweepy.TwitterServerError):
        status = exc.response.status_code
        if creates:
            return OutcomeUnknown(
                _("X meldet einen Serverfehler (%(status)d); ob der Beitrag angelegt wurde, ist "
                  "unklar.") % {"status": status},
                raw=_body(exc.response), http_status=status,
            )
        return RetryLater(
            _("X meldet einen Serverfehler (%(status)d) beim Hochladen.") % {"status": status},
            raw=_body(exc.response), http_status=status, retry_after_s=_retry_after(exc.response),
        )
    if isinstance(exc, tweepy.HTTPException):
        status = exc.response.status_code
        return PermanentFailure(
            _("X hat die Anfrage abgelehnt (%(status)d): %(detail)s")
            % {"status": status, "detail": _detail(exc)},
            raw=_body(exc.response), http_status=status,
        )
    if isinstance(exc, requests.RequestException):
        if _not_sent(exc):
            return RetryLater(_("X ist nicht erreichbar: %(error)s") % {"error": exc}, raw=str(exc))
        if creates:
            return OutcomeUnknown(
                _("X hat nicht rechtzeitig geantwortet; ob der Beitrag angelegt wurde, ist "
                  "unklar: %(error)s") % {"error": exc},
                raw=str(exc),
            )
        return RetryLater(
            _("X hat beim Hochladen nicht rechtzeitig geantwortet: %(error)s") % {"error": exc},
            raw=str(exc),
        )
    raise exc


def _media_category(item: MediaItem, mime_type: str) -> str:
    if item.kind == "video":
        return "tweet_video"
    return "tweet_gif" if mime_type == "image/gif" else "tweet_image"


class XAdapter:
    """Publishes posts to X with OAuth 1.0a user context."""

    network = "x"

    def __init__(
        self,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        max_poll_interval_s: float = 5.0,
        max_polls: int = 60,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.chunk_size = chunk_size
        self.max_poll_interval_s = max_poll_interval_s
        self.max_polls = max_polls
        self.sleep = sleep

    # clients -----------------------------------------------------------------

    @staticmethod
    def _key(account: AccountConfig) -> tuple[Any, ...]:
        creds = account.credentials
        return (account.base_url.rstrip("/"), account.timeout_s, creds.get("consumer_key"),
                creds.get("consumer_secret"), creds.get("access_token"),
                creds.get("access_token_secret"))

    def _client(self, account: AccountConfig) -> tweepy.Client:
        """This thread's tweepy client for the account: its session keeps connections alive
        from one delivery to the next (see :mod:`.clients`)."""

        def create() -> tweepy.Client:
            creds = account.credentials
            client = tweepy.Client(
                consumer_key=creds.get("consumer_key"),
                consumer_secret=creds.get("consumer_secret"),
                access_token=creds.get("access_token"),
                access_token_secret=creds.get("access_token_secret"),
            )
            route = _RouteToBaseUrl(account.base_url, account.timeout_s)
            for prefix in ("https://", "http://"):
                client.session.mount(prefix, route)
            return client

        return clients.reuse("x", self._key(account), create=create,
                             close=lambda client: client.session.close())

    def _auth(self, account: AccountConfig) -> Any:
        """The OAuth 1.0a signer for the media requests, kept with the client."""

        def create() -> Any:
            creds = account.credentials
            return tweepy.OAuth1UserHandler(
                creds.get("consumer_key"),
                creds.get("consumer_secret"),
                creds.get("access_token"),
                creds.get("access_token_secret"),
            ).apply_auth()

        return clients.reuse("x-auth", self._key(account), create=create,
                             close=lambda auth: None)

    # publishing --------------------------------------------------------------

    def publish(
        self,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Upload the attachments (or reuse saved ones), then create the post."""
        client = self._client(account)
        try:
            media = self._attach_media(client, account, request, state, save_state)
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify(exc, creates=False) from exc
        state = {**state, "media": media} if media else state
        media_ids = [item["id"] for item in media] or None
        try:
            response = client.create_tweet(text=request.text, media_ids=media_ids, user_auth=True)
        except tweepy.BadRequest as exc:
            if media_ids and "media" in str(_body(exc.response)).lower():
                # Saved media ids expired or were refused: upload afresh on the next attempt.
                save_state({**state, "media": []})
                raise RetryLater(
                    _("X hat die hochgeladenen Medien nicht mehr angenommen; sie werden beim "
                      "nächsten Versuch neu hochgeladen."),
                    raw=_body(exc.response), http_status=400, retry_after_s=0,
                ) from exc
            raise classify(exc, creates=True) from exc
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify(exc, creates=True) from exc
        data = dict(response.data)
        return Published(remote_id=str(data["id"]), url=self._url(data["id"]), raw=data)

    @staticmethod
    def _url(tweet_id: str) -> str:
        return f"https://x.com/i/web/status/{tweet_id}"

    @staticmethod
    def _saved_media(state: dict[str, Any], count: int) -> list[dict[str, Any]]:
        """The saved uploads still usable (all or none), at most ``count`` of them."""
        media = list(state.get("media") or [])[:count]
        if any(item.get("expires_at", 0) < time.time() + MEDIA_MARGIN_S for item in media):
            return []
        return media

    def _attach_media(
        self,
        client: tweepy.Client,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> list[dict[str, Any]]:
        """Upload each attachment not yet uploaded and set its alt text, saving after each step."""
        media = self._saved_media(state, len(request.media))
        for item in media:
            if item["video"]:
                self._wait_for_processing(client, account, item["id"])
        for index, item in enumerate(request.media):
            changed = index == len(media)
            if changed:
                media.append({**self._upload(client, account, item), "alt": False})
            if not media[index].get("alt", True) and item.alt_text.strip():
                try:
                    self._set_alt_text(client, account, media[index]["id"], item.alt_text)
                except Exception:
                    save_state({**state, "media": media})  # the upload is kept for the retry
                    raise
                media[index] = {**media[index], "alt": True}
                changed = True
            if changed:
                # One write per attachment in the usual case (upload and alt text together).
                save_state({**state, "media": media})
        return media

    def _set_alt_text(
        self, client: tweepy.Client, account: AccountConfig, media_id: str, alt_text: str
    ) -> None:
        """``POST /2/media/metadata`` with the alt text (repeating it is harmless)."""
        url = account.base_url.rstrip("/") + "/2/media/metadata"
        _raise_for_status(client.session.post(
            url, auth=self._auth(account),
            json={"id": media_id, "metadata": {"alt_text": {"text": alt_text[:MAX_ALT_TEXT]}}},
        ))

    def _upload(
        self, client: tweepy.Client, account: AccountConfig, item: MediaItem
    ) -> dict[str, Any]:
        """The v2 chunked upload: initialize, append segments, finalize, wait if processing."""
        session = client.session
        auth = self._auth(account)
        base = account.base_url.rstrip("/") + "/2/media/upload"
        mime_type = item.mime_type or mimetypes.guess_type(item.path)[0] or ""
        total = os.path.getsize(item.path)
        started = _raise_for_status(session.post(
            base + "/initialize", auth=auth,
            json={"media_type": mime_type, "total_bytes": total,
                  "media_category": _media_category(item, mime_type)},
        )).json()["data"]
        media_id = str(started["id"])
        with open(item.path, "rb") as source:
            index = 0
            while chunk := source.read(self.chunk_size):
                _raise_for_status(session.post(
                    f"{base}/{media_id}/append", auth=auth,
                    data={"segment_index": str(index)},
                    files={"media": ("blob", chunk, "application/octet-stream")},
                ))
                index += 1
        finished = _raise_for_status(session.post(f"{base}/{media_id}/finalize",
                                                  auth=auth)).json()["data"]
        expires_at = time.time() + float(finished.get("expires_after_secs") or 86400)
        video = "processing_info" in finished
        if video:
            self._wait_for_processing(client, account, media_id, finished["processing_info"])
        return {"id": media_id, "video": video, "expires_at": expires_at}

    def _wait_for_processing(
        self,
        client: tweepy.Client,
        account: AccountConfig,
        media_id: str,
        info: dict[str, Any] | None = None,
    ) -> None:
        """Poll the upload's STATUS until X has processed the video (bounded)."""
        url = account.base_url.rstrip("/") + "/2/media/upload"
        auth = self._auth(account)
        for _poll in range(self.max_polls):
            if info is not None:
                state = info.get("state")
                if state == "succeeded":
                    return
                if state == "failed":
                    error = info.get("error") or {}
                    raise PermanentFailure(
                        _("X konnte das Video nicht verarbeiten: %(reason)s")
                        % {"reason": error.get("message") or error.get("name") or state},
                        raw=info,
                    )
                self.sleep(min(float(info.get("check_after_secs") or 1), self.max_poll_interval_s))
            response = _raise_for_status(client.session.get(
                url, params={"command": "STATUS", "media_id": media_id}, auth=auth,
            ))
            info = response.json()["data"].get("processing_info")
            if info is None:
                return
        raise RetryLater(
            _("X verarbeitet das Video noch; neuer Versuch später."), raw=info, retry_after_s=60
        )

    # looking up --------------------------------------------------------------

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        """The account's recent post with exactly this text, if any."""
        client = self._client(account)
        wanted = comparable_text(request.text)
        try:
            user_id = account.external_id or client.get_me(user_auth=True).data.id
            response = client.get_users_tweets(
                user_id, max_results=RECENT_POSTS, tweet_fields=["created_at"], user_auth=True
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify(exc, creates=False) from exc
        for tweet in response.data or []:
            if comparable_text(tweet.text) == wanted:
                return Published(remote_id=str(tweet.id), url=self._url(tweet.id),
                                 raw=dict(tweet.data))
        return None
