"""X inbound adapter: mentions and direct messages in, reply posts and DMs out.

Reading (tweepy ``Client`` with the host routed as in :mod:`.x`):

- ``get_users_mentions`` brings citizens' replies in the conversations of our posts
  (kind ``comment``, ``post_remote_id`` = the conversation's root when it is one of
  ``published_remote_ids``) and free mentions (kind ``mention``). ``thread_key`` is
  X's ``conversation_id``; ``parent_remote_id`` the post answered ("" when that is
  our post itself). Cursor ``{"mentions": {"since_id"}}``; one page per call, newest
  first: while a window is paged, ``until_id`` and the window's ``newest`` id are
  kept and ``more`` is set, so nothing between two fetches is skipped.
- ``get_direct_message_events`` has no ``since_id``: the cursor keeps the newest
  event id seen and pages back (``pagination_token``) until it reaches it. Our own
  messages come back with ``from_us``.

Writing: a reply is ``create_tweet(in_reply_to_tweet_id=…)``; an answer to a DM is
``create_direct_message(participant_id=…)``. **Marker**: X shows every character
and counts invisible ones against 280, so nothing is added to the text; a reply
is found again by what identifies it anyway: our post answering exactly that post
with exactly that text (:meth:`XInboundAdapter.find_reply` reads our recent posts),
or our DM with that text in that conversation. ``save_state`` records the attempt
before sending; a retry after an unclear outcome looks for the reply first.

Moderation: ``hide`` hides the reply (``hide_reply``; only replies in
conversations our account started). X does not let an account delete other
people's posts: ``delete`` raises :class:`~.base.PermanentFailure`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import requests
import tweepy
from django.utils.translation import gettext as _

from .base import (
    AccountConfig,
    AdapterError,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    RetryLater,
    SaveState,
    comparable_text,
)
from .inbound import (
    FetchResult,
    InboundItem,
    ModerationAction,
    ReplyRequest,
    earlier_reply_or_start,
)
from .x import XAdapter, _body, _detail, _not_sent, _retry_after, classify

PAGE_SIZE = 100
RECENT_POSTS = 100
TWEET_FIELDS = ["created_at", "author_id", "conversation_id", "referenced_tweets",
                "in_reply_to_user_id"]
DM_FIELDS = ["id", "text", "event_type", "created_at", "sender_id", "dm_conversation_id",
             "participant_ids"]
USER_FIELDS = ["username", "name"]


def classify_inbound(exc: Exception, *, creates: bool) -> AdapterError:
    """Like :func:`.x.classify`, with wording for reading and answering."""
    if isinstance(exc, tweepy.TooManyRequests):
        wait = _retry_after(exc.response)
        return RetryLater(
            _("X begrenzt gerade die Zahl der Anfragen (429). Neuer Versuch in etwa "
              "%(seconds)d Sekunden.") % {"seconds": int(wait or 0)},
            raw=_body(exc.response), http_status=429, retry_after_s=wait,
        )
    if isinstance(exc, tweepy.TwitterServerError):
        status = exc.response.status_code
        if creates:
            return OutcomeUnknown(
                _("X meldet einen Serverfehler (%(status)d); ob die Antwort gesendet wurde, "
                  "ist unklar.") % {"status": status},
                raw=_body(exc.response), http_status=status,
            )
        return RetryLater(
            _("X meldet einen Serverfehler (%(status)d); neuer Versuch später.")
            % {"status": status},
            raw=_body(exc.response), http_status=status, retry_after_s=_retry_after(exc.response),
        )
    if isinstance(exc, tweepy.Forbidden) and creates:
        return PermanentFailure(
            _("X lehnt die Antwort ab (403): %(detail)s") % {"detail": _detail(exc)},
            raw=_body(exc.response), http_status=403,
        )
    if isinstance(exc, requests.RequestException) and not _not_sent(exc):
        if creates:
            return OutcomeUnknown(
                _("X hat nicht rechtzeitig geantwortet; ob die Antwort gesendet wurde, ist "
                  "unklar: %(error)s") % {"error": exc},
                raw=str(exc),
            )
        return RetryLater(
            _("X hat nicht rechtzeitig geantwortet: %(error)s") % {"error": exc}, raw=str(exc)
        )
    return classify(exc, creates=creates)


def _aware(moment: datetime | None) -> datetime:
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _replied_to(tweet: Any) -> str:
    for reference in tweet.referenced_tweets or []:
        if reference.type == "replied_to":
            return str(reference.id)
    return ""


class XInboundAdapter:
    """Reads mentions and DMs of an X account and answers them."""

    network = "x"

    def __init__(self, page_size: int = PAGE_SIZE) -> None:
        self.page_size = page_size

    def _client(self, account: AccountConfig) -> tweepy.Client:
        return XAdapter()._client(account)

    @staticmethod
    def _user_id(client: tweepy.Client, account: AccountConfig) -> str:
        if account.external_id.isdigit():  # X user ids are numeric; anything else is a name
            return account.external_id
        return str(client.get_me(user_auth=True).data.id)

    # reading -----------------------------------------------------------------

    def fetch_inbound(
        self,
        account: AccountConfig,
        cursor: dict[str, Any],
        published_remote_ids: list[str],
    ) -> FetchResult:
        """One page of mentions and one of DMs newer than the cursor."""
        client = self._client(account)
        try:
            user_id = self._user_id(client, account)
            mentions, mentions_cursor, more_mentions = self._mentions(
                client, user_id, dict(cursor.get("mentions") or {}), set(published_remote_ids)
            )
            messages, dms_cursor, more_dms = self._messages(
                client, user_id, dict(cursor.get("dms") or {})
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify_inbound(exc, creates=False) from exc
        items = sorted(mentions + messages, key=lambda item: item.created_at)
        return FetchResult(items=items, cursor={"mentions": mentions_cursor, "dms": dms_cursor},
                           more=more_mentions or more_dms)

    def _mentions(
        self, client: tweepy.Client, user_id: str, window: dict[str, Any], published: set[str]
    ) -> tuple[list[InboundItem], dict[str, Any], bool]:
        response = client.get_users_mentions(
            user_id,
            since_id=window.get("since_id"),
            until_id=window.get("until_id"),
            max_results=max(5, min(100, self.page_size)),
            expansions=["author_id"],
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
            user_auth=True,
        )
        tweets = list(response.data or [])
        users = {str(user.id): user for user in (response.includes or {}).get("users", [])}
        meta = response.meta or {}
        newest = window.get("newest") or meta.get("newest_id") or window.get("since_id")
        if meta.get("next_token") and tweets:
            next_window = {"since_id": window.get("since_id"), "until_id": str(tweets[-1].id),
                           "newest": newest}
            more = True
        else:
            next_window = {"since_id": newest}
            more = False
        next_window = {key: value for key, value in next_window.items() if value}
        return [self._mention_item(t, users, user_id, published) for t in tweets], \
            next_window, more

    @staticmethod
    def _mention_item(tweet: Any, users: dict[str, Any], user_id: str,
                      published: set[str]) -> InboundItem:
        author = users.get(str(tweet.author_id))
        conversation = str(tweet.conversation_id or tweet.id)
        parent = _replied_to(tweet)
        on_ours = conversation in published
        handle = author.username if author else ""
        return InboundItem(
            kind="comment" if on_ours else "mention",
            remote_id=str(tweet.id),
            thread_key=conversation,
            text=tweet.text,
            created_at=_aware(tweet.created_at),
            author_id=str(tweet.author_id or ""),
            author_name=author.name if author else "",
            author_handle=handle,
            parent_remote_id="" if on_ours and parent == conversation else parent,
            post_remote_id=conversation if on_ours else "",
            url=f"https://x.com/{handle or 'i/web'}/status/{tweet.id}",
            from_us=str(tweet.author_id) == user_id,
            raw=dict(tweet.data),
        )

    def _messages(
        self, client: tweepy.Client, user_id: str, state: dict[str, Any]
    ) -> tuple[list[InboundItem], dict[str, Any], bool]:
        seen = int(state.get("newest") or 0)
        response = client.get_direct_message_events(
            dm_event_fields=DM_FIELDS,
            event_types="MessageCreate",
            expansions=["sender_id"],
            user_fields=USER_FIELDS,
            max_results=max(1, min(100, self.page_size)),
            pagination_token=state.get("token"),
            user_auth=True,
        )
        events = list(response.data or [])
        users = {str(user.id): user for user in (response.includes or {}).get("users", [])}
        top = int(state.get("top") or (events[0].id if events else seen) or 0)
        fresh = [event for event in events if int(event.id) > seen]
        reached_seen = len(fresh) < len(events)
        next_token = (response.meta or {}).get("next_token")
        if next_token and not reached_seen:
            next_state = {"newest": str(seen), "token": next_token, "top": str(top)}
            more = True
        else:
            next_state = {"newest": str(max(top, seen))}
            more = False
        items = []
        for event in fresh:
            sender = str(event.sender_id)
            author = users.get(sender)
            items.append(InboundItem(
                kind="message",
                remote_id=str(event.id),
                thread_key=str(event.dm_conversation_id),
                text=event.text or "",
                created_at=_aware(event.created_at),
                author_id=sender,
                author_name=author.name if author else "",
                author_handle=author.username if author else "",
                url=f"https://x.com/messages/{event.dm_conversation_id}",
                from_us=sender == user_id,
                raw=dict(event.data),
            ))
        return items, next_state, more

    # answering ---------------------------------------------------------------

    def send_reply(
        self,
        account: AccountConfig,
        request: ReplyRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Send the reply post or DM once; after an unclear attempt look for it first."""
        earlier = earlier_reply_or_start(self, account, request, state, save_state)
        if earlier is not None:
            return earlier
        client = self._client(account)
        try:
            if request.kind == "message":
                participant = request.recipient_id or self._participant(client, account,
                                                                        request.thread_key)
                response = client.create_direct_message(
                    participant_id=participant, text=request.text, user_auth=True
                )
                data = dict(response.data)
                return Published(remote_id=str(data["dm_event_id"]),
                                 url=f"https://x.com/messages/{data['dm_conversation_id']}",
                                 raw=data)
            response = client.create_tweet(
                text=request.text, in_reply_to_tweet_id=request.in_reply_to_remote_id,
                user_auth=True,
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify_inbound(exc, creates=True) from exc
        data = dict(response.data)
        return Published(remote_id=str(data["id"]),
                         url=f"https://x.com/i/web/status/{data['id']}", raw=data)

    def _participant(self, client: tweepy.Client, account: AccountConfig,
                     conversation_id: str) -> str:
        """The citizen's id in a one-to-one conversation ``low-high``."""
        user_id = self._user_id(client, account)
        others = [part for part in conversation_id.split("-") if part and part != user_id]
        if not others:
            raise PermanentFailure(
                _("Die Empfängerin oder der Empfänger der Direktnachricht ist unbekannt.")
            )
        return others[0]

    def find_reply(self, account: AccountConfig, request: ReplyRequest) -> Published | None:
        """Our post answering that post with that text, or our DM with that text."""
        client = self._client(account)
        wanted = comparable_text(request.text)
        try:
            user_id = self._user_id(client, account)
            if request.kind == "message":
                conversation = request.thread_key
                if not conversation and request.recipient_id:
                    low, high = sorted((int(user_id), int(request.recipient_id)))
                    conversation = f"{low}-{high}"
                response = client.get_direct_message_events(
                    dm_conversation_id=conversation, dm_event_fields=DM_FIELDS,
                    max_results=100, user_auth=True,
                )
                for event in response.data or []:
                    if str(event.sender_id) == user_id and comparable_text(event.text) == wanted:
                        return Published(remote_id=str(event.id),
                                         url=f"https://x.com/messages/{conversation}",
                                         raw=dict(event.data))
                return None
            response = client.get_users_tweets(
                user_id, max_results=RECENT_POSTS, tweet_fields=TWEET_FIELDS, user_auth=True
            )
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify_inbound(exc, creates=False) from exc
        for tweet in response.data or []:
            if _replied_to(tweet) == request.in_reply_to_remote_id and \
                    comparable_text(tweet.text) == wanted:
                return Published(remote_id=str(tweet.id),
                                 url=f"https://x.com/i/web/status/{tweet.id}",
                                 raw=dict(tweet.data))
        return None

    # moderation --------------------------------------------------------------

    def moderate(self, account: AccountConfig, remote_id: str, action: ModerationAction) -> None:
        """Hide a reply; deleting other people's posts is impossible on X."""
        if action == "delete":
            raise PermanentFailure(
                _("X erlaubt nicht, Beiträge anderer Personen zu löschen. Die Antwort kann nur "
                  "ausgeblendet werden.")
            )
        client = self._client(account)
        try:
            client.hide_reply(remote_id, user_auth=True)
        except tweepy.Forbidden as exc:
            raise PermanentFailure(
                _("X erlaubt nicht, diesen Beitrag auszublenden (403): %(detail)s. Ausblenden "
                  "geht nur bei Antworten in Unterhaltungen, die das Konto begonnen hat.")
                % {"detail": _detail(exc)},
                raw=_body(exc.response), http_status=403,
            ) from exc
        except (tweepy.TweepyException, requests.RequestException) as exc:
            raise classify_inbound(exc, creates=False) from exc
