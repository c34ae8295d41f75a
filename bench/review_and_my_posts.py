#!/usr/bin/env python
"""How "Meine Beiträge" (/posts/) and the review queue (/review/) cope with many posts in review.

Creates a throw-away SQLite database in a temporary folder (unless ``--configured-db``), fills
it with posts in review spread over several departments, and measures each page's server time
(median of several requests through Django's test client) and query count for a department
head and an editor. Ends by printing ONE JSON line.

    .venv/bin/python bench/review_and_my_posts.py          # 1,000 posts
    .venv/bin/python bench/review_and_my_posts.py --quick  # 100 posts
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import timedelta

from django_setup import setup_django

DEPARTMENTS = 5
REPEATS = 5


def _fill(count: int):
    """``count`` posts in review (with open reviews, channels, editors) over the departments."""
    from django.utils import timezone

    from accounts.roles import Role
    from approvals.models import Review
    from newsroom.models import Post, PostStatus, PostVariant
    from tests.factories import DepartmentFactory, channel, member

    departments = [
        DepartmentFactory(number=str(500 + n), name=f"Bench-Amt {n}") for n in range(DEPARTMENTS)
    ]
    head = member(Role.HEAD, departments[0], username="bench-head")
    editor = member(Role.EDITOR, departments[0], username="bench-editor")
    authors = [editor] + [
        member(Role.EDITOR, department, username=f"bench-editor-{n}")
        for n, department in enumerate(departments[1:], start=1)
    ]
    accounts = [
        (channel("facebook", department), channel("instagram", department))
        for department in departments
    ]
    now = timezone.now()
    posts = Post.objects.bulk_create(
        Post(
            department=departments[n % DEPARTMENTS],
            author=authors[n % DEPARTMENTS],
            title=f"Beitrag {n}",
            body=f"Text des Beitrags {n} #Bench",
            status=PostStatus.IN_REVIEW,
            scheduled_at=now + timedelta(days=2, minutes=n),
            created_at=now - timedelta(minutes=n),
            updated_at=now - timedelta(minutes=n),
        )
        for n in range(count)
    )
    Through = Post.channel_accounts.through
    Through.objects.bulk_create(
        Through(post_id=post.pk, channelaccount_id=account.pk)
        for n, post in enumerate(posts)
        for account in accounts[n % DEPARTMENTS]
    )
    Editors = Post.editors.through
    Editors.objects.bulk_create(
        Editors(post_id=post.pk, user_id=authors[n % DEPARTMENTS].pk)
        for n, post in enumerate(posts)
    )
    PostVariant.objects.bulk_create(
        PostVariant(post=post, network=network, text=post.body)
        for post in posts for network in ("facebook", "instagram")
    )
    Review.objects.bulk_create(
        Review(post=post, version=1, submitted_by=post.author, submitted_at=now,
               snapshot={"version": 1, "title": post.title, "body": post.body})
        for post in posts
    )
    return head, editor


def _measure(client, url: str) -> tuple[float, int] | None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm-up (templates, caches)
    if response.status_code == 404:
        return None
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
    parser.add_argument("--quick", action="store_true", help="100 posts instead of 1,000")
    parser.add_argument("--configured-db", action="store_true",
                        help="use the configured database instead of a throw-away SQLite file")
    args = parser.parse_args()
    count = 100 if args.quick else 1000
    workdir = setup_django(args.configured_db)
    try:
        from django.db import transaction
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        with transaction.atomic():
            head, editor = _fill(count)
            result: dict = {"posts": count}
            editor_client, head_client = Client(), Client()
            editor_client.force_login(editor)
            head_client.force_login(head)
            my_posts = reverse("newsroom:post_list")
            for key, client, url in (
                ("my_posts", editor_client, my_posts),
                ("my_posts_head", head_client, my_posts),
                ("department_posts", editor_client, f"{my_posts}?status=department"),
            ):
                measured = _measure(client, url)
                result[f"{key}_ms"], result[f"{key}_queries"] = measured
            try:
                queue_url = reverse("approvals:queue")
            except NoReverseMatch:
                queue_url = None
            measured = _measure(head_client, queue_url) if queue_url else None
            if measured is not None:
                result["review_queue_ms"], result["review_queue_queries"] = measured
            if args.configured_db:
                transaction.set_rollback(True)  # leave the configured database as it was
    finally:
        if workdir is not None:
            workdir.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
