"""The reply outbox: an approved reply goes out exactly once, under the same faults as posts.

The reply row is the outbox entry. ``send`` claims it with a conditional update (queued →
sending); if the claim fails someone else has it. Outcomes are classified as for posts:
``RetryLater`` waits with backoff, ``OutcomeUnknown`` looks for the reply's marker on the
network (``find_reply``) before any new attempt, ``PermanentFailure`` stops, and
``AuthorizationFailed`` holds the reply until the account is reconnected. ``sweep`` recovers
replies whose task or worker was lost.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from channels_publish.adapters.base import (
    AdapterError,
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    RetryLater,
)
from channels_publish.adapters.inbound import ReplyRequest, inbound_adapter_for
from channels_publish.dispatch import account_config, backoff_delay
from channels_publish.models import AccountHealth, ChannelAccount
from channels_publish.signals import account_reconnected
from newsroom import audit
from newsroom.errors import Conflict, InvalidState

from ..models import (
    Conversation,
    ConversationStatus,
    Message,
    MessageDirection,
    Reply,
    ReplyStatus,
)
from .common import now

logger = logging.getLogger(__name__)

audit.register_actions({
    "inbox.reply.sent": gettext_lazy(
        "%(object)s wurde gesendet (Versuch %(attempt)s)."
    ),
    "inbox.reply.failed": gettext_lazy("%(object)s ist fehlgeschlagen: %(error)s"),
    "inbox.reply.outcome_unknown": gettext_lazy(
        "Ergebnis von %(object)s ist unklar: %(error)s"
    ),
    "inbox.reply.retry_requested": gettext_lazy(
        "%(actor)s hat einen neuen Versuch für %(object)s angestoßen."
    ),
    "inbox.reply.released": gettext_lazy(
        "Der Kanal „%(account)s“ ist neu verbunden: Die angehaltene %(object)s wird gesendet."
    ),
})

CLAIMABLE = (ReplyStatus.RETRY, ReplyStatus.OUTCOME_UNKNOWN)


def claim_due(*, at: datetime | None = None, limit: int = 200) -> list[int]:
    """Claim replies due for another attempt; enqueue one task each after commit."""
    from ..tasks import send_reply

    moment = at or now()
    with transaction.atomic():
        ids = list(
            Reply.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE, next_attempt_at__lte=moment)
            .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]
        )
        if ids:
            Reply.objects.filter(pk__in=ids, status__in=CLAIMABLE).update(
                status=ReplyStatus.QUEUED, queued_at=moment, updated_at=moment
            )
            transaction.on_commit(lambda: [send_reply.delay(pk) for pk in ids])
    return ids


def sweep(*, at: datetime | None = None) -> dict[str, int]:
    """Queued replies whose task vanished go back to the queue; replies stuck in "sending" (a
    killed worker) are looked up on the network before any new attempt."""
    moment = at or now()
    requeued = Reply.objects.filter(
        status=ReplyStatus.QUEUED,
        queued_at__lt=moment - timedelta(seconds=settings.NEWSROOM_QUEUED_STALE_AFTER_S),
    ).update(status=ReplyStatus.RETRY, next_attempt_at=moment, updated_at=moment)
    stuck = Reply.objects.filter(
        status=ReplyStatus.SENDING,
        sending_started_at__lt=moment - timedelta(
            seconds=settings.NEWSROOM_SENDING_STALE_AFTER_S),
    ).update(
        status=ReplyStatus.OUTCOME_UNKNOWN, lookup_before_retry=True, next_attempt_at=moment,
        last_error=_("Die Verbindung zum Arbeitsprozess ist abgerissen; vor einem neuen Versuch "
                     "wird nachgesehen, ob die Antwort schon erschienen ist."),
        updated_at=moment,
    )
    return {"requeued": requeued, "stuck": stuck}


def reply_request(reply: Reply) -> ReplyRequest:
    message = reply.in_reply_to
    conversation = reply.conversation
    return ReplyRequest(
        reply_id=reply.pk, marker=reply.marker, text=reply.text, kind=message.kind,
        in_reply_to_remote_id=message.remote_id, thread_key=conversation.thread_key,
        recipient_id=message.author.remote_id if message.author_id else "",
    )


def send(reply_id: int) -> str:
    """Send one claimed reply. Returns what happened (for logs and tests)."""
    moment = now()
    claimed = Reply.objects.filter(pk=reply_id, status=ReplyStatus.QUEUED).update(
        status=ReplyStatus.SENDING, sending_started_at=moment, attempts=F("attempts") + 1,
        updated_at=moment,
    )
    if not claimed:
        return "not-claimed"
    reply = Reply.objects.select_related(
        "conversation__channel_account", "conversation__department", "in_reply_to__author"
    ).get(pk=reply_id)
    account = reply.conversation.channel_account
    if account.health != AccountHealth.OK:
        _finish(reply, ReplyStatus.HELD, error=_(
            "Angehalten: Der Kanal „%(account)s“ muss neu verbunden werden."
        ) % {"account": account.name})
        return "held"
    adapter = inbound_adapter_for(account.network)
    config = account_config(account)
    request = reply_request(reply)
    try:
        published = None
        if reply.lookup_before_retry:
            published = adapter.find_reply(config, request)
        if published is None:
            published = adapter.send_reply(
                config, request, dict(reply.adapter_state),
                lambda state: Reply.objects.filter(pk=reply.pk).update(
                    adapter_state=state, updated_at=now()),
            )
    except RetryLater as exc:
        return _retry_later(reply, exc)
    except OutcomeUnknown as exc:
        return _outcome_unknown(reply, exc)
    except AuthorizationFailed as exc:
        return _authorization_failed(reply, exc)
    except PermanentFailure as exc:
        return _failed(reply, exc.message_de)
    except Exception as exc:
        logger.exception("Reply %s: unexpected error", reply.pk)
        return _outcome_unknown(reply, AdapterError(
            _("Unerwarteter Fehler beim Senden (%(error)s); vor einem neuen Versuch wird "
              "nachgesehen, ob die Antwort schon erschienen ist.") % {"error": type(exc).__name__}
        ))
    return _sent(reply, published)


def _finish(reply: Reply, status: str, *, error: str = "",
            next_attempt_at: datetime | None = None, lookup: bool = False) -> None:
    Reply.objects.filter(pk=reply.pk, status=ReplyStatus.SENDING).update(
        status=status, last_error=error[:2000], next_attempt_at=next_attempt_at,
        lookup_before_retry=lookup, updated_at=now(),
    )


def _sent(reply: Reply, published: Published) -> str:
    moment = now()
    conversation = reply.conversation
    with transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(
            status=ReplyStatus.SENT, sent_at=moment, remote_id=published.remote_id[:200],
            remote_url=published.url[:500], last_error="", lookup_before_retry=False,
            updated_at=moment,
        )
        # Our answer in the thread; a later fetch that sees it again adds nothing.
        try:
            with transaction.atomic():
                Message.objects.create(
                    conversation=conversation, channel_account=conversation.channel_account,
                    direction=MessageDirection.OUT, kind=reply.in_reply_to.kind,
                    remote_id=published.remote_id or f"reply-{reply.pk}",
                    parent_remote_id=reply.in_reply_to.remote_id, text=reply.text,
                    url=published.url[:500], created_at=moment,
                )
        except IntegrityError:
            pass
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        locked.first_answered_at = locked.first_answered_at or moment
        # The citizen may have written again after the message we answered: that still waits.
        newer = (Message.objects.filter(
            conversation=locked, direction=MessageDirection.IN,
            created_at__gt=reply.in_reply_to.created_at,
        ).order_by("created_at").values_list("created_at", flat=True).first())
        locked.waiting_since = newer
        locked.overdue_notified_at = None
        if locked.status != ConversationStatus.CLOSED:
            locked.status = (
                ConversationStatus.ANSWERED if newer is None
                else ConversationStatus.ASSIGNED if locked.assignee_id
                else ConversationStatus.NEW
            )
        locked.updated_at = moment
        locked.save(update_fields=["waiting_since", "first_answered_at", "status",
                                   "overdue_notified_at", "updated_at"])
        audit.log("inbox.reply.sent", obj=reply, department=conversation.department,
                  data={"attempt": reply.attempts, "remote_id": published.remote_id})
    return "sent"


def _retry_later(reply: Reply, exc: RetryLater) -> str:
    if reply.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS:
        return _failed(reply, _("Nach %(count)s Versuchen aufgegeben: %(error)s")
                       % {"count": reply.attempts, "error": exc.message_de})
    delay = backoff_delay(reply.attempts, exc.retry_after_s)
    _finish(reply, ReplyStatus.RETRY, error=exc.message_de,
            next_attempt_at=now() + timedelta(seconds=delay))
    return "retry"


def _outcome_unknown(reply: Reply, exc: AdapterError) -> str:
    if reply.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS:
        # Stop trying on our own; people decide (retry looks first).
        next_at = now() + timedelta(days=3650)
    else:
        next_at = now() + timedelta(seconds=backoff_delay(reply.attempts))
    _finish(reply, ReplyStatus.OUTCOME_UNKNOWN, error=exc.message_de, next_attempt_at=next_at,
            lookup=True)
    with transaction.atomic():
        audit.log("inbox.reply.outcome_unknown", obj=reply,
                  department=reply.conversation.department,
                  data={"error": exc.message_de[:300]})
    return "outcome_unknown"


def _failed(reply: Reply, message: str) -> str:
    _finish(reply, ReplyStatus.FAILED, error=message)
    with transaction.atomic():
        audit.log("inbox.reply.failed", obj=reply, department=reply.conversation.department,
                  data={"error": message[:300]})
    return "failed"


def _authorization_failed(reply: Reply, exc: AuthorizationFailed) -> str:
    from channels_publish.services import mark_reconnect_needed

    _finish(reply, ReplyStatus.HELD, error=exc.message_de)
    mark_reconnect_needed(reply.conversation.channel_account, exc.message_de)
    return "held"


RETRYABLE = (ReplyStatus.FAILED, ReplyStatus.OUTCOME_UNKNOWN, ReplyStatus.HELD)


def may_retry(reply: Reply) -> bool:
    """Whether people may ask for another attempt of this reply."""
    return reply.status in RETRYABLE


def retry(*, actor, reply: Reply) -> Reply:
    """People ask for another try of a failed, unclear or held reply (looking first)."""
    from ..tasks import send_reply

    permissions.require(actor, "conversation.handle", reply.conversation)
    moment = now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                updated = Reply.objects.filter(
                    pk=reply.pk, status__in=RETRYABLE,
                ).update(status=ReplyStatus.QUEUED, attempts=0, queued_at=moment,
                         next_attempt_at=moment, lookup_before_retry=True, updated_at=moment)
        except IntegrityError:
            # A failed reply is closed; meanwhile someone may have started a new one.
            raise Conflict(_("Für diese Unterhaltung gibt es schon eine neue Antwort; die "
                             "fehlgeschlagene lässt sich nicht mehr senden.")) from None
        if not updated:
            raise InvalidState(_("Nur fehlgeschlagene, unklare oder angehaltene Antworten "
                                 "lassen sich erneut versuchen."))
        audit.log("inbox.reply.retry_requested", actor=actor, obj=reply,
                  department=reply.conversation.department)
        transaction.on_commit(lambda: send_reply.delay(reply.pk))
    reply.refresh_from_db()
    return reply


def release_held(*, account: ChannelAccount, actor=None) -> list[int]:
    """Replies held for ``account`` (token revoked or expired) go out again once it is
    reconnected: each is due at once and looks on the network first, as any retry does.

    Called from ``account_reconnected`` inside the reconnect's transaction; the dispatch
    task (or the tasks enqueued after commit) sends them. Returns the released reply ids.
    """
    from ..tasks import send_reply

    moment = now()
    with transaction.atomic():
        held = list(
            Reply.objects.select_for_update(of=("self",))
            .filter(conversation__channel_account=account, status=ReplyStatus.HELD)
            .select_related("conversation__department").order_by("pk")
        )
        released = []
        for reply in held:
            updated = Reply.objects.filter(pk=reply.pk, status=ReplyStatus.HELD).update(
                status=ReplyStatus.QUEUED, attempts=0, queued_at=moment, next_attempt_at=moment,
                lookup_before_retry=True, last_error="", updated_at=moment,
            )
            if not updated:
                continue
            released.append(reply.pk)
            audit.log("inbox.reply.released", actor=actor, obj=reply,
                      department=reply.conversation.department,
                      data={"account": account.name})
        if released:
            transaction.on_commit(lambda: [send_reply.delay(pk) for pk in released])
    return released


@receiver(account_reconnected, dispatch_uid="inbox.release_held_replies")
def _release_on_reconnect(sender, account: ChannelAccount, actor=None, **kwargs) -> None:
    release_held(account=account, actor=actor)
