"""Data protection and accessibility pages: the record of processing (for administrators) and
the public accessibility statement (Erklärung zur Barrierefreiheit, BITV 2.0)."""

from __future__ import annotations

import csv
import io
import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from newsroom import navigation
from newsroom.retention import retention_days, retention_rules
from newsroom.timezones import BERLIN

ACTIONS = {
    "delete": gettext_lazy("löschen"),
    "anonymise": gettext_lazy("anonymisieren"),
    "keep": gettext_lazy("aufbewahren (Akte)"),
}


def processing_records() -> list[dict]:
    """The record of processing (Art. 30 DSGVO), one row per kind of personal data, built from
    the retention registry so every app's data appears as soon as it registers a rule."""
    rows = []
    for rule in retention_rules():
        days = retention_days(rule.key)
        rows.append({
            "key": rule.key,
            "label": str(rule.label),
            "purpose": str(rule.purpose),
            "personal_data": str(rule.personal_data),
            "data_subjects": str(rule.data_subjects),
            "legal_basis": str(rule.legal_basis),
            "retention_days": days if rule.purge is not None else None,
            "at_end": str(ACTIONS.get(rule.action, rule.action)),
            "enforced_automatically": rule.purge is not None,
        })
    return rows


_COLUMNS = (
    ("key", gettext_lazy("Schlüssel")), ("label", gettext_lazy("Datenart")),
    ("purpose", gettext_lazy("Zweck")),
    ("personal_data", gettext_lazy("Personenbezogene Daten")),
    ("data_subjects", gettext_lazy("Betroffene")),
    ("legal_basis", gettext_lazy("Rechtsgrundlage")),
    ("retention_days", gettext_lazy("Aufbewahrung (Tage)")),
    ("at_end", gettext_lazy("Nach Ablauf")),
    ("enforced_automatically", gettext_lazy("Automatisch durchgesetzt")),
)


@login_required
def processing_record(request):
    """What personal data the newsroom holds, why, and for how long (administrators)."""
    permissions.require(request.user, "admin.access")
    return render(request, "newsroom/privacy/processing.html", {"rows": processing_records()})


def _stamp() -> str:
    return timezone.localtime(timezone.now(), BERLIN).strftime("%Y%m%d")


@login_required
def processing_record_json(request):
    permissions.require(request.user, "admin.access")
    payload = {
        "controller": getattr(settings, "NEWSROOM_CONTROLLER_NAME", ""),
        "generated_at": timezone.now(),
        "records": processing_records(),
    }
    response = HttpResponse(
        json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="verarbeitungsverzeichnis-{_stamp()}.json"'
    )
    return response


@login_required
def processing_record_csv(request):
    permissions.require(request.user, "admin.access")
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(title) for _key, title in _COLUMNS])
    yes, no = _("ja"), _("nein")
    for row in processing_records():
        writer.writerow([
            (yes if row[key] else no) if key == "enforced_automatically"
            else ("" if row[key] is None else row[key])
            for key, _title in _COLUMNS
        ])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="verarbeitungsverzeichnis-{_stamp()}.csv"'
    )
    return response


# What the city fills in (settings ``NEWSROOM_ACCESSIBILITY``, a dict); the bracketed defaults
# make a missing entry visible on the page.
STATEMENT_DEFAULTS = {
    "organisation": "[Name der Stadtverwaltung]",
    "date": "[Datum der Erstellung]",
    "reviewed": "[Datum der letzten Überprüfung]",
    "method": "[Selbstbewertung / Prüfung durch …]",
    "contact_name": "[Ansprechperson]",
    "contact_email": "[barrierefreiheit@stadt.example]",
    "contact_phone": "[Telefonnummer]",
    "enforcement_body": "[Schlichtungs- bzw. Durchsetzungsstelle des Landes]",
    "enforcement_url": "",
    "known_issues": "",
}


def accessibility_statement(request):
    """The public accessibility statement (Erklärung zur Barrierefreiheit)."""
    statement = {**STATEMENT_DEFAULTS, **getattr(settings, "NEWSROOM_ACCESSIBILITY", {})}
    return render(request, "newsroom/privacy/accessibility.html", {"statement": statement})


navigation.ENTRIES.append(
    navigation.NavigationEntry(gettext_lazy("Datenschutz"), "newsroom:processing_record",
                               "admin.access")
)
