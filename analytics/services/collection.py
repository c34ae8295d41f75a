"""Collecting figures from the networks: one run per channel account.

A run reads the account's follower count and the lifetime figures of its deliveries published
within the collection window, in batches as large as the network allows. It stores one snapshot
per delivery and day, so it is idempotent: a second run on the same day reads only what the
first one did not get to (a run stopped by a rate limit resumes where it stopped) and sends no
request at all once everything of the day is stored. When the network asks us to wait
(``RetryLater``), the run stops and the account pauses until the time the network named.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from channels_publish.adapters.base import AdapterError, AuthorizationFailed, RetryLater
from channels_publish.adapters.metrics import PostMetrics, metrics_adapter_for
from channels_publish.models import AccountHealth, ChannelAccount, Delivery, DeliveryStatus
from newsroom import audit
from newsroom.calendar import BERLIN

from ..models import (
    FIGURE_FIELDS,
    CollectionState,
    DeliveryMetrics,
    FollowerSnapshot,
    MetricSnapshot,
)

logger = logging.getLogger(__name__)

audit.register_actions({
    "analytics.collection.paused": gettext_lazy(
        "Kennzahlen von „%(object)s“: Das Netzwerk bittet um eine Pause bis %(until)s."
    ),
})

# Deliveries are followed this long after publication; later figures hardly change.
DEFAULT_WINDOW_DAYS = 30
# Without a Retry-After the account pauses this long.
DEFAULT_PAUSE_S = 15 * 60


@dataclass
class CollectionResult:
    """What one run of one account did."""

    account_id: int
    skipped: str = ""  # why nothing was read ("paused", "no_adapter", "disabled")
    followers: int | None = None
    collected: int = 0
    requests: int = 0
    stopped: str = ""  # why the run stopped early
    paused_until: datetime | None = None
    errors: list[str] = field(default_factory=list)


def _window() -> timedelta:
    return timedelta(days=getattr(settings, "NEWSROOM_ANALYTICS_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))


def today(now: datetime | None = None):
    """The snapshot day: the date in Berlin."""
    return timezone.localtime(now or timezone.now(), BERLIN).date()


def due_deliveries(account: ChannelAccount, now: datetime):
    """Published deliveries of the account inside the window without today's snapshot."""
    return (
        Delivery.objects.filter(
            channel_account=account, status=DeliveryStatus.PUBLISHED,
            published_at__gte=now - _window(), published_at__lte=now,
        )
        .exclude(remote_id="")
        .exclude(metric_snapshots__day=today(now))
        .select_related("post")
        .order_by("published_at", "pk")
    )


def published_slot(published_at: datetime) -> dict:
    """The day, weekday (ISO) and hour in Berlin a delivery was published at."""
    local = timezone.localtime(published_at, BERLIN)
    return {"published_day": local.date(), "published_weekday": local.isoweekday(),
            "published_hour": local.hour}


def store_metrics(delivery: Delivery, metrics: PostMetrics, now: datetime) -> None:
    """Keep today's snapshot of a delivery and its latest figures (idempotent per day)."""
    values = {name: getattr(metrics, name) for name in FIGURE_FIELDS}
    with transaction.atomic():
        MetricSnapshot.objects.update_or_create(
            delivery=delivery, day=today(now), defaults={**values, "collected_at": now}
        )
        DeliveryMetrics.objects.update_or_create(
            delivery=delivery,
            defaults={
                **values,
                "post_id": delivery.post_id,
                "department_id": delivery.post.department_id,
                "channel_account_id": delivery.channel_account_id,
                "network": delivery.channel_account.network,
                "published_at": delivery.published_at,
                **published_slot(delivery.published_at),
                "collected_at": now,
            },
        )


def store_history(delivery: Delivery, readings: list[tuple[datetime, PostMetrics]]) -> int:
    """Keep the snapshots of earlier readings in one go (one per day, the day's last reading
    wins; days already stored stay as they are); the latest reading also becomes the
    delivery's figures through :func:`store_metrics`. Returns the number of days stored."""
    if not readings:
        return 0
    readings = sorted(readings, key=lambda reading: reading[0])
    by_day = {today(moment): (moment, metrics) for moment, metrics in readings}
    last_day = today(readings[-1][0])
    with transaction.atomic():
        stored = set(MetricSnapshot.objects.filter(delivery=delivery, day__in=list(by_day))
                     .values_list("day", flat=True))
        MetricSnapshot.objects.bulk_create([
            MetricSnapshot(delivery=delivery, day=day, collected_at=moment,
                           **{name: getattr(metrics, name) for name in FIGURE_FIELDS})
            for day, (moment, metrics) in by_day.items()
            if day not in stored and day != last_day
        ])
        moment, metrics = readings[-1]
        store_metrics(delivery, metrics, moment)
    return len(by_day)


