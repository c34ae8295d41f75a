"""Celery tasks of publishing. They take ids, are short, and are safe to run twice."""

from celery import shared_task

from newsroom.health import record_scheduler_tick

from . import dispatch


@shared_task(name="channels_publish.tasks.dispatch_due", ignore_result=True)
def dispatch_due() -> int:
    """The scheduler's tick: claim due deliveries and enqueue them (every few seconds)."""
    claimed = dispatch.claim_due()
    record_scheduler_tick()
    return len(claimed)


@shared_task(name="channels_publish.tasks.send_delivery", ignore_result=True, acks_late=True)
def send_delivery(delivery_id: int) -> str:
    """Send one delivery; a second copy of this task finds it claimed and does nothing."""
    return dispatch.send(delivery_id)


@shared_task(name="channels_publish.tasks.sweep_deliveries", ignore_result=True)
def sweep_deliveries() -> dict:
    """Put back deliveries whose task or worker was lost."""
    return dispatch.sweep()
