"""The topic page shows citizens' conversations only to those who handle them in the inbox;
anonymised messages are not counted; topic counts are purged by their retention rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics.models import MonthlyReport, TopicCount, TopicSurge
from analytics.services import reports, topics
from inbox.services import privacy
from newsroom.retention import enforce_retention, retention_rules
from tests.factories import channel

from .test_topics_from_inbox import conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def baustelle(department, other_department):
    now = timezone.now()
    mine = conversation(channel("facebook", department), department, "a",
                        "Baustelle am Markt, Kundenname Erika Muster", now - timedelta(hours=2))
    theirs = conversation(channel("facebook", other_department), other_department, "b",
                          "Baustelle Ring", now - timedelta(hours=2))
    unrouted = conversation(channel("x"), None, "c", "Baustelle am Bahnhof",
                            now - timedelta(hours=2))
    topics.aggregate_recent_hours(now, hours=4)
    return mine, theirs, unrouted


def test_those_who_handle_the_inbox_see_their_conversations_behind_a_topic(
    client, head, duty_editor, baustelle,
):
    mine, _theirs, unrouted = baustelle
    client.force_login(head)
    response = client.get(reverse("analytics:topic", args=["baustelle"]))
    assert [c.pk for c in response.context["page"]] == [mine.pk]
    assert "Erika Muster" in response.content.decode()

    # The duty editor sees city-wide counts and handles every conversation, unrouted ones too.
    client.force_login(duty_editor)
    response = client.get(reverse("analytics:topic", args=["baustelle"]))
    assert len(response.context["page"]) == 3 and unrouted in response.context["page"]


def test_editors_and_administrators_see_only_counts_not_citizens_text(
    client, editor, administrator, baustelle,
):
    for person, total in ((editor, 1), (administrator, 3)):
        client.force_login(person)
        response = client.get(reverse("analytics:topic", args=["baustelle"]))
        page = response.content.decode()
        assert response.context["page"] is None
        assert response.context["total"] == total
        assert response.context["conversation_count"] == total
        assert "Erika Muster" not in page and "Bahnhof" not in page
        assert "/inbox/" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
        assert "Bürgerpostfach bearbeiten" in page


def test_the_rising_topics_are_ranked_by_growth_within_ones_departments(
    department, other_department, editor,
):
    hour = topics.hour_of(timezone.now()) - timedelta(hours=1)
    earlier = hour - timedelta(hours=30)
    rows = [(hour, "hitze", department, 6), (earlier, "hitze", department, 1),
            (hour, "baustelle", department, 3), (earlier, "baustelle", department, 3),
            (hour, "stau", other_department, 50)]
    TopicCount.objects.bulk_create(
        TopicCount(hour=at, keyword=keyword, department=dept, count=count, conversation_ids=[])
        for at, keyword, dept, count in rows
    )
    rising = topics.rising_topics(editor, 24)
    assert [(r["keyword"], r["total"], r["previous"], r["growth"], r["ratio"])
            for r in rising] == [("hitze", 6, 1, 5, 6.0), ("baustelle", 3, 3, 0, 1.0)]
    chart = topics.rising_chart(rising)
    assert chart["labels"] == ["hitze", "baustelle"]
    assert chart["datasets"][1]["data"] == [1, 3]


def test_anonymised_messages_are_not_counted(department, community):
    account = channel("facebook", department)
    now = timezone.now()
    found = conversation(account, department, "a", "Hitzewarnung Nordstadt",
                         now - timedelta(hours=2))
    conversation(account, department, "a", "Hitzewarnung Südstadt", now - timedelta(hours=3))
    privacy._anonymise(found.messages.filter(text__contains="Nordstadt"), now)
    topics.aggregate_recent_hours(now, hours=4)
    keywords = set(TopicCount.objects.values_list("keyword", flat=True))
    assert "hitzewarnung" in keywords and "südstadt" in keywords
    assert "nordstadt" not in keywords and "gelöscht" not in keywords


def test_topic_counts_and_surges_are_purged_after_their_retention_period(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"analytics.topics": 30}
    rule = next(r for r in retention_rules() if r.key == "analytics.topics")
    assert rule.default_days == 365 and rule.personal_data
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=2)
    for at in (old, recent):
        TopicCount.objects.create(hour=at, keyword="hitze", count=3, conversation_ids=[1])
        TopicSurge.objects.create(hour=at, keyword="hitze", count=9, baseline=0.5)
    counts = enforce_retention(now=now)
    assert counts["analytics.topics"] == 2
    assert list(TopicCount.objects.values_list("hour", flat=True)) == [recent]
    assert list(TopicSurge.objects.values_list("hour", flat=True)) == [recent]


def test_the_record_of_processing_lists_the_topic_counts():
    from newsroom.web.views_privacy import processing_records

    row = next(row for row in processing_records() if row["key"] == "analytics.topics")
    assert row["retention_days"] == 365 and row["enforced_automatically"]
    assert "Bürger/innen" in row["data_subjects"]


def test_a_report_sent_already_is_not_rendered_again(department, head, monkeypatch):
    first = date(2026, 10, 1)
    MonthlyReport.objects.create(department=department, month=first, recipients=[head.email])

    def render(*args):
        raise AssertionError("rendered a report that was sent already")

    monkeypatch.setattr(reports, "render_report", render)
    assert reports.send_monthly_report(department, first) is None
    assert reports.send_monthly_reports(
        now=datetime(2026, 11, 2, 8, tzinfo=timezone.get_current_timezone())) == []


def test_the_topic_page_costs_the_same_with_more_conversations(client, head, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    account = channel("facebook", department)
    now = timezone.now()
    url = reverse("analytics:topic", args=["hochwasser"])
    conversation(account, department, "first", "Hochwasser an der Brücke", now - timedelta(hours=2))
    topics.aggregate_recent_hours(now, hours=4)
    client.force_login(head)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(30):
        conversation(account, department, f"more{number}", "Hochwasser im Keller",
                     now - timedelta(hours=2, minutes=number))
    topics.aggregate_recent_hours(now, hours=4)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["page"]) == 25
    assert len(many.captured_queries) == len(few.captured_queries)
