"""Demo data of the citizens' inbox: routing rules and saved answers in the seed; the
conversations come from the demo's citizens on the networks sandbox.

``play_citizens`` (the periodic ``inbox.tasks.demo_citizens`` task, demo mode only) lets the
citizens of :mod:`channels_publish.demo_citizens` write on the sandbox; the regular ingest
brings what they wrote into the inbox, and replies sent from the demo reach the sandbox.
"""

from __future__ import annotations

import logging

import requests

from accounts.models import Department
from channels_publish import demo_citizens
from channels_publish.sandbox.control import SandboxControl, SandboxControlError

from .models import InboxCursor, RoutingMode, RoutingRule, SavedAnswer

logger = logging.getLogger(__name__)

RULES = [
    ("Verkehrsthemen", "ampel, baustelle, radweg, parken, rheinuferstraße, umleitung, sperrung",
     "66", RoutingMode.SUGGEST),
    ("Veranstaltungen", "stadtfest, konzert, museum", "41", RoutingMode.ASSIGN),
    ("Fundsachen", "fundbüro, verloren, liegen lassen", "32", RoutingMode.SUGGEST),
]

ANSWERS = [
    ("66", "Ampelstörung gemeldet",
     "Vielen Dank für Ihren Hinweis! Wir haben die Störung an die Verkehrstechnik "
     "weitergegeben."),
    ("57", "Sperrmüll",
     "Sperrmüll melden Sie ganz einfach online unter stadt.example/sperrmuell an."),
    ("57", "Baumpflanzaktion",
     "Kommen Sie einfach vorbei, eine Anmeldung ist nicht nötig. Spaten und Handschuhe "
     "stellen wir."),
    ("66", "Sperrung Rheinuferstraße",
     "Die Rheinuferstraße ist vom 1. bis 5. Dezember gesperrt; Anlieger kommen über die "
     "Hafenstraße zu ihren Grundstücken. Alle Umleitungen: stadt.example/baustellen"),
    ("41", "Stadtfest",
     "Danke für Ihre Nachricht! Das Programm des nächsten Stadtfests veröffentlichen wir im "
     "Frühjahr unter stadt.example/stadtfest."),
    ("32", "Fundbüro",
     "Fundsachen vom Stadtfest liegen im Fundbüro im Bürgerbüro am Markt, Mo–Fr 8–16 Uhr."),
]


def seed_inbox() -> list[str]:
    """Routing rules and saved answers of the demo (the conversations come from citizens)."""
    departments = {d.number: d for d in Department.objects.all()}
    for name, keywords, number, mode in RULES:
        if number in departments:
            RoutingRule.objects.get_or_create(
                name=name, defaults={"keywords": keywords, "department": departments[number],
                                     "mode": mode},
            )
    for number, title, text in ANSWERS:
        if number in departments:
            SavedAnswer.objects.get_or_create(department=departments[number], title=title,
                                              defaults={"text": text})
    return [f"Bürgerpostfach: {len(RULES)} Regeln, {len(ANSWERS)} Textbausteine; Bürger/innen "
            "schreiben in der Sandbox, sobald sie läuft"]


def play_citizens(control: SandboxControl | None = None,
                  limit: int = demo_citizens.SCENES_PER_RUN) -> demo_citizens.CitizensReport:
    """Let the demo's citizens write the next scenes on the sandbox.

    A sandbox that knows none of an account's citizens was (re)started since the last fetch:
    the account's inbox cursor starts over, as the old one points into the lost session.
    """
    accounts = demo_citizens.demo_accounts()
    if not accounts:
        return demo_citizens.CitizensReport()
    if control is None:
        control = SandboxControl(next(iter(accounts.values())).api_base_url)
    try:
        report = demo_citizens.play(control, limit=limit)
    except (requests.RequestException, SandboxControlError) as exc:
        logger.info("Demo citizens: sandbox not reachable (%s)", exc)
        return demo_citizens.CitizensReport()
    if report.fresh_account_ids:
        InboxCursor.objects.filter(channel_account_id__in=report.fresh_account_ids).exclude(
            cursor={}).update(cursor={})
    return report
