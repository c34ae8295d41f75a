"""Every URL × every role: logged out → login, wrong role → 403, other department's object → 404.

The rows live in ``tests/url_cases/``; ``test_every_url_is_in_the_table`` fails for a URL that
has none.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import Role

from .factories import DepartmentFactory, UserFactory, member
from .url_table import PERSONAS, World, all_cases, case_modules

# URLs that answer without login on purpose.
PUBLIC = {
    "healthz", "accounts:login", "set_language", "media", "api:schema", "api:token",
    # The website's feeds and published items are public by nature (the CMS imports them).
    # Authenticated by its secret token alone (tests/web/test_calendar.py).
    "newsroom:calendar_ics",
    "feeds:website_atom", "feeds:website_json", "feeds:website_item", "feeds:press_release",
    # The installable app's manifest, service worker and offline page hold nobody's data.
    "pwa:manifest", "pwa:offline", "service_worker",
    # The accessibility statement (BITV 2.0) must be reachable by anyone.
    "newsroom:accessibility",
}
URL_TABLE = all_cases()


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


def _api_methods():
    """(url name, method) of every API endpoint: each HTTP method a view answers counts."""
    resolver = get_resolver()
    for pattern, name in _api_patterns(resolver):
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            methods = set(actions)
        else:
            view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            methods = {
                method for method in getattr(view_class, "http_method_names", ())
                if hasattr(view_class, method)
            }
        for method in methods - {"head", "options"}:
            yield name, method


def _api_patterns(resolver, namespace=None):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_patterns(pattern, pattern.namespace or namespace)
        elif namespace == "api" and pattern.name:
            yield pattern, f"api:{pattern.name}"


def test_every_api_method_is_in_the_table():
    covered = {(case.name, case.method) for case in URL_TABLE} | {
        (name, method) for name, method in _api_methods() if name in PUBLIC
    }
    missing = sorted(set(_api_methods()) - covered)
    assert not missing, f"API endpoints (name, method) without a permission row: {missing}"


def test_the_table_reports_its_size(capsys):
    objects = len([case for case in URL_TABLE if case.other_kwargs is not None])
    # Rows of the three tests below: logged out, every role, other department's object.
    rows = len(URL_TABLE) * (1 + 6) + sum(
        len([p for p in PERSONAS if p in case.allowed])
        for case in URL_TABLE if case.other_kwargs is not None
    )
    with capsys.disabled():
        print(f"\npermission table: {len(URL_TABLE)} URL cases ({objects} with objects), "
              f"{rows} role × URL checks")
    assert rows > len(URL_TABLE)


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
    world = World(own=own, other=other, comms=comms, people=people)
    for module in case_modules():
        setup = getattr(module, "setup_world", None)
        if setup is not None:
            setup(world)
    return world


def _request(client, case, kwargs, world):
    url = reverse(case.name, kwargs=kwargs)
    data = case.data(world) if case.data else None
    if case.method == "get":
        return client.get(url, data), url
    if case.method in ("put", "patch"):
        return getattr(client, case.method)(url, data or {}, content_type="application/json"), url
    return getattr(client, case.method)(url, data or {}), url


def _as_each(client, world, personas, request_for):
    """Each persona's request in its own savepoint, rolled back afterwards, so one world serves
    all personas and a state-changing request of one does not change what the next one sees."""
    outcomes = {}
    for persona in personas:
        with transaction.atomic():
            client.force_login(world.people[persona])
            outcomes[persona] = request_for(persona)
            transaction.set_rollback(True)
        client.logout()
    return outcomes


@pytest.mark.parametrize("case", URL_TABLE, ids=str)
def test_logged_out_visitors_are_sent_to_login(client, world, case):
    response, url = _request(client, case, case.kwargs(world) if case.kwargs else {}, world)
    if url.startswith("/api/"):
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("case", URL_TABLE, ids=str)
def test_roles_get_what_their_role_allows(client, world, case):
    def expected(persona):
        if case.other_kwargs is not None and persona == "outsider":
            return 404  # someone of no department does not even find the object
        return case.ok_status if persona in case.allowed else case.forbidden_status

    outcomes = _as_each(client, world, PERSONAS, lambda persona: _request(
        client, case, case.kwargs(world) if case.kwargs else {}, world
    )[0])
    wrong = {
        persona: (response.status_code, expected(persona), response.content[:200])
        for persona, response in outcomes.items()
        if response.status_code != expected(persona)
    }
    assert not wrong, wrong


OBJECT_TABLE = [case for case in URL_TABLE if case.other_kwargs is not None]


@pytest.mark.parametrize("case", OBJECT_TABLE, ids=str)
def test_other_departments_objects_are_not_found(client, world, case):
    personas = [persona for persona in PERSONAS if persona in case.allowed]
    outcomes = _as_each(client, world, personas, lambda persona: _request(
        client, case, case.other_kwargs(world), world
    )[0])
    wrong = {}
    for persona, response in outcomes.items():
        expected = case.ok_status if persona in case.city_wide else 404
        if response.status_code != expected:
            wrong[persona] = (response.status_code, expected, response.content[:200])
    assert not wrong, wrong
