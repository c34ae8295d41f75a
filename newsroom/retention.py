"""How long the newsroom keeps each kind of personal data, in one place.

Apps register a :class:`RetentionRule` for every kind of personal data they hold
(at import time, from their ``apps.py`` ``ready()``). The periods come from the
``NEWSROOM_RETENTION_DAYS`` setting (environment ``NEWSROOM_RETENTION_DAYS``,
e.g. ``inbox.messages=180,newsroom.audit_entries=3650``; the keys are those of
:func:`retention_rules`, listed on ``/privacy/processing/``) and fall back to each
rule's default. A period below a rule's ``minimum_days`` is never used, and the
system checks ``newsroom.E101``-``E103`` (``newsroom/checks.py``) refuse unknown keys
and too short periods at start-up. The daily task :func:`newsroom.tasks.enforce_retention` calls
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
from django.utils.translation import gettext_lazy as _

from . import audit


@dataclass(frozen=True)
class RetentionRule:
    """One kind of personal data, why it is kept and how it is purged."""

    key: str  # dotted, e.g. "inbox.messages"
    label: str  # German, lazy: what is kept
    purpose: str  # German, lazy: why it is kept (record of processing)
    default_days: int
    # Deletes or anonymises everything older than the cutoff; returns how many items.
    # None: kept as an official record without a period (only listed in the record of
    # processing; erased by pseudonymisation when a person leaves).
    purge: Callable[[datetime], int] | None
    personal_data: str = ""  # German, lazy: which personal data the kind contains
    action: str = "delete"  # "delete", "anonymise" or "keep": what happens at the end
    legal_basis: str = ""  # German, lazy: e.g. "Art. 6 Abs. 1 lit. e DSGVO"
    data_subjects: str = ""  # German, lazy: whose data (staff, citizens)
    # The shortest period that may be configured: records that must outlive a typo in the
    # environment (the audit log) set a higher floor.
    minimum_days: int = 1


_RULES: dict[str, RetentionRule] = {}


def register_retention(rule: RetentionRule) -> None:
    """Register (or replace, on re-import) the rule for one kind of data."""
    _RULES[rule.key] = rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_RULES.values(), key=lambda rule: rule.key)


def configured_retention_days() -> dict[str, int]:
    """``NEWSROOM_RETENTION_DAYS`` as configured (key → days), unchecked."""
    return dict(getattr(settings, "NEWSROOM_RETENTION_DAYS", {}) or {})


def retention_days(key: str) -> int:
    """The period for a kind of data, in days: configured or default, never below the minimum."""
    rule = _RULES[key]
    configured = configured_retention_days()
    days = int(configured[key]) if key in configured else rule.default_days
    if rule.purge is None:
        return days
    return max(days, rule.minimum_days)


def enforce_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Purge every registered kind of data past its period; audit the counts."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for rule in retention_rules():
        if rule.purge is None:
            continue
        cutoff = now - timedelta(days=retention_days(rule.key))
        with transaction.atomic():
            counts[rule.key] = rule.purge(cutoff)
    if any(counts.values()):
        audit.log("newsroom.retention.enforced", data={"counts": counts})
    return counts


# --- The newsroom core's own kinds of personal data -------------------------------------------
STAFF = _("Beschäftigte der Stadtverwaltung")
EMPLOYMENT = _("§ 26 BDSG / Landesdatenschutzgesetz (Beschäftigtendaten)")
PUBLIC_TASK = _("Art. 6 Abs. 1 lit. e DSGVO (Öffentlichkeitsarbeit der Stadt)")
CITIZENS = _("Bürger/innen, die der Stadt in sozialen Netzwerken schreiben")


def _purge_notifications(cutoff: datetime) -> int:
    from .models import Notification

    return Notification.objects.filter(created_at__lt=cutoff).delete()[0]


def _purge_audit_entries(cutoff: datetime) -> int:
    # Only the oldest part of the chain goes, as one prefix, so the rest stays verifiable.
    return audit.truncate_before(cutoff)


def _purge_calendar_feed_tokens(cutoff: datetime) -> int:
    from .models import CalendarFeedToken

    return CalendarFeedToken.objects.filter(revoked_at__lt=cutoff).delete()[0]


def register_core_rules() -> None:
    """The kinds of personal data the newsroom core holds (called from ``apps.ready``).

    Decisions: the audit log is the city's record of official acts (who published what, who
    approved it, sign-ins and failed sign-ins with the IP address); it is kept for three years
    by default and then removed from the oldest end only, so the hash chain of the rest stays
    verifiable. Failed sign-ins are part of it and cannot be removed earlier without breaking
    the chain; login lockouts (django-axes) and sessions belong to ``accounts``. Posts,
    comments and reviews are the department's records: they have no period; when a person
    leaves, ``newsroom.services.privacy.erase_staff_member`` pseudonymises the account.
    """
    register_retention(RetentionRule(
        key="newsroom.notifications",
        label=_("Benachrichtigungen"),
        purpose=_("Hinweise an Beschäftigte auf Aufgaben (Freigaben, Fehler, Krisen)."),
        personal_data=_("Empfänger/in, Text, gelesen/versandt am"),
        default_days=180,
        purge=_purge_notifications,
        legal_basis=EMPLOYMENT,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="newsroom.audit_entries",
        label=_("Protokoll (Audit-Log)"),
        purpose=_("Nachweis, wer wann was veröffentlicht, freigegeben oder geändert hat; "
                  "Auskünfte nach Informationsfreiheitsgesetz und an die Presse; "
                  "Erkennung von Missbrauch (auch fehlgeschlagene Anmeldungen)."),
        personal_data=_("Name der handelnden Person, IP-Adresse, Aktion, betroffenes Objekt, "
                        "bei fehlgeschlagenen Anmeldungen das betroffene Konto (ein unbekannter "
                        "Benutzername nur als verschlüsselte Kennung)"),
        default_days=1095,
        minimum_days=365,
        purge=_purge_audit_entries,
        legal_basis=_("Art. 6 Abs. 1 lit. c und e DSGVO (Aktenführung, Datensicherheit)"),
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="newsroom.calendar_feed_tokens",
        label=_("Widerrufene Kalender-Abos"),
        purpose=_("Persönliche Kalender-Abonnements; widerrufene werden nur kurz aufgehoben."),
        personal_data=_("Person, Zeitpunkt der Erstellung und des Widerrufs"),
        default_days=30,
        purge=_purge_calendar_feed_tokens,
        legal_basis=EMPLOYMENT,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="newsroom.posts",
        label=_("Beiträge, Kommentare und Freigaben"),
        purpose=_("Die Öffentlichkeitsarbeit der Ämter: Entwürfe, interne Kommentare, "
                  "Vier-Augen-Freigaben und Veröffentlichungen."),
        personal_data=_("Autor/in, Bearbeiter/innen, Freigebende, Kommentare mit Namen"),
        default_days=0,
        purge=None,
        action="keep",
        legal_basis=PUBLIC_TASK,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="newsroom.staff_accounts",
        label=_("Konten der Beschäftigten"),
        purpose=_("Anmeldung, Rollen und Zuständigkeiten im Newsroom."),
        personal_data=_("Name, Benutzername, E-Mail-Adresse, Rollen je Amt, letzte Anmeldung"),
        default_days=0,
        purge=None,
        action="keep",
        legal_basis=EMPLOYMENT,
        data_subjects=STAFF,
    ))
