"""Background tasks of the newsroom core. Each takes ids and is safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .health import record_scheduler_tick


@shared_task(name="newsroom.tasks.scheduler_heartbeat", ignore_result=True)
def scheduler_heartbeat() -> None:
    """Record that the scheduler (beat) and a worker are alive; shown by /healthz."""
    record_scheduler_tick()


@shared_task(name="newsroom.tasks.enforce_retention", ignore_result=True)
def enforce_retention() -> dict[str, int]:
    """Delete or anonymise personal data past its retention period (newsroom/retention.py)."""
    from .retention import enforce_retention as enforce

    return enforce()


@shared_task(
    name="newsroom.tasks.send_notification_emails",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notification_emails(notification_ids: list[int]) -> None:
    """Mirror in-app notifications by email (each notification is mailed at most once).

    People who switched a kind's emails off (``pwa`` preferences) get it in the app only.
    """
    from pwa.services import wants_email

    from .models import Notification

    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient"):
        if not notification.recipient.email or not wants_email(notification):
            continue
        # Claim first, so a retry after a crash does not mail twice.
        claimed = Notification.objects.filter(
            pk=notification.pk, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            continue
        with override(settings.LANGUAGE_CODE):
            send_mail(
                subject=f"[Newsroom] {notification.get_kind_display()}",
                message=f"{notification.message}\n\n"
                f"{settings.NEWSROOM_BASE_URL}{notification.target_url}",
                from_email=None,
                recipient_list=[notification.recipient.email],
            )


@shared_task(name="newsroom.tasks.make_media_renditions", ignore_result=True)
def make_media_renditions(asset_id: int) -> None:
    """Make an image's renditions for each network (quietly does nothing if it is gone)."""
    from .services.media import build_renditions

    build_renditions(asset_id)


@shared_task(name="newsroom.tasks.remind_due_reviews", ignore_result=True)
def remind_due_reviews() -> int:
    """Remind approvers of posts in review that are due within two hours (once per review)."""
    from approvals.models import Review, ReviewStatus

    from .models import NotificationKind
    from .notifications import approvers_of, notify

    now = timezone.now()
    due = Review.objects.filter(
        status=ReviewStatus.OPEN,
        reminder_sent_at__isnull=True,
        post__scheduled_at__gt=now,
        post__scheduled_at__lte=now + timedelta(hours=2),
    ).select_related("post", "post__department")
    reminded = 0
    for review in due:
        with transaction.atomic():
            if not Review.objects.filter(pk=review.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            post = review.post
            minutes = int((post.scheduled_at - now).total_seconds() // 60)
            notify(
                recipients=approvers_of(post),
                kind=NotificationKind.REVIEW_REMINDER,
                message=_("Bald fällig: „%(title)s“ soll in %(minutes)s Minuten erscheinen und "
                          "wartet noch auf Freigabe.") % {"title": post.title, "minutes": minutes},
                post=post,
            )
            reminded += 1
    return reminded
