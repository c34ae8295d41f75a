"""The demo's follower history, and the topic list's constant cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics.demo import HISTORY_DAYS, seed_follower_history
from analytics.models import FollowerSnapshot, TopicCount
from tests.factories import channel

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_growing_follower_history_once(department):
    account = channel("facebook", department, external_id="104000000000001")
    channel("website", department)
    seed_follower_history()
    seed_follower_history()
    counts = list(FollowerSnapshot.objects.filter(channel_account=account)
                  .order_by("day").values_list("followers", flat=True))
    assert len(counts) == HISTORY_DAYS == FollowerSnapshot.objects.count()
    assert counts == sorted(counts) and counts[-1] > counts[0]


def test_the_topic_list_costs_the_same_with_more_topics(client, editor, department):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    TopicCount.objects.create(hour=hour, keyword="baustelle", department=department, count=3)
    client.force_login(editor)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("analytics:topics"))
    TopicCount.objects.bulk_create(
        TopicCount(hour=hour - timedelta(hours=h), keyword=f"thema{n}", department=department,
                   count=n + 1)
        for h in range(20) for n in range(10)
    )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("analytics:topics"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["rows"]) == 11
