"""Demo data modelled on a large German city: departments, people of every role, and (as
later parts of the newsroom add them) channels and posts. Never used in production mode."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Department
from accounts.roles import Role
from accounts.services import grant_membership

DEMO_PASSWORD = "newsroom-demo"

DEPARTMENTS = [
    # number, name, calendar colour
    ("13", "Amt für Kommunikation", "#1f5f8b"),
    ("32", "Ordnungsamt", "#5d4037"),
    ("37", "Feuerwehr", "#b71c1c"),
    ("41", "Kulturamt", "#6a1b9a"),
    ("53", "Gesundheitsamt", "#00695c"),
    ("57", "Umweltamt", "#2e7d32"),
    ("66", "Amt für Verkehrsmanagement", "#e65100"),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    roles: tuple[tuple[str, str], ...]  # (department number, role)


PEOPLE = [
    DemoPerson("redaktion.umwelt", "Lena", "Vogel", (("57", Role.EDITOR),)),
    DemoPerson("leitung.umwelt", "Jonas", "Hartmann", (("57", Role.HEAD),)),
    DemoPerson("redaktion.verkehr", "Mehmet", "Yilmaz", (("66", Role.EDITOR),)),
    DemoPerson("leitung.verkehr", "Sabine", "Krüger", (("66", Role.HEAD),)),
    DemoPerson("redaktion.feuerwehr", "Tobias", "Schäfer", (("37", Role.EDITOR),)),
    DemoPerson("leitung.feuerwehr", "Claudia", "Neumann", (("37", Role.HEAD),)),
    DemoPerson("redaktion.kultur", "Marie", "Lehmann", (("41", Role.EDITOR),)),
    DemoPerson("leitung.kultur", "Peter", "Wolf", (("41", Role.HEAD),)),
    DemoPerson("redaktion.gesundheit", "Aylin", "Demir", (("53", Role.EDITOR),)),
    DemoPerson("leitung.gesundheit", "Thomas", "Braun", (("53", Role.HEAD),)),
    DemoPerson("redaktion.ordnung", "Felix", "Zimmermann", (("32", Role.EDITOR),)),
    DemoPerson("leitung.ordnung", "Katrin", "Schulz", (("32", Role.HEAD),)),
    DemoPerson("redaktion.kommunikation", "Sophie", "Richter", (("13", Role.EDITOR),)),
    DemoPerson("leitung.kommunikation", "Andreas", "Fischer", (("13", Role.HEAD),)),
    DemoPerson("cvd", "Julia", "Weber", (("13", Role.DUTY_EDITOR),)),
    DemoPerson("cvd2", "Stefan", "Koch", (("13", Role.DUTY_EDITOR),)),
    DemoPerson(
        "community",
        "Nina",
        "Becker",
        tuple((number, Role.COMMUNITY) for number, _name, _colour in DEPARTMENTS),
    ),
    DemoPerson("admin", "Martin", "Meyer", (("13", Role.ADMIN),)),
]


class DemoRefused(Exception):
    pass


def seed_people() -> list[str]:
    User = get_user_model()
    departments = {}
    for number, name, colour in DEPARTMENTS:
        departments[number], _created = Department.objects.update_or_create(
            number=number, defaults={"name": name, "colour": colour, "is_active": True}
        )
    for person in PEOPLE:
        user, created = User.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@stadt.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        for number, role in person.roles:
            grant_membership(actor=None, user=user, department=departments[number], role=role)
    return [f"{len(DEPARTMENTS)} Ämter, {len(PEOPLE)} Personen"]


# Later parts of the newsroom append their seeding steps (channels, posts, inbox, figures).
SEED_STEPS: list[Callable[[], list[str]]] = [seed_people]


def register_seed_step(step: Callable[[], list[str]]) -> Callable[[], list[str]]:
    if step not in SEED_STEPS:
        SEED_STEPS.append(step)
    return step


def seed() -> list[str]:
    """Create (or top up) the demo data; returns a line of summary per step."""
    if settings.PRODUCTION:
        raise DemoRefused("Demo data are never created in production mode.")
    summary: list[str] = []
    with transaction.atomic():
        for step in SEED_STEPS:
            summary.extend(step())
    return summary


def already_seeded() -> bool:
    return Department.objects.filter(number=DEPARTMENTS[0][0]).exists()
