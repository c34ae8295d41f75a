"""Publishing: from an approved post to one delivery per channel, each sent exactly once.

- ``plan``/``cancel`` are called by the review transitions (same transaction as the approval).
- ``claim_due`` is the scheduler's tick: it claims due deliveries with ``FOR UPDATE SKIP
  LOCKED`` and enqueues one short task per delivery after commit.
- ``send`` runs in a worker: it claims its delivery with a conditional update (if someone else
  has it, it stops), calls the network's adapter, and records the classified outcome.
- ``sweep`` puts back what was lost: queued deliveries whose task vanished (a flushed broker)
  and deliveries stuck in "sending" (a killed worker), which are looked up on the network
  before any retry, so nothing is published twice.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom import audit
from newsroom.models import NotificationKind, Post, PostStatus

from .adapters import adapter_for
from .adapters.base import (
    AccountConfig,
    AdapterError,
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    RetryLater,
)
from .models import (
    AccountHealth,
    ChannelAccount,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
)
from .requests import build_request
from .services import mark_reconnect_needed

logger = logging.getLogger(__name__)

audit.register_actions({
    "channels.delivery.published": gettext_lazy(
        "„%(object)s“ wurde veröffentlicht (Versuch %(attempt)s)."
    ),
    "channels.delivery.failed": gettext_lazy(
        "„%(object)s“ ist fehlgeschlagen: %(error)s"
    ),
    "channels.delivery.outcome_unknown": gettext_lazy(
        "Ergebnis von „%(object)s“ ist unklar: %(error)s"
    ),
    "channels.delivery.retry_requested": gettext_lazy(
        "%(actor)s hat einen neuen Versuch für „%(object)s“ angestoßen."
    ),
})

# States from which the scheduler picks deliveries up when they are due.
CLAIMABLE = (DeliveryStatus.PENDING, DeliveryStatus.OUTCOME_UNKNOWN)
# Posts whose deliveries may go out.
SENDABLE_POST_STATES = frozenset({
    PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.PUBLISHING, PostStatus.PARTLY_FAILED,
    PostStatus.FAILED, PostStatus.PUBLISHED,
})


def _now() -> datetime:
    return timezone.now()


# --- Planning -------------------------------------------------------------------------------
def plan(post: Post) -> None:
    """Create or re-plan one delivery per channel account of an approved post."""
    now = _now()
    due = post.scheduled_at or now
    accounts = list(post.channel_accounts.all())
    existing = {d.channel_account_id: d for d in Delivery.objects.filter(post=post)}
    for account in accounts:
        delivery = existing.get(account.pk)
        if delivery is None:
            Delivery.objects.create(
                post=post, channel_account=account, post_version=post.version,
                due_at=due, next_attempt_at=due,
            )
        elif delivery.status != DeliveryStatus.PUBLISHED:
            Delivery.objects.filter(pk=delivery.pk).exclude(
                status__in=(DeliveryStatus.PUBLISHED, DeliveryStatus.SENDING)
            ).update(
                status=DeliveryStatus.PENDING, post_version=post.version, due_at=due,
                next_attempt_at=due, last_error="", hold_reason="", updated_at=now,
            )
    Delivery.objects.filter(post=post).exclude(
        channel_account__in=accounts
    ).exclude(status__in=(DeliveryStatus.PUBLISHED, DeliveryStatus.SENDING)).update(
        status=DeliveryStatus.CANCELLED, updated_at=now
    )
    Post.objects.filter(pk=post.pk, status=PostStatus.APPROVED).update(
        status=PostStatus.SCHEDULED, status_changed_at=now
    )
    # Approved during a crisis: what falls into its scope is held at once.
    from crisis.services import hold_if_in_crisis

    hold_if_in_crisis(post)


def cancel(post: Post) -> None:
    """The approval no longer holds: nothing that has not gone out yet will go out."""
    Delivery.objects.filter(
        post=post,
        status__in=(DeliveryStatus.PENDING, DeliveryStatus.QUEUED, DeliveryStatus.HELD,
                    DeliveryStatus.FAILED, DeliveryStatus.OUTCOME_UNKNOWN),
    ).update(status=DeliveryStatus.CANCELLED, updated_at=_now())


# --- Scheduler tick -------------------------------------------------------------------------
def claim_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Claim due deliveries and enqueue a task for each once the claim has committed."""
    from .tasks import send_delivery

    now = now or _now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=CLAIMABLE, next_attempt_at__lte=now)
            .filter(_not_held_by_crisis(now))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Delivery.objects.filter(pk__in=ids, status__in=CLAIMABLE).update(
                status=DeliveryStatus.QUEUED, queued_at=now, updated_at=now
            )
            transaction.on_commit(lambda: [send_delivery.delay(pk) for pk in ids])
    return ids


