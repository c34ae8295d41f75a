"""Every URL × every role: logged out → login, wrong role → 403, other department's object → 404.

New URLs must be added to ``URL_TABLE``; ``test_every_url_is_in_the_table`` fails otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role

from .factories import DepartmentFactory, UserFactory, member

PERSONAS = ("editor", "head", "duty_editor", "community", "admin", "outsider")
EVERYONE = frozenset(PERSONAS)
# URLs that answer without login on purpose.
PUBLIC = {"healthz", "accounts:login", "set_language", "media"}


@dataclass
class World:
    own: object
    other: object
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


URL_TABLE: list[UrlCase] = [
    UrlCase("home", EVERYONE),
    UrlCase("accounts:password_change", EVERYONE),
    UrlCase("accounts:password_change_done", EVERYONE),
    UrlCase("accounts:logout", EVERYONE, ok_status=302, method="post"),
]


def _named_urls(resolver=None, namespace: str | None = None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                continue
            yield from _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_table():
    covered = {case.name for case in URL_TABLE} | PUBLIC
    missing = sorted(set(_named_urls()) - covered)
    assert not missing, f"URLs without a permission row: {missing}"


@pytest.fixture
def world(db) -> World:
    own = DepartmentFactory(number="57", name="Umweltamt")
    other = DepartmentFactory(number="66", name="Verkehr")
    comms = DepartmentFactory(number="13", name="Kommunikation")
    people = {
        "editor": member(Role.EDITOR, own, username="p-editor"),
        "head": member(Role.HEAD, own, username="p-head"),
        "duty_editor": member(Role.DUTY_EDITOR, comms, username="p-cvd"),
        "community": member(Role.COMMUNITY, own, username="p-community"),
        "admin": member(Role.ADMIN, comms, username="p-admin"),
        "outsider": UserFactory(username="p-outsider"),
    }
    return World(own=own, other=other, people=people)


def _request(client, case: UrlCase, kwargs: dict):
    url = reverse(case.name, kwargs=kwargs)
    return getattr(client, case.method)(url), url


CASES = [(case, persona) for case in URL_TABLE for persona in PERSONAS]


@pytest.mark.parametrize("case", URL_TABLE, ids=lambda c: c.name)
def test_logged_out_visitors_are_sent_to_login(client, world, case):
    response, url = _request(client, case, case.kwargs(world) if case.kwargs else {})
    if url.startswith("/api/"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("case", "persona"), CASES, ids=lambda v: getattr(v, "name", v))
def test_roles_get_what_their_role_allows(client, world, case, persona):
    client.force_login(world.people[persona])
    response, _url = _request(client, case, case.kwargs(world) if case.kwargs else {})
    expected = case.ok_status if persona in case.allowed else 403
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("case", "persona"),
    [(c, p) for c, p in CASES if c.other_kwargs is not None and p in c.allowed],
    ids=lambda v: getattr(v, "name", v),
)
def test_other_departments_objects_are_not_found(client, world, case, persona):
    client.force_login(world.people[persona])
    response, _url = _request(client, case, case.other_kwargs(world))
    # City-wide roles see every department's objects.
    expected = case.ok_status if persona in ("duty_editor", "admin") else 404
    assert response.status_code == expected
