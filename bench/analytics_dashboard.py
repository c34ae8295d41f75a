#!/usr/bin/env python
"""How the analytics dashboards cope with a year of data.

Creates a throw-away SQLite database in a temporary folder (unless ``--configured-db``), fills
it with a year of published deliveries (four channels per post, spread over the year and over
several departments), a snapshot per delivery and day for the collection window (30 days after
publication) and a follower count per account and day, then measures the server time (median of
several requests through Django's test client) and the query count of the city-wide dashboard
(year, 28 days, CSV export) and a department's dashboard (year). Ends by printing ONE JSON line.

    .venv/bin/python bench/analytics_dashboard.py          # 20,000 deliveries
    .venv/bin/python bench/analytics_dashboard.py --quick  # 2,000 deliveries
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta

from django_setup import setup_django

DEPARTMENTS = 5
NETWORKS = ("facebook", "instagram", "x", "youtube")
SNAPSHOT_DAYS = 30
REPEATS = 5
BATCH = 5000


def _fill(deliveries: int) -> dict:
    """A year of posts with one delivery per network, their snapshots and follower counts."""
    from django.utils import timezone

    from accounts.roles import Role
    from analytics.models import DeliveryMetrics, FollowerSnapshot, MetricSnapshot
    from analytics.services.collection import published_slot, today
    from channels_publish.models import Delivery, DeliveryStatus
    from newsroom.models import Post, PostStatus
    from tests.factories import DepartmentFactory, channel, member

    rng = random.Random(7)
    now = timezone.now()
    first_day = today(now)
    departments = [DepartmentFactory(number=str(60 + i), name=f"Benchamt {i}")
                   for i in range(DEPARTMENTS)]
    comms = DepartmentFactory(number="13", name="Amt für Kommunikation")
    duty = member(Role.DUTY_EDITOR, comms, username="bench-cvd")
    head = member(Role.HEAD, departments[0], username="bench-head")
    accounts = {
        department.pk: [channel(network, department, name=f"{network} {department.number}")
                        for network in NETWORKS]
        for department in departments
    }
    posts = []
    for number in range(deliveries // len(NETWORKS)):
        department = departments[number % DEPARTMENTS]
        published_at = now - timedelta(seconds=rng.randrange(365 * 86400))
        posts.append(Post(department=department, title=f"Beitrag {number}", body="Bench",
                          status=PostStatus.PUBLISHED, scheduled_at=published_at,
                          approved_at=published_at))
    Post.objects.bulk_create(posts, batch_size=BATCH)
    rows = []
    for post in posts:
        for account in accounts[post.department_id]:
            rows.append(Delivery(
                post=post, channel_account=account, post_version=1,
                due_at=post.scheduled_at, next_attempt_at=post.scheduled_at,
                status=DeliveryStatus.PUBLISHED, published_at=post.scheduled_at,
                remote_id=f"r{post.pk}-{account.pk}",
            ))
    Delivery.objects.bulk_create(rows, batch_size=BATCH)
    snapshots, latest = [], []
    snapshot_count = 0
    for delivery in rows:
        peak = rng.randrange(500, 20_000)
        published_day = delivery.published_at.date()
        days = min(SNAPSHOT_DAYS, (first_day - published_day).days + 1)
        values = {}
        for day in range(days):
            share = 1 - 0.5 ** (day + 1)
            impressions = int(peak * share)
            values = {"impressions": impressions, "reach": impressions * 2 // 3,
                      "reactions": impressions // 30, "comments": impressions // 200,
                      "shares": impressions // 300, "clicks": impressions // 100}
            snapshots.append(MetricSnapshot(delivery=delivery,
                                            day=published_day + timedelta(days=day), **values))
        latest.append(DeliveryMetrics(
            delivery=delivery, post_id=delivery.post_id,
            department_id=delivery.post.department_id,
            channel_account_id=delivery.channel_account_id,
            network=delivery.channel_account.network, published_at=delivery.published_at,
            **published_slot(delivery.published_at), **values,
        ))
        if len(snapshots) >= BATCH * 4:
            MetricSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
            snapshot_count += len(snapshots)
            snapshots = []
    MetricSnapshot.objects.bulk_create(snapshots, batch_size=BATCH)
    snapshot_count += len(snapshots)
    DeliveryMetrics.objects.bulk_create(latest, batch_size=BATCH)
    followers = []
    for department_accounts in accounts.values():
        for account in department_accounts:
            base = rng.randrange(1000, 50_000)
            for day in range(366):
                followers.append(FollowerSnapshot(channel_account=account,
                                                  day=first_day - timedelta(days=365 - day),
                                                  followers=base + day * 7))
    FollowerSnapshot.objects.bulk_create(followers, batch_size=BATCH)
    return {"duty": duty, "head": head, "department": departments[0],
            "snapshots": snapshot_count, "follower_snapshots": len(followers),
            "deliveries": len(rows)}


def _measure(client, url: str) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (templates, caches)
    assert response.status_code == 200, (url, response.status_code)
    timings, queries = [], 0
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    return round(statistics.median(timings), 1), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 deliveries instead of 20,000")
    parser.add_argument("--deliveries", type=int, help="how many deliveries (default 20,000)")
    parser.add_argument("--configured-db", action="store_true",
                        help="use the configured database instead of a throw-away SQLite file")
    args = parser.parse_args()
    count = args.deliveries or (2000 if args.quick else 20_000)
    workdir = setup_django(args.configured_db)
    try:
        from django.db import transaction
        from django.test import Client
        from django.urls import reverse

        with transaction.atomic():
            started = time.perf_counter()
            world = _fill(count)
            result: dict = {
                "deliveries": world["deliveries"], "snapshots": world["snapshots"],
                "follower_snapshots": world["follower_snapshots"],
                "fill_s": round(time.perf_counter() - started, 1),
            }
            duty, head = Client(), Client()
            duty.force_login(world["duty"])
            head.force_login(world["head"])
            city = reverse("analytics:city")
            department = reverse("analytics:department", args=[world["department"].pk])
            for key, client, url in (
                ("city_year", duty, f"{city}?period=365"),
                ("city_28d", duty, f"{city}?period=28"),
                ("city_year_csv", duty, f"{city}?period=365&export=csv"),
                ("department_year", head, f"{department}?period=365"),
            ):
                result[f"{key}_ms"], result[f"{key}_queries"] = _measure(client, url)
            if args.configured_db:
                transaction.set_rollback(True)  # leave the configured database as it was
    finally:
        if workdir is not None:
            workdir.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