def _not_held_by_crisis(now: datetime) -> Q:
    """Deliveries in the scope of a running crisis stay put (see the crisis module)."""
    from crisis.services import not_held_by_crisis

    return not_held_by_crisis(now)


def sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Recover deliveries whose task or worker was lost."""
    now = now or _now()
    requeued = Delivery.objects.filter(
        status=DeliveryStatus.QUEUED,
        queued_at__lt=now - timedelta(seconds=settings.NEWSROOM_QUEUED_STALE_AFTER_S),
    ).update(status=DeliveryStatus.PENDING, next_attempt_at=now, updated_at=now)
    stuck = Delivery.objects.filter(
        status=DeliveryStatus.SENDING,
        sending_started_at__lt=now - timedelta(seconds=settings.NEWSROOM_SENDING_STALE_AFTER_S),
    ).update(
        status=DeliveryStatus.OUTCOME_UNKNOWN, lookup_before_retry=True, next_attempt_at=now,
        last_error=_("Die Verbindung zum Arbeitsprozess ist abgerissen; vor einem neuen Versuch "
                     "wird beim Netzwerk nachgesehen, ob der Beitrag schon erschienen ist."),
        updated_at=now,
    )
    return {"requeued": requeued, "stuck": stuck}


# --- Sending --------------------------------------------------------------------------------
def send(delivery_id: int) -> str:
    """Send one claimed delivery. Returns what happened (for logs and tests)."""
    now = _now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.QUEUED).update(
        status=DeliveryStatus.SENDING, sending_started_at=now, attempts=F("attempts") + 1,
        updated_at=now,
    )
    if not claimed:
        return "not-claimed"
    # The department too: the audit entry of the outcome names it.
    delivery = Delivery.objects.select_related("post__department", "channel_account").get(
        pk=delivery_id
    )
    post, account = delivery.post, delivery.channel_account
    if post.status not in SENDABLE_POST_STATES or post.version != delivery.post_version:
        _finish(delivery, DeliveryStatus.CANCELLED, error=_(
            "Nicht gesendet: Der Beitrag wurde nach dem Einplanen geändert oder zurückgezogen."
        ))
        return "cancelled"
    if account.health != AccountHealth.OK:
        _finish(delivery, DeliveryStatus.HELD, hold_reason="account", error=_(
            "Angehalten: Der Kanal „%(account)s“ muss neu verbunden werden."
        ) % {"account": account.name})
        return "held"
    if post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED):
        # Only the post's first delivery moves it on; the others skip the write.
        Post.objects.filter(
            pk=post.pk, status__in=(PostStatus.APPROVED, PostStatus.SCHEDULED)
        ).update(status=PostStatus.PUBLISHING, status_changed_at=now)
    attempt = DeliveryAttempt.objects.create(delivery=delivery, number=delivery.attempts)
    adapter = adapter_for(account.network)
    config = account_config(account)
    request = build_request(delivery)
    try:
        published = None
        if delivery.lookup_before_retry:
            published = adapter.find_published(config, request)
        if published is None:
            published = adapter.publish(
                config, request, dict(delivery.adapter_state),
                lambda state: _save_state(delivery.pk, state),
            )
    except RetryLater as exc:
        outcome = _retry_later(delivery, exc, attempt)
    except OutcomeUnknown as exc:
        outcome = _outcome_unknown(delivery, exc, attempt)
    except AuthorizationFailed as exc:
        outcome = _authorization_failed(delivery, exc, attempt)
    except PermanentFailure as exc:
        outcome = _failed(delivery, exc.message_de, exc.raw, attempt)
    except Exception as exc:
        logger.exception("Delivery %s: unexpected error", delivery.pk)
        outcome = _outcome_unknown(delivery, AdapterError(
            _("Unerwarteter Fehler beim Senden (%(error)s); vor einem neuen Versuch wird "
              "nachgesehen, ob der Beitrag schon erschienen ist.") % {"error": type(exc).__name__},
            raw=repr(exc),
        ), attempt)
    else:
        outcome = _published(delivery, published, attempt)
    # Everything after recording the outcome is bookkeeping: it must never re-publish.
    try:
        refresh_post_status(post.pk)
    except Exception:
        logger.exception("Delivery %s: post status not refreshed", delivery.pk)
    return outcome


def account_config(account: ChannelAccount) -> AccountConfig:
    """What an adapter needs of a channel account: ids, API root, decrypted credentials."""
    return AccountConfig(
        network=account.network,
        external_id=account.external_id,
        base_url=account.base_url,
        credentials=account.get_credentials(),
        graph_version=settings.NEWSROOM_GRAPH_API_VERSION,
        timeout_s=settings.NEWSROOM_NETWORK_TIMEOUT_S,
    )


def _save_state(delivery_id: int, state: dict) -> None:
    # Its own write, committed at once: a crash right after must still find it.
    Delivery.objects.filter(pk=delivery_id).update(adapter_state=state, updated_at=_now())


def _close_attempt(attempt: DeliveryAttempt, outcome: str, message: str = "", raw="") -> None:
    DeliveryAttempt.objects.filter(pk=attempt.pk).update(
        finished_at=_now(), outcome=outcome, message=message[:2000], raw=_raw_text(raw)
    )


def _raw_text(raw) -> str:
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else repr(raw)
    return text[:10000]


def _finish(delivery: Delivery, status: str, *, error: str = "", raw="", hold_reason: str = "",
            next_attempt_at: datetime | None = None, lookup: bool = False) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
        status=status, last_error=error, last_error_raw=_raw_text(raw), hold_reason=hold_reason,
        next_attempt_at=next_attempt_at or delivery.next_attempt_at,
        lookup_before_retry=lookup, updated_at=_now(),
    )


def _published(delivery: Delivery, published: Published, attempt: DeliveryAttempt) -> str:
    now = _now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PUBLISHED, published_at=now, remote_id=published.remote_id,
            remote_url=published.url[:500], last_error="", last_error_raw="",
            lookup_before_retry=False, updated_at=now,
        )
        _close_attempt(attempt, "published", raw=published.raw)
        audit.log("channels.delivery.published", obj=delivery,
                  department=delivery.post.department,
                  data={"attempt": delivery.attempts, "remote_id": published.remote_id})
    return "published"


def backoff_delay(attempts: int, retry_after_s: float | None = None) -> float:
    """Exponential backoff with jitter, capped; never sooner than the network asked."""
    base = settings.NEWSROOM_RETRY_BASE_S * (2 ** max(0, attempts - 1))
    delay = min(settings.NEWSROOM_RETRY_CAP_S, base) * random.uniform(0.5, 1.0)  # noqa: S311
    return max(delay, retry_after_s or 0.0)


def _retry_later(delivery: Delivery, exc: RetryLater, attempt: DeliveryAttempt) -> str:
    if delivery.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS:
        return _failed(delivery, _("Nach %(count)s Versuchen aufgegeben: %(error)s")
                       % {"count": delivery.attempts, "error": exc.message_de}, exc.raw, attempt)
    delay = backoff_delay(delivery.attempts, exc.retry_after_s)
    _finish(delivery, DeliveryStatus.PENDING, error=exc.message_de, raw=exc.raw,
            next_attempt_at=_now() + timedelta(seconds=delay))
    _close_attempt(attempt, "retry_later", exc.message_de, exc.raw)
    return "retry"


def _outcome_unknown(delivery: Delivery, exc: AdapterError, attempt: DeliveryAttempt) -> str:
    if delivery.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS:
        # Stop trying; people decide (the dashboard shows it with a retry button).
        _finish(delivery, DeliveryStatus.OUTCOME_UNKNOWN, error=exc.message_de, raw=exc.raw,
                next_attempt_at=_now() + timedelta(days=3650), lookup=True)
    else:
        delay = backoff_delay(delivery.attempts)
        _finish(delivery, DeliveryStatus.OUTCOME_UNKNOWN, error=exc.message_de, raw=exc.raw,
                next_attempt_at=_now() + timedelta(seconds=delay), lookup=True)
    _close_attempt(attempt, "outcome_unknown", exc.message_de, exc.raw)
    with transaction.atomic():
        audit.log("channels.delivery.outcome_unknown", obj=delivery,
                  department=delivery.post.department, data={"error": exc.message_de[:300]})
        if delivery.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS:
            # Only when the retries stop: from now on a person has to decide.
            _notify_duty_editors(delivery, NotificationKind.DELIVERY_UNKNOWN, _(
                "Unklar, ob „%(title)s“ auf %(account)s erschienen ist: %(error)s"
            ) % {"title": delivery.post.title, "account": delivery.channel_account.name,
                 "error": exc.message_de})
    return "outcome_unknown"


def _failed(delivery: Delivery, message: str, raw, attempt: DeliveryAttempt) -> str:
    _finish(delivery, DeliveryStatus.FAILED, error=message, raw=raw)
    _close_attempt(attempt, "failed", message, raw)
    with transaction.atomic():
        audit.log("channels.delivery.failed", obj=delivery, department=delivery.post.department,
                  data={"error": message[:300]})
        _notify_duty_editors(delivery, NotificationKind.DELIVERY_FAILED, _(
            "„%(title)s“ konnte auf %(account)s nicht veröffentlicht werden: %(error)s"
        ) % {"title": delivery.post.title, "account": delivery.channel_account.name,
             "error": message})
    return "failed"


def _notify_duty_editors(delivery: Delivery, kind: str, message: str) -> None:
    """The duty editors hear of a delivery that needs a person (once per outcome)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from accounts.roles import Role
    from newsroom.notifications import notify

    duty_editors = get_user_model().objects.filter(
        is_active=True, memberships__role=Role.DUTY_EDITOR,
        memberships__department__is_active=True,
    ).distinct()
    notify(recipients=duty_editors, kind=kind, message=message, post=delivery.post,
           url=reverse("newsroom:post_detail", kwargs={"pk": delivery.post_id}))


