"""Celery tasks of the analytics. Each takes ids, is safe to run twice, and is idempotent per
day (figures) or per hour (topics) or per month (reports)."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings

from .services import collection, reports, topics

# In the demo the first collection runs this long after the worker starts (instead of up to an
# hour later), when the demo's first post has been out on the sandbox for a few minutes.
DEMO_FIRST_COLLECTION_S = 5 * 60


@shared_task(name="analytics.tasks.collect_metrics", ignore_result=True)
def collect_metrics() -> int:
    """Enqueue one collection run per account that reports figures (hourly, from the beat)."""
    ids = collection.collectable_account_ids()
    for account_id in ids:
        collect_account_metrics.delay(account_id)
    return len(ids)


@shared_task(name="analytics.tasks.collect_account_metrics", ignore_result=True)
def collect_account_metrics(account_id: int) -> dict:
    """Read and store the figures of one account; a rate limit pauses it until the next run."""
    result = collection.collect_account(account_id)
    return {"collected": result.collected, "stopped": result.stopped, "skipped": result.skipped}


@shared_task(name="analytics.tasks.aggregate_topics", ignore_result=True)
def aggregate_topics() -> dict:
    """Count keywords of the last hours' citizens' messages and alert on surges."""
    return topics.aggregate_recent_hours()


@shared_task(name="analytics.tasks.send_monthly_reports", ignore_result=True)
def send_monthly_reports() -> int:
    """Send last month's report to every department that has not had it yet (daily)."""
    return len(reports.send_monthly_reports())


@worker_ready.connect
def collect_soon_in_demo(**_kwargs) -> bool:
    """In demo mode, collect figures once a few minutes after the worker starts."""
    if not settings.DEMO_MODE:
        return False
    collect_metrics.apply_async(countdown=DEMO_FIRST_COLLECTION_S)
    return True
