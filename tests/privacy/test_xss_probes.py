"""XSS probes: hostile text in every text field people type comes back escaped on every page
that shows it (posts, variants, comments, review comments, notifications, calendar JSON and
ICS, audit log, inbox), and nowhere as markup."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from approvals import services as approvals
from newsroom.models import CalendarFeedToken
from newsroom.services import posts
from tests.accessibility.pages import is_html, page_requests
from tests.factories import channel, member
from tests.test_url_permissions import world  # noqa: F401 (fixture)

PAYLOAD = """x"'><script>alert("xss")</script><img src=x onerror=alert(1)><svg/onload=alert(2)>"""
# What must never appear in HTML: the payload's tags as markup.
RAW = ("<script>alert(", "<img src=x onerror", "<svg/onload")
ESCAPED = "&lt;script&gt;alert("


@pytest.fixture
def probes(world):  # noqa: F811
    own, head = world.own, world.people["head"]
    author = member(Role.EDITOR, own, username="xss-author")
    account = channel("facebook", own)
    draft = posts.create_post(actor=author, department=own, data=posts.PostData(
        title=f"T {PAYLOAD}"[:200], body=f"B {PAYLOAD}", campaign=f"C {PAYLOAD}"[:100],
        channel_account_ids=[account.pk],
        scheduled_at=timezone.now() + timedelta(days=2),
        variants={"facebook": posts.VariantData(text=f"V {PAYLOAD}")},
    ))
    posts.add_comment(actor=author, post=draft, text=f"K {PAYLOAD}")
    reviewed = posts.create_post(actor=author, department=own, data=posts.PostData(
        title=f"R {PAYLOAD}"[:200], body="Text", channel_account_ids=[account.pk],
        scheduled_at=timezone.now() + timedelta(days=3),
    ))
    approvals.submit_for_review(actor=author, post=reviewed)
    approvals.request_changes(actor=head, post=reviewed, comment=f"Ä {PAYLOAD}")
    in_review = posts.create_post(actor=author, department=own, data=posts.PostData(
        title=f"Q {PAYLOAD}"[:200], body=f"B {PAYLOAD}", channel_account_ids=[account.pk],
    ))
    approvals.submit_for_review(actor=author, post=in_review)
    _inbox_probes(world, account)
    return {"draft": draft, "reviewed": reviewed, "in_review": in_review, "author": author}


def _inbox_probes(w, account) -> None:
    """Citizens' messages and names come from outside: stored through the inbox's ingest and
    routed to the own department."""
    from channels_publish.adapters.inbound import InboundItem
    from inbox.models import Conversation
    from inbox.services.conversations import route
    from inbox.services.ingest import store_page

    item = InboundItem(
        kind="comment", remote_id="xss-1", thread_key="xss-thread",
        text=f"M {PAYLOAD}", created_at=timezone.now(), author_id="citizen-1",
        author_name=f"N {PAYLOAD}"[:200], author_handle="xss",
    )
    store_page(account, [item], None, {})
    conversation = Conversation.objects.get(thread_key="xss-thread")
    route(actor=w.people["duty_editor"], conversation=conversation, department=w.own)
    w.objects["xss_conversation"] = conversation


def _get(client, w, persona, url, params=None):
    with transaction.atomic():
        client.force_login(w.people[persona])
        response = client.get(url, params or {})
        transaction.set_rollback(True)
    client.logout()
    return response


def _assert_escaped(response, where):
    text = response.content.decode()
    for raw in RAW:
        assert raw not in text, f"{where}: unescaped {raw!r}"


@pytest.mark.django_db
def test_every_page_escapes_the_probes(client, world, probes):  # noqa: F811
    shown = []
    for page in page_requests(world):
        response = (
            _get(client, world, page.persona, page.url, page.params) if page.persona
            else client.get(page.url, page.params)
        )
        if is_html(response):
            _assert_escaped(response, page.id)
            if ESCAPED in response.content.decode():
                shown.append(page.id)
        elif response.headers["Content-Type"].startswith("application/json"):
            assert response.headers.get("X-Content-Type-Options") == "nosniff"
    # The probes were really rendered on the lists, calendar, queue, log and notifications.
    assert len(shown) >= 5, shown


@pytest.mark.django_db
def test_the_post_review_and_audit_pages_escape_every_field(client, world, probes):  # noqa: F811
    draft, reviewed, in_review = probes["draft"], probes["reviewed"], probes["in_review"]
    pages = {
        "post detail": ("head", reverse("newsroom:post_detail", args=[draft.pk])),
        "post edit": ("editor", reverse("newsroom:post_edit", args=[draft.pk])),
        "changes requested": ("head", reverse("newsroom:post_detail", args=[reviewed.pk])),
        "review page": ("head", reverse("approvals:review", args=[in_review.pk])),
        "review queue": ("head", reverse("approvals:queue")),
        "audit log": ("head", reverse("newsroom:audit_log")),
        "notifications": ("head", reverse("newsroom:notifications")),
        "calendar list": ("head", reverse("newsroom:calendar_list")),
    }
    pages["inbox"] = ("community", reverse(
        "inbox:conversation", args=[world.objects["xss_conversation"].pk]
    ))
    world.people["editor"] = probes["author"]
    for where, (persona, url) in pages.items():
        response = _get(client, world, persona, url)
        assert response.status_code == 200, (where, response.status_code)
        _assert_escaped(response, where)
        assert ESCAPED in response.content.decode(), f"{where}: probe not shown"
    escaped = "x&quot;&#x27;&gt;&lt;script&gt;"
    detail = _get(client, world, "head", pages["post detail"][1]).content.decode()
    for marker in ("T ", "C ", "V ", "K "):  # title, campaign, variant text, comment
        assert f"{marker}{escaped}" in detail, marker
    edit = _get(client, world, "editor", pages["post edit"][1]).content.decode()
    assert f"B {escaped}" in edit  # the body, in its text area
    changes = _get(client, world, "head", pages["changes requested"][1]).content.decode()
    assert f"Ä {escaped}" in changes  # the review comment


@pytest.mark.django_db
def test_calendar_json_and_ics_carry_the_probes_as_data(client, world, probes):  # noqa: F811
    head = world.people["head"]
    now = timezone.now()
    response = _get(client, world, "head", reverse("newsroom:calendar_events"), {
        "start": (now - timedelta(days=1)).isoformat(),
        "end": (now + timedelta(days=10)).isoformat(),
    })
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    titles = [event["title"] for event in json.loads(response.content)]
    assert any(PAYLOAD in title for title in titles)  # data, rendered as text by the calendar
    # JSON escapes nothing HTML-ish by itself; the calendar script must not use innerHTML.
    script = Path("static/js/calendar.js").read_text(encoding="utf-8")
    assert "title.textContent = arg.event.title" in script

    _token, key = CalendarFeedToken.issue(head)
    ics = client.get(reverse("newsroom:calendar_ics", args=[key]))
    assert ics.headers["Content-Type"].startswith("text/calendar")
    # Plain text, not HTML: the probe is carried as data (ICS-escaped), in an inert type.
    body = ics.content.decode().replace("\r\n ", "")
    assert "T x\"'><script>alert(" in body