def _authorization_failed(delivery: Delivery, exc: AuthorizationFailed,
                          attempt: DeliveryAttempt) -> str:
    """The token no longer works: hold everything of this account until it is reconnected."""
    _finish(delivery, DeliveryStatus.HELD, hold_reason="account", error=exc.message_de,
            raw=exc.raw)
    _close_attempt(attempt, "authorization_failed", exc.message_de, exc.raw)
    mark_reconnect_needed(delivery.channel_account, exc.message_de)
    return "held"


def refresh_post_status(post_id: int) -> None:
    """Derive the post's publishing status from its deliveries."""
    counts = dict(
        Delivery.objects.filter(post_id=post_id).exclude(status=DeliveryStatus.CANCELLED)
        .values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    if not counts:
        return
    total = sum(counts.values())
    published = counts.get(DeliveryStatus.PUBLISHED, 0)
    failed = counts.get(DeliveryStatus.FAILED, 0)
    if published == total:
        status = PostStatus.PUBLISHED
    elif published + failed == total:
        status = PostStatus.PARTLY_FAILED if published else PostStatus.FAILED
    elif published or counts.get(DeliveryStatus.SENDING) or counts.get(DeliveryStatus.QUEUED):
        status = PostStatus.PUBLISHING
    else:
        return
    Post.objects.filter(pk=post_id, status__in=SENDABLE_POST_STATES).exclude(
        status=status
    ).update(status=status, status_changed_at=_now())


def retry(*, actor, delivery: Delivery) -> None:
    """People ask for another try of a failed or unclear delivery (never of a published one)."""
    from accounts import permissions
    from newsroom.errors import InvalidState

    permissions.require(actor, "delivery.retry", delivery)
    now = _now()
    with transaction.atomic():
        # A permanent failure leaves nothing worth resuming (e.g. a container in ERROR).
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            adapter_state={}
        )
        updated = Delivery.objects.filter(
            pk=delivery.pk,
            status__in=(DeliveryStatus.FAILED, DeliveryStatus.OUTCOME_UNKNOWN),
        ).update(
            status=DeliveryStatus.PENDING, next_attempt_at=now, attempts=0,
            # Cheap insurance: a failed attempt may still have reached the network.
            lookup_before_retry=True,
            updated_at=now,
        )
        if not updated:
            raise InvalidState(_("Nur fehlgeschlagene oder unklare Auslieferungen lassen sich "
                                 "erneut versuchen."))
        audit.log("channels.delivery.retry_requested", actor=actor, obj=delivery,
                  department=delivery.post.department)


def retry_failed(*, actor, post: Post) -> int:
    """Retry only the deliveries of a post that failed or are unclear; never the published."""
    retried = 0
    for delivery in post.deliveries.filter(
        status__in=(DeliveryStatus.FAILED, DeliveryStatus.OUTCOME_UNKNOWN)
    ):
        retry(actor=actor, delivery=delivery)
        retried += 1
    return retried
