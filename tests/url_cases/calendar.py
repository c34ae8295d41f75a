"""Permission rows for the calendar, its JSON feeds, the ICS settings and the dashboard.

The ICS feed itself (``newsroom:calendar_ics``) is public by design (the secret token in the
URL is its only authentication); it belongs in ``PUBLIC`` of ``test_url_permissions`` and is
tested in ``tests/web/test_calendar.py``.
"""

from datetime import timedelta

from django.utils import timezone

from tests.url_table import CITY_WIDE, DEPARTMENT_MEMBERS, DRAFTERS, UrlCase


def setup_world(world):
    from newsroom.services.posts import PostData, create_post
    from tests.factories import member

    for key, department in (("own", world.own), ("other", world.other)):
        author = member("editor", department, username=f"calendar-author-{key}")
        world.objects[f"calendar_post_{key}"] = create_post(
            actor=author, department=department,
            data=PostData(title=f"Kalender {key}",
                          scheduled_at=timezone.now() + timedelta(days=2)),
        )


def _own(world):
    return {"pk": world.objects["calendar_post_own"].pk}


def _other(world):
    return {"pk": world.objects["calendar_post_other"].pk}


def _move_data(world):
    return {"start": (timezone.now() + timedelta(days=4)).isoformat()}


CASES = [
    UrlCase("newsroom:calendar", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:calendar_events", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:calendar_warnings", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:calendar_list", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:calendar_feed_settings", DEPARTMENT_MEMBERS),
    UrlCase("newsroom:calendar_feed_settings", DEPARTMENT_MEMBERS, method="post",
            data=lambda world: {"action": "create"}, id="post:newsroom:calendar_feed_settings"),
    UrlCase("newsroom:calendar_move_check", DRAFTERS, kwargs=_own, other_kwargs=_other),
    UrlCase("newsroom:calendar_move", DRAFTERS, kwargs=_own, other_kwargs=_other,
            method="post", data=_move_data),
    UrlCase("newsroom:dashboard", CITY_WIDE),
]
