"""The demo's follower history, and the topic list's constant cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analytics import tasks
from analytics.demo import HISTORY_DAYS, past_figures, seed_follower_history, seed_post_history
from analytics.models import DeliveryMetrics, FollowerSnapshot, MetricSnapshot, TopicCount
from analytics.services.figures import period_from
from channels_publish.models import Delivery
from newsroom.models import Post, PostStatus
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


def test_the_demo_city_dashboard_shows_the_seeded_history(client):
    call_command("seed_demo", "--if-empty", verbosity=0)
    posts, snapshots = Post.objects.count(), MetricSnapshot.objects.count()
    assert Post.objects.filter(status=PostStatus.ARCHIVED).exists()
    assert seed_post_history() == []
    call_command("seed_demo", "--if-empty", verbosity=0)
    assert (Post.objects.count(), MetricSnapshot.objects.count()) == (posts, snapshots)

    # Every delivery's figures are its latest snapshot, as the sandbox's growth model has it.
    for delivery in Delivery.objects.filter(metrics__isnull=False).select_related(
            "metrics", "channel_account")[:40]:
        latest = delivery.metric_snapshots.order_by("-day").first()
        expected = past_figures(delivery.channel_account.network, delivery.remote_id,
                                delivery.published_at, latest.collected_at)
        assert delivery.metrics.impressions == latest.impressions == expected.impressions > 0
        assert delivery.metrics.reactions == latest.reactions == expected.reactions
    assert DeliveryMetrics.objects.values("department").distinct().count() == 7

    client.force_login(get_user_model().objects.get(username="cvd"))
    response = client.get(reverse("analytics:city"), {"period": "90"})
    figures = {row["key"]: row for row in response.context["dashboard"].comparison}
    period = period_from({"period": "90"})
    stored = DeliveryMetrics.objects.filter(published_day__gte=period.start).aggregate(
        impressions=Sum("impressions"), reactions=Sum("reactions"), reach=Sum("reach"))
    assert stored["impressions"] > 0
    for key in ("impressions", "reactions", "reach"):
        assert figures[key]["value"] == stored[key], key
    assert figures["followers_end"]["value"] > 0


def test_the_demo_collects_figures_once_soon_after_the_worker_starts(settings, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.collect_metrics, "apply_async", lambda **kw: calls.append(kw))
    settings.DEMO_MODE = False
    assert tasks.collect_soon_in_demo() is False
    settings.DEMO_MODE = True
    assert tasks.collect_soon_in_demo() is True
    assert calls == [{"countdown": tasks.DEMO_FIRST_COLLECTION_S}]


def test_a_stored_history_keeps_one_snapshot_a_day_and_the_latest_figures(department):
    from analytics.services.collection import store_history, today

    from .conftest import published

    account = channel("x", department)
    start = timezone.now() - timedelta(days=5)
    delivery = published(account, "1790000000000000001", start, department)
    readings = [(start + timedelta(hours=h), past_figures("x", delivery.remote_id, start,
                                                          start + timedelta(hours=h)))
                for h in (1, 24, 48, 72, 96, 97)]
    days = sorted({today(moment) for moment, _ in readings})
    assert store_history(delivery, readings) == len(days)
    assert store_history(delivery, readings) == len(days)
    snapshots = list(delivery.metric_snapshots.order_by("day"))
    assert [s.day for s in snapshots] == days
    assert snapshots[-1].impressions == readings[-1][1].impressions
    assert DeliveryMetrics.objects.get(delivery=delivery).impressions == readings[-1][1].impressions
    assert snapshots[0].impressions < snapshots[-1].impressions
    assert snapshots[0].reach == 0  # X reports no reach
