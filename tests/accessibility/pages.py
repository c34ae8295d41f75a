"""Every GET page of the app, derived from the permission table (tests/url_cases), so pages
other people add later are scanned without changes here.

Each page is visited by one persona allowed to see it (preferring a head of department, who
sees their department's data), with the objects the url_cases' ``setup_world`` created."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tests.url_table import all_cases

PREFERENCE = ("head", "duty_editor", "admin", "editor", "community", "outsider")
# Public pages, visited logged out.
PUBLIC_PAGES = ("accounts:login", "newsroom:accessibility")


@dataclass(frozen=True)
class PageRequest:
    id: str
    persona: str | None  # None: logged out
    url: str
    params: dict


def page_requests(world) -> list[PageRequest]:
    seen: set[str] = set()
    pages = [PageRequest(name, None, reverse(name), {}) for name in PUBLIC_PAGES]
    for case in all_cases():
        if case.method != "get" or case.ok_status != 200 or case.name.startswith("api:"):
            continue
        persona = next((p for p in PREFERENCE if p in case.allowed), None)
        if persona is None:
            continue
        url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else {})
        params = case.data(world) if case.data else {}
        key = f"{url}?{sorted(params.items())}"
        if key in seen:
            continue
        seen.add(key)
        pages.append(PageRequest(case.id or case.name, persona, url, params))
    return pages


def is_html(response) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html")
