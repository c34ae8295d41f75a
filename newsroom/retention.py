"""How long the newsroom keeps each kind of personal data, in one place.

Apps register a :class:`RetentionRule` for every kind of personal data they hold
(at import time, from their ``apps.py`` ``ready()``). The periods come from the
``NEWSROOM_RETENTION_DAYS`` setting (environment ``NEWSROOM_RETENTION_DAYS``,
e.g. ``inbox.messages=180,audit.entries=3650``) and fall back to each rule's
default. The daily task :func:`newsroom.tasks.enforce_retention` calls
:func:`enforce_retention`, which asks every rule to delete or anonymise what is
older than its period and writes one audit entry with the counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit


@dataclass(frozen=True)
class RetentionRule:
    """One kind of personal data, why it is kept and how it is purged."""

    key: str  # dotted, e.g. "inbox.messages"
    label: str  # German, lazy: what is kept
    purpose: str  # German, lazy: why it is kept (record of processing)
    default_days: int
    # Deletes or anonymises everything older than the cutoff; returns how many items.
    purge: Callable[[datetime], int]
    personal_data: str = ""  # German, lazy: which personal data the kind contains
    action: str = "delete"  # "delete" or "anonymise": what happens at the end


_RULES: dict[str, RetentionRule] = {}


def register_retention(rule: RetentionRule) -> None:
    """Register (or replace, on re-import) the rule for one kind of data."""
    _RULES[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda rule: rule.key)


def retention_days(key: str) -> int:
    """The configured period for a kind of data, in days."""
    configured = getattr(settings, "NEWSROOM_RETENTION_DAYS", {}) or {}
    if key in configured:
        return int(configured[key])
    return _RULES[key].default_days


def enforce_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Purge every registered kind of data past its period; audit the counts."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in retention_rules():
        cutoff = now - timedelta(days=retention_days(rule.key))
        with transaction.atomic():
            counts[rule.key] = rule.purge(cutoff)
    if any(counts.values()):
        audit.log("newsroom.retention.enforced", data={"counts": counts})
    return counts
