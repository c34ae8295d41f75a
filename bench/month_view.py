#!/usr/bin/env python
"""The calendar under load: 10,000 posts in one month across all departments.

Measures, for a duty editor (who sees every department), the server time and query count of
the events JSON for the whole month grid and of the server-rendered list view (its first 14
days). Uses a throw-away SQLite database (``NEWSROOM_VAR_DIR`` in a temporary folder) unless
``DATABASE_URL`` is set. Prints ONE JSON line.

    .venv/bin/python bench/month_view.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPARTMENTS = 12
CHANNELS_PER_DEPARTMENT = 3
REPEATS = 3


def _setup_django() -> tempfile.TemporaryDirectory | None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    workdir = None
    if not os.environ.get("DATABASE_URL"):
        workdir = tempfile.TemporaryDirectory(prefix="newsroom-month-bench-")
        os.environ["NEWSROOM_VAR_DIR"] = workdir.name
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)
    return workdir


def _fill(count: int, month_start: datetime):
    """``count`` posts spread over the month, every department, every status, 1–2 channels."""
    from accounts.roles import Role
    from channels_publish.models import Delivery, DeliveryStatus
    from newsroom.models import Post, PostStatus
    from tests.factories import DepartmentFactory, channel, member

    departments = [DepartmentFactory(number=f"{700 + i}", name=f"Benchamt {i}")
                   for i in range(DEPARTMENTS)]
    networks = ("facebook", "instagram", "x")
    accounts = {
        d.pk: [channel(networks[j], d, name=f"{networks[j]} {d.number}")
               for j in range(CHANNELS_PER_DEPARTMENT)]
        for d in departments
    }
    duty = member(Role.DUTY_EDITOR, departments[0], username="bench-cvd")
    statuses = [PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.SCHEDULED,
                PostStatus.PUBLISHED, PostStatus.FAILED]
    minutes_in_month = 28 * 24 * 60
    posts = Post.objects.bulk_create(
        Post(department=departments[i % DEPARTMENTS], title=f"Beitrag {i}",
             status=statuses[i % len(statuses)],
             scheduled_at=month_start + timedelta(minutes=(i * 7919) % minutes_in_month))
        for i in range(count)
    )
    through = Post.channel_accounts.through
    links = []
    deliveries = []
    for i, post in enumerate(posts):
        own = accounts[post.department_id]
        for account in own[: 1 + i % 2]:
            links.append(through(post_id=post.pk, channelaccount_id=account.pk))
            if post.status in (PostStatus.SCHEDULED, PostStatus.PUBLISHED):
                deliveries.append(Delivery(
                    post_id=post.pk, channel_account_id=account.pk, post_version=1,
                    status=DeliveryStatus.HELD if i % 50 == 0 else DeliveryStatus.PENDING,
                    due_at=post.scheduled_at, next_attempt_at=post.scheduled_at,
                ))
    through.objects.bulk_create(links, batch_size=2000)
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    return duty


def _measure(client, url: str, params: dict) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url, params)  # warm-up
    assert response.status_code == 200, (url, response.status_code)
    timings, queries = [], 0
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return round(statistics.median(timings), 1), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 posts instead of 10,000")
    args = parser.parse_args()
    count = 1000 if args.quick else 10000
    workdir = _setup_django()
    try:
        from zoneinfo import ZoneInfo

        from django.test import Client
        from django.urls import reverse
        from django.utils import timezone

        berlin = ZoneInfo("Europe/Berlin")
        today = timezone.localtime(timezone.now(), berlin).date()
        first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        month_start = datetime(first.year, first.month, 1, tzinfo=berlin)
        duty = _fill(count, month_start)
        client = Client()
        client.force_login(duty)
        # The month grid: from the Monday before the 1st, six weeks.
        grid_start = month_start - timedelta(days=month_start.weekday())
        events_ms, events_queries = _measure(
            client, reverse("newsroom:calendar_events"),
            {"start": grid_start.isoformat(), "end": (grid_start + timedelta(days=42)).isoformat()},
        )
        events = client.get(reverse("newsroom:calendar_events"), {
            "start": grid_start.isoformat(),
            "end": (grid_start + timedelta(days=42)).isoformat(),
        }).json()
        list_ms, list_queries = _measure(
            client, reverse("newsroom:calendar_list"), {"from": month_start.date().isoformat()},
        )
        print(json.dumps({
            "posts": count,
            "events": len(events),
            "events_ms": events_ms,
            "events_queries": events_queries,
            "list_days": 14,
            "list_ms": list_ms,
            "list_queries": list_queries,
        }))
    finally:
        if workdir is not None:
            workdir.cleanup()


if __name__ == "__main__":
    main()
