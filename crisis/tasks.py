"""Celery tasks of the crisis mode. Safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="crisis.tasks.end_due_crises", ignore_result=True)
def end_due_crises() -> list[int]:
    """End every crisis whose planned end time has come (every minute, from the beat)."""
    return services.end_due_crises()
