"""Topic counting reads the inbox's incoming messages; the topic page lists the conversations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from analytics import tasks
from analytics.models import TopicCount, TopicSurge
from analytics.services import topics
from tests.factories import channel

pytestmark = pytest.mark.django_db


def conversation(account, department, key, text, at, direction="in"):
    from inbox.models import Conversation, Message

    found, _created = Conversation.objects.get_or_create(
        channel_account=account, thread_key=key,
        defaults={"kind": "comment", "department": department, "first_message_at": at,
                  "last_message_at": at, "preview": text[:60]},
    )
    Message.objects.create(conversation=found, channel_account=account, direction=direction,
                           kind="comment", remote_id=f"{key}-{at.timestamp()}-{direction}",
                           text=text, created_at=at)
    return found


def test_the_task_counts_incoming_messages_and_alerts_on_a_surge(department, duty_editor):
    account = channel("facebook", department)
    now = timezone.now()
    hour = topics.hour_of(now) - timedelta(hours=1)
    for number in range(6):
        conversation(account, department, f"t{number}", "Stromausfall in der Nordstadt!",
                     hour + timedelta(minutes=number))
    conversation(account, department, "ours", "Stromausfall: wir kümmern uns",
                 hour + timedelta(minutes=30), direction="out")

    first = tasks.aggregate_topics()
    second = tasks.aggregate_topics()
    assert first["surges"] == 2 and second["surges"] == 0
    row = TopicCount.objects.get(keyword="stromausfall")
    assert row.count == 6  # our own reply is not counted
    assert row.department_id == department.pk
    assert len(row.conversation_ids) == 6
    assert set(TopicSurge.objects.values_list("keyword", flat=True)) == {
        "stromausfall", "nordstadt"}


def test_the_topic_page_lists_the_conversations_of_ones_departments(
    client, head, department, other_department,
):
    own = channel("facebook", department)
    other = channel("facebook", other_department)
    now = timezone.now()
    mine = conversation(own, department, "a", "Baustelle am Markt", now - timedelta(hours=2))
    theirs = conversation(other, other_department, "b", "Baustelle Ring", now - timedelta(hours=2))
    topics.aggregate_recent_hours(now, hours=4)

    client.force_login(head)  # handles the department's inbox (editors see only counts)
    response = client.get(reverse("analytics:topics"))
    assert [row["keyword"] for row in response.context["rows"]][:1] == ["baustelle"]
    assert response.context["rows"][0]["total"] == 1  # only the own department's message

    response = client.get(reverse("analytics:topic", args=["baustelle"]))
    assert [c.pk for c in response.context["page"]] == [mine.pk]
    assert theirs.pk not in [c.pk for c in response.context["page"]]
