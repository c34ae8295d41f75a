"""Collecting figures from the sandbox: what it stores, that it is idempotent, and how it
treats rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from analytics import tasks
from analytics.models import CollectionState, DeliveryMetrics, FollowerSnapshot, MetricSnapshot
from analytics.services import collection
from channels_publish.sandbox import insights
from newsroom.models.audit import AuditLogEntry

from .conftest import days_ago, published

pytestmark = pytest.mark.django_db


def expected(record):
    return insights.figures(record)


def test_it_stores_the_sandbox_figures_of_every_network(network_accounts, own_sandbox,
                                                        department):
    deliveries = {}
    for network, account in network_accounts.items():
        record = own_sandbox.add_item(network, days_ago(3))
        deliveries[network] = (published(account, record.id, days_ago(3), department), record)

    for account in network_accounts.values():
        result = collection.collect_account(account.pk)
        assert result.stopped == "", result.errors
        assert result.collected == 1

    for network, (delivery, record) in deliveries.items():
        figures = expected(record)
        stored = DeliveryMetrics.objects.get(delivery=delivery)
        snapshot = MetricSnapshot.objects.get(delivery=delivery)
        assert snapshot.impressions == stored.impressions == figures["impressions"], network
        assert stored.reactions == figures["reactions"], network
        assert stored.comments == figures["comments"], network
        assert stored.department_id == department.pk
        assert stored.network == network
    x = DeliveryMetrics.objects.get(delivery=deliveries["x"][0])
    x_figures = expected(deliveries["x"][1])
    assert x.shares == x_figures["shares"]  # reposts and quotes
    assert x.saves == x_figures["saves"]
    facebook = DeliveryMetrics.objects.get(delivery=deliveries["facebook"][0])
    fb_figures = expected(deliveries["facebook"][1])
    assert (facebook.reach, facebook.clicks, facebook.shares) == (
        fb_figures["reach"], fb_figures["clicks"], fb_figures["shares"])
    instagram = DeliveryMetrics.objects.get(delivery=deliveries["instagram"][0])
    assert instagram.saves == expected(deliveries["instagram"][1])["saves"]
    assert FollowerSnapshot.objects.count() == 4
    assert all(row.followers > 0 for row in FollowerSnapshot.objects.all())


def test_it_takes_followers_as_the_network_reports_them(network_accounts, own_sandbox):
    own_sandbox.store.register_account("x", "x-analytics", followers_count=4321)
    own_sandbox.store.register_account("youtube", "yt-analytics", followers_count=999)
    own_sandbox.store.register_account("facebook", own_sandbox_page(), followers_count=1234)
    for network in ("x", "youtube", "facebook"):
        collection.collect_account(network_accounts[network].pk)
    followers = {row.channel_account.network: row.followers
                 for row in FollowerSnapshot.objects.select_related("channel_account")}
    assert followers == {"x": 4321, "youtube": 999, "facebook": 1234}


def own_sandbox_page():
    from .conftest import FB_PAGE

    return FB_PAGE


def test_it_uses_the_numbers_set_through_the_control_endpoint(network_accounts, own_sandbox,
                                                              department):
    record = own_sandbox.add_item("x", days_ago(1))
    delivery = published(network_accounts["x"], record.id, days_ago(1), department)
    own_sandbox.control.set_metrics(record.id, like_count=77, impression_count=1000)
    collection.collect_account(network_accounts["x"].pk)
    stored = DeliveryMetrics.objects.get(delivery=delivery)
    assert (stored.reactions, stored.impressions) == (77, 1000)


def test_a_second_run_on_the_same_day_stores_nothing_new_and_asks_nothing(
    network_accounts, own_sandbox, department,
):
    account = network_accounts["x"]
    for age in (1, 2, 3):
        record = own_sandbox.add_item("x", days_ago(age))
        published(account, record.id, days_ago(age), department, title=f"Beitrag {age}")
    first = collection.collect_account(account.pk)
    assert first.collected == 3
    assert first.requests == 2  # followers + one batch of three posts

    second = collection.collect_account(account.pk)
    assert (second.collected, second.requests) == (0, 0)
    assert MetricSnapshot.objects.count() == 3
    assert FollowerSnapshot.objects.count() == 1

    # The next day, every delivery gets its next snapshot; the latest figures follow.
    tomorrow = timezone.now() + timedelta(days=1)
    third = collection.collect_account(account.pk, now=tomorrow)
    assert third.collected == 3
    assert MetricSnapshot.objects.count() == 6
    assert DeliveryMetrics.objects.count() == 3


def test_it_batches_x_posts_by_one_hundred(network_accounts, own_sandbox, department):
    account = network_accounts["x"]
    for number in range(120):
        record = own_sandbox.add_item("x", days_ago(2))
        published(account, record.id, days_ago(2), department, title=f"Beitrag {number}")
    result = collection.collect_account(account.pk)
    assert result.collected == 120
    assert result.requests == 3  # followers, 100, 20


def test_it_leaves_out_deliveries_older_than_the_window(network_accounts, own_sandbox,
                                                        department):
    record = own_sandbox.add_item("facebook", days_ago(45))
    published(network_accounts["facebook"], record.id, days_ago(45), department)
    result = collection.collect_account(network_accounts["facebook"].pk)
    assert result.collected == 0


def test_a_rate_limit_stops_the_run_and_pauses_the_account(network_accounts, own_sandbox,
                                                           department):
    account = network_accounts["facebook"]
    for age in (1, 2, 3):
        record = own_sandbox.add_item("facebook", days_ago(age))
        published(account, record.id, days_ago(age), department, title=f"Beitrag {age}")
    # Followers and the first post go through, then the page is rate limited.
    own_sandbox.store.register_account("facebook", "fb-analytics")
    from channels_publish.sandbox.faults import Fault

    result = None
    own_sandbox.app.faults.add(Fault.from_json({
        "account": "fb-analytics", "kind": "rate_limit", "times": 1, "retry_after": 600,
        "operation": "read",
    }))
    result = collection.collect_account(account.pk)
    assert result.stopped == "retry_later"
    assert result.collected == 0
    state = CollectionState.objects.get(channel_account=account)
    assert 590 <= (state.paused_until - timezone.now()).total_seconds() <= 600
    assert AuditLogEntry.objects.filter(action="analytics.collection.paused").count() == 1

    # While paused, a run asks nothing.
    paused = collection.collect_account(account.pk)
    assert paused.skipped == "paused"
    assert paused.requests == 0

    # After the pause it resumes and completes.
    later = collection.collect_account(account.pk, now=timezone.now() + timedelta(minutes=11))
    assert later.collected == 3
    assert MetricSnapshot.objects.count() == 3


def test_a_rate_limit_midway_keeps_what_was_read_and_resumes_with_the_rest(
    network_accounts, own_sandbox, department,
):
    from channels_publish.sandbox.faults import Fault

    account = network_accounts["instagram"]
    for age in (1, 2, 3):
        record = own_sandbox.add_item("instagram", days_ago(age))
        published(account, record.id, days_ago(age), department, title=f"Beitrag {age}")
    own_sandbox.app.faults.add(Fault.from_json({
        "account": own_sandbox.store.timeline("instagram", "17841400000000088")[1].id,
        "kind": "rate_limit", "times": 1, "retry_after": 60, "operation": "read",
    }))
    first = collection.collect_account(account.pk)
    assert first.stopped == "retry_later"
    assert first.collected == 1  # the oldest post was read before the limit
    assert MetricSnapshot.objects.count() == 1

    second = collection.collect_account(account.pk, now=timezone.now() + timedelta(minutes=2))
    assert second.collected == 2
    assert second.requests == 1  # one batch; no second followers request
    assert MetricSnapshot.objects.count() == 3


def test_an_expired_token_is_reported_not_retried(network_accounts, own_sandbox, department):
    from channels_publish.sandbox.faults import Fault

    own_sandbox.app.faults.add(Fault.from_json({"account": "yt-analytics",
                                                "kind": "expired_token"}))
    result = collection.collect_account(network_accounts["youtube"].pk)
    assert result.stopped == "authorization"
    state = CollectionState.objects.get(channel_account=network_accounts["youtube"])
    assert state.paused_until is None
    assert "YouTube" in state.last_error


def test_the_periodic_task_collects_every_account_that_reports_figures(
    network_accounts, own_sandbox, department,
):
    from tests.factories import channel

    channel("website", department)
    record = own_sandbox.add_item("x", days_ago(1))
    published(network_accounts["x"], record.id, days_ago(1), department)
    assert tasks.collect_metrics() == 4
    assert MetricSnapshot.objects.count() == 1
    assert FollowerSnapshot.objects.count() == 4
    tasks.collect_metrics()
    assert MetricSnapshot.objects.count() == 1


def test_an_x_rate_limit_pauses_for_as_long_as_x_says(network_accounts, own_sandbox,
                                                      department):
    from channels_publish.sandbox.faults import Fault

    record = own_sandbox.add_item("x", days_ago(1))
    published(network_accounts["x"], record.id, days_ago(1), department)
    own_sandbox.app.faults.add(Fault.from_json({"account": "x-analytics", "kind": "rate_limit",
                                                "retry_after": 900}))
    result = collection.collect_account(network_accounts["x"].pk)
    assert result.stopped == "retry_later"
    assert 880 <= (result.paused_until - timezone.now()).total_seconds() <= 900


def test_youtube_videos_are_read_fifty_at_a_time(network_accounts, own_sandbox, department):
    for number in range(55):
        record = own_sandbox.add_item("youtube", days_ago(2))
        published(network_accounts["youtube"], record.id, days_ago(2), department,
                  title=f"Video {number}")
    result = collection.collect_account(network_accounts["youtube"].pk)
    assert (result.collected, result.requests) == (55, 3)  # subscribers, 50, 5
    assert DeliveryMetrics.objects.filter(impressions__gt=0).count() == 55


def test_the_admin_action_collects_through_the_same_task(
    network_accounts, own_sandbox, department, client,
):
    from django.contrib.auth import get_user_model

    record = own_sandbox.add_item("facebook", days_ago(1))
    published(network_accounts["facebook"], record.id, days_ago(1), department)
    state = CollectionState.objects.create(channel_account=network_accounts["facebook"])
    admin = get_user_model().objects.create_superuser("ana-admin", "a@stadt.example", "x")
    client.force_login(admin)
    response = client.post("/admin/analytics/collectionstate/", {
        "action": "collect_now", "_selected_action": [state.pk],
    })
    assert response.status_code in (200, 302)
    assert MetricSnapshot.objects.count() == 1
