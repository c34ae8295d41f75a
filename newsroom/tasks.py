"""Periodic housekeeping tasks of the newsroom core."""

from celery import shared_task

from .health import record_scheduler_tick


@shared_task(name="newsroom.tasks.scheduler_heartbeat", ignore_result=True)
def scheduler_heartbeat() -> None:
    """Record that the scheduler (beat) and a worker are alive; shown by /healthz."""
    record_scheduler_tick()
