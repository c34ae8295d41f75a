"""Background tasks of the app: one push task per notification."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="pwa.tasks.push_notification", ignore_result=True)
def push_notification(notification_id: int) -> str:
    """Send one notification to its recipient's devices (at most once; quiet if it is gone)."""
    from . import services

    return services.push_notification(notification_id)
