"""The permission table's building blocks. Each module in ``tests/url_cases`` lists the URLs of
one area as ``CASES`` and may add the objects they need in ``setup_world(world)``."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("editor", "head", "duty_editor", "community", "admin", "outsider")
EVERYONE = frozenset(PERSONAS)
DEPARTMENT_MEMBERS = frozenset({"editor", "head", "duty_editor", "community", "admin"})
DRAFTERS = frozenset({"editor", "head", "duty_editor"})
APPROVERS = frozenset({"head", "duty_editor"})
# Roles that act in every department: another department's object is theirs to see, too.
CITY_WIDE = frozenset({"duty_editor", "admin"})


@dataclass
class World:
    own: object
    other: object
    comms: object
    people: dict[str, object]
    objects: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class UrlCase:
    name: str
    allowed: frozenset[str]
    kwargs: Callable[[World], dict] | None = None
    # For object URLs: the same URL pointed at another department's object answers 404.
    other_kwargs: Callable[[World], dict] | None = None
    ok_status: int = 200
    method: str = "get"
    data: Callable[[World], dict] | None = None
    # Personas who reach the object but whom a rule turns away (e.g. the author approving).
    forbidden_status: int = 403
    # Which personas see another department's object (default: the city-wide roles).
    city_wide: frozenset[str] = CITY_WIDE
    id: str = ""

    def __str__(self) -> str:
        return self.id or f"{self.method}:{self.name}"


def case_modules():
    from tests import url_cases

    for info in pkgutil.iter_modules(url_cases.__path__):
        yield importlib.import_module(f"tests.url_cases.{info.name}")


def all_cases() -> list[UrlCase]:
    return [case for module in case_modules() for case in module.CASES]
