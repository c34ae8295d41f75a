"""The main navigation: each entry appears only for people who may use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from accounts import permissions


@dataclass(frozen=True)
class NavigationEntry:
    label: str
    url_name: str
    action: str | None = None  # a permission rule; None: everyone logged in

    def visible_to(self, user) -> bool:
        return self.action is None or permissions.can(user, self.action)


# Apps append their entries here at import time (order of appearance).
ENTRIES: list[NavigationEntry] = [
    NavigationEntry(_("Start"), "home"),
    NavigationEntry(_("Meine Beiträge"), "newsroom:post_list", "posts.list"),
    NavigationEntry(_("Freigaben"), "approvals:queue", "review_queue.view"),
    NavigationEntry(_("Mediathek"), "newsroom:media_list", "media.library"),
    NavigationEntry(_("Kanäle"), "channels:accounts", "channels.list"),
    NavigationEntry(_("Protokoll"), "newsroom:audit_log", "audit.view"),
    NavigationEntry(_("Krise"), "crisis:index", "crisis.view"),
    NavigationEntry(_("Kalender"), "newsroom:calendar", "calendar.view"),
    NavigationEntry(_("Dashboard"), "newsroom:dashboard", "dashboard.view"),
]
TRAILING_ENTRIES: list[NavigationEntry] = [
    NavigationEntry(_("Verwaltung"), "admin:index", "admin.access"),
]


def navigation_for(request) -> list[dict]:
    items = []
    path = request.path
    for entry in [*ENTRIES, *TRAILING_ENTRIES]:
        if not entry.visible_to(request.user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        active = path == url if url == "/" else path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
