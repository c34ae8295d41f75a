"""Celery tasks of the citizens' inbox. Each takes ids (or nothing) and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="inbox.tasks.ingest_all", ignore_result=True)
def ingest_all() -> int:
    """Fetch comments, mentions and messages of every usable account (from the beat)."""
    from .services.ingest import ingest_all as run

    return sum(report.created for report in run())


@shared_task(name="inbox.tasks.ingest_account", ignore_result=True)
def ingest_account(account_id: int) -> int:
    """Fetch one account now (e.g. after it was reconnected)."""
    from .services.ingest import ingest_account as run

    return run(account_id).created


@shared_task(name="inbox.tasks.send_reply", ignore_result=True, acks_late=True,
             autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def send_reply(reply_id: int) -> str:
    """Send one approved reply; a reply someone else already claimed is left alone."""
    from .services.sending import send

    return send(reply_id)


@shared_task(name="inbox.tasks.dispatch_replies", ignore_result=True)
def dispatch_replies() -> dict:
    """Claim replies due for another attempt and recover lost replies and moderations
    (from the beat)."""
    from .services import moderation
    from .services.sending import claim_due, sweep

    swept = sweep()
    return {"claimed": len(claim_due()), **swept, **moderation.sweep()}


@shared_task(name="inbox.tasks.execute_moderation", ignore_result=True, acks_late=True,
             autoretry_for=(DatabaseError,), retry_backoff=True, max_retries=5)
def execute_moderation(moderation_id: int) -> str:
    """Hide or delete a citizen's comment after the second person approved. A copy that finds
    the moderation claimed does nothing; a lost one is re-queued by ``dispatch_replies``."""
    from .services.moderation import execute

    return execute(moderation_id)


@shared_task(name="inbox.tasks.notify_overdue", ignore_result=True)
def notify_overdue() -> int:
    """Tell people once about conversations waiting longer than the target (from the beat)."""
    from .services.figures import notify_overdue as run

    return run()


@shared_task(name="inbox.tasks.demo_citizens", ignore_result=True)
def demo_citizens() -> list[str]:
    """Demo mode only (from the beat): the demo's citizens write the next scenes on the
    sandbox, and the accounts they wrote to are fetched at once."""
    from django.conf import settings

    if not settings.DEMO_MODE:
        return []
    from .demo import play_citizens

    report = play_citizens()
    for account_id in sorted(report.account_ids):
        ingest_account.delay(account_id)
    return report.played
