"""YouTube inbound adapter: comment threads in, replies out, moderation by status.

Client: the same ``build_from_document`` client as :mod:`.youtube` (root URL at
``account.base_url``, the OAuth access token as credential).

Reading: ``commentThreads.list(allThreadsRelatedToChannelId=…, order="time",
part="snippet,replies")`` over the whole channel, newest activity first, read back
to the cursor (at most ``MAX_PAGES`` of 100 threads per fetch); a thread with more
answers than the five YouTube nests is completed by ``comments.list(parentId=…)``.
``thread_key`` is the thread (= top-level comment) id, ``post_remote_id`` the
video id. The cursor is a time cursor as for Graph (``{"threads": {"since",
"seen"}}``, see :mod:`.graph_inbound`). YouTube has no direct messages.

Replies: ``comments.insert`` with ``snippet.parentId`` = the top-level comment
(YouTube answers only those; an answer to an answer goes to its thread).
**Marker**: YouTube comments allow 10,000 characters, so the marker is appended
invisibly as on Graph; :meth:`YouTubeInboundAdapter.find_reply` reads the thread's
answers and matches our channel's answer carrying the marker, or, should YouTube
ever strip the invisible characters, our answer with exactly the same text.

Moderation: ``hide`` holds the comment for review (``heldForReview``); ``delete``
rejects it (``rejected``): YouTube lets a channel delete only its own comments,
and a rejected comment is no longer shown to anyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext as _
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from .base import (
    AccountConfig,
    AdapterError,
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    RetryLater,
    SaveState,
    carries_marker,
    comparable_text,
    with_hidden_marker,
)
from .graph_inbound import TimeCursor, seconds
from .inbound import (
    FetchResult,
    InboundItem,
    ModerationAction,
    ReplyRequest,
    earlier_reply_or_start,
)
from .youtube import TRANSPORT_ERRORS, YouTubeAdapter, _error_body, classify

PAGE_SIZE = 100
MAX_PAGES = 20
MODERATION_STATUS = {"hide": "heldForReview", "delete": "rejected"}


def classify_inbound(exc: Exception, *, creates: bool) -> AdapterError:
    """Like :func:`.youtube.classify`, with wording (and ambiguity) for comments."""
    if isinstance(exc, HttpError):
        adapted = classify(exc)
        if isinstance(adapted, (AuthorizationFailed, RetryLater)) and exc.resp.status < 500:
            return adapted  # quota, rate limit, authorisation: as for uploads
        error = _error_body(exc)
        reasons = ", ".join(sorted({str(e.get("reason")) for e in error.get("errors") or []}))
        args = {"status": exc.resp.status, "reason": reasons or exc.resp.status,
                "message": error.get("message") or exc.reason or exc.resp.status}
        if exc.resp.status >= 500:
            if creates:
                return OutcomeUnknown(
                    _("YouTube meldet einen Serverfehler (%(status)s); ob die Antwort "
                      "gesendet wurde, ist unklar.") % args,
                    raw=error, http_status=exc.resp.status,
                )
            return RetryLater(
                _("YouTube meldet einen Serverfehler (%(status)s); neuer Versuch später.") % args,
                raw=error, http_status=exc.resp.status,
            )
        return PermanentFailure(
            _("YouTube hat die Anfrage abgelehnt (%(status)s, %(reason)s): %(message)s") % args,
            raw=error, http_status=exc.resp.status,
        )
    if isinstance(exc, TRANSPORT_ERRORS):
        if creates:
            return OutcomeUnknown(
                _("YouTube hat nicht rechtzeitig geantwortet; ob die Antwort gesendet wurde, "
                  "ist unklar: %(error)s") % {"error": exc or type(exc).__name__},
                raw=repr(exc),
            )
        return RetryLater(
            _("YouTube hat nicht rechtzeitig geantwortet oder ist nicht erreichbar: "
              "%(error)s") % {"error": exc or type(exc).__name__},
            raw=repr(exc),
        )
    return classify(exc)


def _time(value: str | None) -> datetime:
    if not value:
        return datetime.now(UTC)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _top_of(request: ReplyRequest) -> str:
    """The top-level comment to answer: the thread (reply ids are ``thread.reply``)."""
    return request.thread_key or request.in_reply_to_remote_id.split(".")[0]


class YouTubeInboundAdapter:
    """Reads a channel's comments, answers and moderates them."""

    network = "youtube"

    def _service(self, account: AccountConfig) -> Any:
        return YouTubeAdapter()._service(account)

    @staticmethod
    def _channel(youtube: Any, account: AccountConfig) -> str:
        if account.external_id.startswith("UC"):  # a channel id, not a handle
            return account.external_id
        items = youtube.channels().list(part="id", mine=True).execute().get("items") or []
        if not items:
            raise PermanentFailure(_("YouTube kennt zu diesem Konto keinen Kanal."))
        return str(items[0]["id"])

    # reading -------------------------------------------------------------------

    def fetch_inbound(
        self,
        account: AccountConfig,
        cursor: dict[str, Any],
        published_remote_ids: list[str],
    ) -> FetchResult:
        """Comments and answers on the channel newer than the cursor."""
        youtube = self._service(account)
        window = TimeCursor(cursor.get("threads"))
        items: list[InboundItem] = []
        try:
            channel = self._channel(youtube, account)
            token = None
            for _page in range(MAX_PAGES):
                page = youtube.commentThreads().list(
                    part="snippet,replies", allThreadsRelatedToChannelId=channel, order="time",
                    maxResults=PAGE_SIZE, textFormat="plainText", pageToken=token,
                ).execute()
                stale = False
                for thread in page.get("items") or []:
                    comments = self._thread_comments(youtube, thread)
                    newest = max(_time(c["snippet"].get("publishedAt")) for c in comments)
                    if window.since and seconds(newest) < window.since:
                        stale = True
                        break
                    items.extend(self._item(channel, thread, comment) for comment in comments
                                 if window.is_new(comment["id"],
                                                  _time(comment["snippet"].get("publishedAt"))))
                token = page.get("nextPageToken")
                if stale or not token:
                    break
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify_inbound(exc, creates=False) from exc
        items.sort(key=lambda item: item.created_at)
        return FetchResult(items=items, cursor={"threads": window.state()}, more=False)

    @staticmethod
    def _thread_comments(youtube: Any, thread: dict[str, Any]) -> list[dict[str, Any]]:
        snippet = thread.get("snippet") or {}
        top = snippet["topLevelComment"]
        replies = list((thread.get("replies") or {}).get("comments") or [])
        if int(snippet.get("totalReplyCount") or 0) > len(replies):
            replies, token = [], None
            for _page in range(MAX_PAGES):
                page = youtube.comments().list(part="snippet", parentId=thread["id"],
                                               maxResults=PAGE_SIZE, textFormat="plainText",
                                               pageToken=token).execute()
                replies.extend(page.get("items") or [])
                token = page.get("nextPageToken")
                if not token:
                    break
        return [top, *replies]

    @staticmethod
    def _item(channel: str, thread: dict[str, Any], comment: dict[str, Any]) -> InboundItem:
        snippet = comment["snippet"]
        video = snippet.get("videoId") or thread["snippet"].get("videoId") or ""
        author = str((snippet.get("authorChannelId") or {}).get("value") or "")
        handle = str(snippet.get("authorChannelUrl") or "").rsplit("/", 1)[-1]
        return InboundItem(
            kind="comment",
            remote_id=str(comment["id"]),
            thread_key=str(thread["id"]),
            text=snippet.get("textOriginal") or snippet.get("textDisplay") or "",
            created_at=_time(snippet.get("publishedAt")),
            author_id=author,
            author_name=str(snippet.get("authorDisplayName") or ""),
            author_handle=handle if handle.startswith("@") else "",
            parent_remote_id=str(snippet.get("parentId") or ""),
            post_remote_id=video,
            url=f"https://www.youtube.com/watch?v={video}&lc={comment['id']}",
            from_us=author == channel,
            is_hidden=snippet.get("moderationStatus", "published") != "published",
            raw=comment,
        )

    # answering -----------------------------------------------------------------

    def send_reply(
        self,
        account: AccountConfig,
        request: ReplyRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Answer the comment's thread once, marker hidden in the text."""
        if request.kind == "message":
            raise PermanentFailure(_("YouTube hat keine Direktnachrichten."))
        earlier = earlier_reply_or_start(self, account, request, state, save_state)
        if earlier is not None:
            return earlier
        youtube = self._service(account)
        body = {"snippet": {"parentId": _top_of(request),
                            "textOriginal": with_hidden_marker(request.text, request.marker)}}
        try:
            created = youtube.comments().insert(part="snippet", body=body).execute()
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify_inbound(exc, creates=True) from exc
        return Published(remote_id=str(created["id"]), url=self._url(created), raw=created)

    @staticmethod
    def _url(comment: dict[str, Any]) -> str:
        video = (comment.get("snippet") or {}).get("videoId", "")
        return f"https://www.youtube.com/watch?v={video}&lc={comment['id']}"

    def find_reply(self, account: AccountConfig, request: ReplyRequest) -> Published | None:
        """Our channel's answer in the thread carrying the marker (or the same text)."""
        youtube = self._service(account)
        wanted = comparable_text(request.text)
        try:
            channel = self._channel(youtube, account)
            token = None
            for _page in range(MAX_PAGES):
                page = youtube.comments().list(part="snippet", parentId=_top_of(request),
                                               maxResults=PAGE_SIZE, textFormat="plainText",
                                               pageToken=token).execute()
                for comment in page.get("items") or []:
                    snippet = comment["snippet"]
                    author = (snippet.get("authorChannelId") or {}).get("value")
                    text = snippet.get("textOriginal") or ""
                    if author == channel and (carries_marker(text, request.marker)
                                              or comparable_text(text) == wanted):
                        return Published(remote_id=str(comment["id"]), url=self._url(comment),
                                         raw=comment)
                token = page.get("nextPageToken")
                if not token:
                    break
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify_inbound(exc, creates=False) from exc
        return None

    # moderation ----------------------------------------------------------------

    def moderate(self, account: AccountConfig, remote_id: str, action: ModerationAction) -> None:
        """``hide``: hold for review; ``delete``: reject (``comments.setModerationStatus``)."""
        youtube = self._service(account)
        try:
            youtube.comments().setModerationStatus(
                id=remote_id, moderationStatus=MODERATION_STATUS[action]
            ).execute()
        except (HttpError, RefreshError, *TRANSPORT_ERRORS) as exc:
            raise classify_inbound(exc, creates=False) from exc
