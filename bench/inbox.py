#!/usr/bin/env python
"""The citizens' inbox: the list with many conversations, and the ingest rate from the sandbox.

Creates a throw-away SQLite database in a temporary folder (unless ``--configured-db``).

1. Fills it with conversations (one citizen message each) over five departments and measures
   the inbox list's server time (median of several requests through Django's test client) and
   query count: for the community management (everything), a department head (their
   department), with the overdue filter, a full-text search, and a late page.
2. Starts the networks sandbox in-process, publishes a few posts on a Facebook page there,
   has citizens write comments on them (and direct messages) in bulk, and ingests them through
   the real Facebook inbound adapter: items stored per minute, and a second fetch that must
   add nothing (idempotency).

Ends by printing ONE JSON line.

    .venv/bin/python bench/inbox.py          # 50,000 conversations, 5,000 inbound items
    .venv/bin/python bench/inbox.py --quick  # 2,000 conversations, 500 inbound items
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import time
from datetime import timedelta

from django_setup import setup_django

DEPARTMENTS = 5
REPEATS = 5
POSTS = 5
PAGE_ID = "104000000000555"
TOKEN = "bench-inbox-token"


TEXTS = [
    "Wann wird die Ampel am Marktplatz repariert?",
    "Danke für das schöne Stadtfest!",
    "Wo kann ich Sperrmüll anmelden?",
    "Die Baustelle an der Hauptstraße dauert ewig.",
    "Gibt es am Samstag Parkplätze am Rathaus?",
]


def _fill(count: int):
    """``count`` conversations with one citizen message each, spread over departments,
    networks, statuses and ages."""
    from django.utils import timezone

    from accounts.roles import Role
    from inbox.models import (
        CitizenAccount,
        Conversation,
        ConversationStatus,
        Message,
    )
    from tests.factories import DepartmentFactory, channel, member

    departments = [
        DepartmentFactory(number=str(600 + n), name=f"Bench-Amt {n}") for n in range(DEPARTMENTS)
    ]
    community = member(Role.COMMUNITY, departments[0], username="bench-community")
    head = member(Role.HEAD, departments[0], username="bench-inbox-head")
    accounts = [channel(network, *departments) for network in ("facebook", "instagram", "x")]
    citizens = CitizenAccount.objects.bulk_create(
        CitizenAccount(network="facebook", remote_id=f"bench-citizen-{n}", name=f"Bürger {n}")
        for n in range(500)
    )
    statuses = [ConversationStatus.NEW, ConversationStatus.ASSIGNED,
                ConversationStatus.ANSWERED, ConversationStatus.CLOSED]
    now = timezone.now()
    batch = 5000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            written = now - timedelta(minutes=3 * n)
            status = statuses[n % len(statuses)]
            waiting = written if status in (ConversationStatus.NEW,
                                            ConversationStatus.ASSIGNED) else None
            rows.append(Conversation(
                channel_account=accounts[n % len(accounts)], thread_key=f"bench-{n}",
                kind="comment", department=departments[n % DEPARTMENTS] if n % 7 else None,
                citizen=citizens[n % len(citizens)], status=status,
                preview=TEXTS[n % len(TEXTS)], first_message_at=written,
                last_message_at=written, waiting_since=waiting,
                first_answered_at=None if waiting else written + timedelta(hours=n % 30),
            ))
        conversations = Conversation.objects.bulk_create(rows)
        Message.objects.bulk_create(
            Message(conversation=c, channel_account_id=c.channel_account_id, direction="in",
                    kind="comment", remote_id=f"{c.thread_key}-1", author_id=c.citizen_id,
                    text=c.preview, created_at=c.first_message_at)
            for c in conversations
        )
    return community, head


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


def _list_figures(count: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    started = time.perf_counter()
    community, head = _fill(count)
    result: dict = {"conversations": count, "fill_s": round(time.perf_counter() - started, 1)}
    community_client, head_client = Client(), Client()
    community_client.force_login(community)
    head_client.force_login(head)
    url = reverse("inbox:list")
    pages = count // 50
    for key, client, target in (
        ("list_all", community_client, url),
        ("list_department", head_client, url),
        ("list_overdue", community_client, f"{url}?overdue=on"),
        ("list_search", community_client, f"{url}?q=Sperrm%C3%BCll"),
        ("list_late_page", community_client, f"{url}?page={max(1, pages - 1)}"),
    ):
        result[f"{key}_ms"], result[f"{key}_queries"] = _measure(client, target)
    queries = {result[f"{key}_queries"] for key in ("list_all", "list_department",
                                                   "list_late_page")}
    if len(queries) != 1:
        raise SystemExit(f"query count depends on the page or person: {result}")
    return result


def _ingest_figures(items: int) -> dict:
    """Ingest ``items`` citizen comments and messages from the sandbox's Facebook page."""
    from django.utils import timezone

    from channels_publish.adapters.base import PublishRequest
    from channels_publish.adapters.facebook import FacebookAdapter
    from channels_publish.dispatch import account_config
    from channels_publish.models import Delivery, DeliveryStatus
    from channels_publish.sandbox import SandboxControl, running_sandbox
    from inbox.models import Message
    from inbox.services.ingest import ingest_account
    from newsroom.models import Post, PostStatus
    from tests.factories import DepartmentFactory, channel

    department = DepartmentFactory(number="699", name="Bench-Ingest")
    with running_sandbox() as base_url:
        sandbox = SandboxControl(base_url)
        sandbox.reset()
        account = channel("facebook", department, name="Bench-Seite", external_id=PAGE_ID,
                          api_base_url=base_url)
        account.set_credentials({"access_token": TOKEN})
        account.save()
        remote_ids = []
        for n in range(POSTS):
            published = FacebookAdapter().publish(
                account_config(account),
                PublishRequest(delivery_id=n + 1, marker=f"bench-{n}", text=f"Beitrag {n}"),
                {}, lambda state: None,
            )
            post = Post.objects.create(department=department, title=f"Beitrag {n}",
                                       body="Text", status=PostStatus.PUBLISHED)
            Delivery.objects.create(
                post=post, channel_account=account, post_version=1, due_at=timezone.now(),
                next_attempt_at=timezone.now(), status=DeliveryStatus.PUBLISHED,
                remote_id=published.remote_id, published_at=timezone.now())
            remote_ids.append(published.remote_id)
        messages = items // 10
        sandbox.add_inbound_bulk(count=items - messages, network="facebook", on=remote_ids)
        sandbox.add_inbound_bulk(count=messages, network="facebook", kind="message",
                                 account=PAGE_ID)
        before = Message.objects.count()
        started = time.perf_counter()
        report = ingest_account(account.pk, max_pages=100_000)
        elapsed = time.perf_counter() - started
        stored = Message.objects.count() - before
        again = ingest_account(account.pk, max_pages=100_000)
    if report.error or stored != items or again.created:
        raise SystemExit(f"ingest wrong: stored {stored} of {items}, again {again.created}, "
                         f"error {report.error!r}")
    return {
        "ingest_items": items,
        "ingest_pages": report.pages,
        "ingest_s": round(elapsed, 2),
        "ingest_per_minute": round(items / elapsed * 60),
        "ingest_again_created": again.created,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="2,000 conversations and 500 inbound items")
    parser.add_argument("--conversations", type=int, default=None)
    parser.add_argument("--items", type=int, default=None)
    parser.add_argument("--configured-db", action="store_true",
                        help="use the configured database instead of a throw-away SQLite file")
    args = parser.parse_args()
    conversations = args.conversations or (2000 if args.quick else 50_000)
    items = args.items or (500 if args.quick else 5000)
    workdir = setup_django(args.configured_db)
    try:
        from django.db import transaction

        with transaction.atomic():
            result = _list_figures(conversations)
            if args.configured_db:
                transaction.set_rollback(True)
        # Each fetched page commits on its own, as in production (unless the configured
        # database must be left as it was).
        with transaction.atomic() if args.configured_db else contextlib.nullcontext():
            result.update(_ingest_figures(items))
            if args.configured_db:
                transaction.set_rollback(True)
    finally:
        if workdir is not None:
            workdir.cleanup()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