def _pause(state: CollectionState, account: ChannelAccount, exc: RetryLater,
           now: datetime) -> datetime:
    wait = exc.retry_after_s if exc.retry_after_s is not None else DEFAULT_PAUSE_S
    until = now + timedelta(seconds=max(1.0, wait))
    with transaction.atomic():
        state.paused_until = until
        state.last_error = exc.message_de[:500]
        state.save(update_fields=["paused_until", "last_error"])
        audit.log("analytics.collection.paused", obj=account, data={
            "until": timezone.localtime(until, BERLIN).strftime("%d.%m.%Y %H:%M"),
            "error": exc.message_de[:300],
        })
    return until


def collect_account(account_id: int, now: datetime | None = None) -> CollectionResult:
    """Read and store the figures of one account (one run; see the module docstring)."""
    from channels_publish.dispatch import account_config

    now = now or timezone.now()
    result = CollectionResult(account_id=account_id)
    account = ChannelAccount.objects.filter(pk=account_id).first()
    if account is None or account.health == AccountHealth.DISABLED:
        result.skipped = "disabled"
        return result
    adapter = metrics_adapter_for(account.network)
    if adapter is None:
        result.skipped = "no_adapter"
        return result
    state, _created = CollectionState.objects.get_or_create(channel_account=account)
    if state.paused_until is not None and state.paused_until > now:
        result.skipped = "paused"
        result.paused_until = state.paused_until
        return result
    config = account_config(account)
    day = today(now)
    try:
        if not FollowerSnapshot.objects.filter(channel_account=account, day=day).exists():
            result.requests += 1
            followers = adapter.followers(config)
            FollowerSnapshot.objects.update_or_create(
                channel_account=account, day=day,
                defaults={"followers": followers, "collected_at": now},
            )
            result.followers = followers
        deliveries = list(due_deliveries(account, now))
        for start in range(0, len(deliveries), adapter.batch_size):
            batch = deliveries[start:start + adapter.batch_size]
            result.requests += 1
            try:
                found = adapter.post_metrics(config, [d.remote_id for d in batch])
            except RetryLater as exc:
                partial = getattr(exc, "partial", {})
                result.collected += _store_batch(
                    account, [d for d in batch if d.remote_id in partial], partial, now
                )
                raise
            result.collected += _store_batch(account, batch, found, now)
    except RetryLater as exc:
        result.stopped = "retry_later"
        result.paused_until = _pause(state, account, exc, now)
        return result
    except AuthorizationFailed as exc:
        from channels_publish.services import mark_reconnect_needed

        result.stopped = "authorization"
        result.errors.append(exc.message_de)
        mark_reconnect_needed(account, exc.message_de)
    except AdapterError as exc:
        result.stopped = "error"
        result.errors.append(exc.message_de)
        logger.warning("Metrics of account %s: %s", account.pk, exc.message_de)
    state.paused_until = None
    state.last_run_at = now
    state.last_error = (result.errors[0] if result.errors else "")[:500]
    state.save(update_fields=["paused_until", "last_run_at", "last_error"])
    return result


def _store_batch(account: ChannelAccount, batch: list[Delivery],
                 found: dict[str, PostMetrics], now: datetime) -> int:
    for delivery in batch:
        metrics = found.get(delivery.remote_id)
        if metrics is None:
            # Gone on the network: keep its last figures, stop asking today.
            metrics = _last_known(delivery)
        delivery.channel_account = account
        store_metrics(delivery, metrics, now)
    return len(batch)


def _last_known(delivery: Delivery) -> PostMetrics:
    latest = DeliveryMetrics.objects.filter(delivery=delivery).first()
    if latest is None:
        return PostMetrics()
    return PostMetrics(**{name: getattr(latest, name) for name in FIGURE_FIELDS})


def collectable_account_ids() -> list[int]:
    """Accounts on networks that report figures and that are not disabled."""
    from channels_publish.adapters.metrics import METRICS_ADAPTERS

    return list(
        ChannelAccount.objects.usable().filter(network__in=list(METRICS_ADAPTERS))
        .order_by("pk").values_list("pk", flat=True)
    )
