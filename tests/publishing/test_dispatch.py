"""Approved posts go out once per channel; the sandbox's record is the judge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_publish import dispatch
from channels_publish.models import AccountHealth, Delivery, DeliveryStatus
from newsroom.models import PostStatus
from newsroom.services import posts

from .conftest import FB_TOKEN, IG_TOKEN, X_TOKEN

pytestmark = pytest.mark.django_db


def run_scheduler(at=None, rounds=1):
    """One or more scheduler ticks at ``at``, each followed by the worker sending what it got."""
    outcomes = []
    for _ in range(rounds):
        for delivery_id in dispatch.claim_due(now=at or timezone.now() + timedelta(hours=1)):
            outcomes.append(dispatch.send(delivery_id))
    return outcomes


def published(sandbox, network):
    return [r for r in sandbox.records(network=network) if r["kind"] in ("tweet", "post", "photo",
                                                                         "video", "ig_media")]


def test_approval_plans_one_delivery_per_channel(approve_post):
    post = approve_post()
    assert post.status == PostStatus.SCHEDULED
    deliveries = Delivery.objects.filter(post=post)
    assert deliveries.count() == 3
    assert {d.status for d in deliveries} == {DeliveryStatus.PENDING}
    assert {d.due_at for d in deliveries} == {post.scheduled_at}


def test_nothing_goes_out_before_its_minute(approve_post, sandbox):
    post = approve_post()
    assert dispatch.claim_due(now=post.scheduled_at - timedelta(seconds=1)) == []


def test_due_post_goes_out_exactly_once_on_every_channel(approve_post, sandbox):
    post = approve_post()
    outcomes = run_scheduler(at=post.scheduled_at, rounds=3)
    assert sorted(outcomes) == ["published"] * 3
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    records = sandbox.records()
    tweets = [r for r in records if r["network"] == "x" and r["kind"] == "tweet"]
    assert len(tweets) == 1 and "100 Bäume" in tweets[0]["text"]
    assert len([r for r in records if r["network"] == "instagram" and r["kind"] == "media"]) <= 1
    for delivery in Delivery.objects.filter(post=post):
        assert delivery.status == DeliveryStatus.PUBLISHED
        assert delivery.remote_id and delivery.attempts == 1


def test_the_same_task_twice_sends_once(approve_post, sandbox):
    post = approve_post(networks=("x",))
    [delivery_id] = dispatch.claim_due(now=post.scheduled_at)
    assert dispatch.send(delivery_id) == "published"
    assert dispatch.send(delivery_id) == "not-claimed"
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1


def test_two_schedulers_ticking_at_once_claim_each_delivery_once(approve_post):
    post = approve_post()
    first = dispatch.claim_due(now=post.scheduled_at)
    second = dispatch.claim_due(now=post.scheduled_at)
    assert len(first) == 3 and second == []


def test_rate_limit_is_retried_later_and_then_published(approve_post, sandbox):
    post = approve_post(networks=("x",))
    sandbox.inject_fault(X_TOKEN, "rate_limit", times=1, retry_after=120)
    assert run_scheduler(at=post.scheduled_at) == ["retry"]
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=110)
    assert "X" in delivery.last_error or delivery.last_error
    assert run_scheduler(at=delivery.next_attempt_at) == ["published"]
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1


def test_timeout_after_create_is_looked_up_not_reposted(approve_post, sandbox, settings):
    settings.NEWSROOM_NETWORK_TIMEOUT_S = 1
    post = approve_post(networks=("x",))
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", times=1, delay_s=3, operation="create")
    assert run_scheduler(at=post.scheduled_at) == ["outcome_unknown"]
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.OUTCOME_UNKNOWN and delivery.lookup_before_retry
    assert run_scheduler(at=delivery.next_attempt_at) == ["published"]
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1


def test_facebook_succeeds_instagram_fails_and_retry_touches_only_instagram(
    approve_post, sandbox, django_user_model
):
    post = approve_post(networks=("facebook", "instagram"))
    sandbox.inject_fault(IG_TOKEN, "ig_container_error", times=1)
    run_scheduler(at=post.scheduled_at)
    post.refresh_from_db()
    assert post.status == PostStatus.PARTLY_FAILED
    failed = Delivery.objects.get(post=post, channel_account__network="instagram")
    assert failed.status == DeliveryStatus.FAILED and failed.last_error
    facebook_posts_before = len(sandbox.records(network="facebook"))
    assert dispatch.retry_failed(actor=approve_post.editor, post=post) == 1
    run_scheduler()
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert len(sandbox.records(network="facebook")) == facebook_posts_before


def test_expired_token_holds_the_account_without_retry_storm(approve_post, sandbox):
    post = approve_post(networks=("facebook",))
    sandbox.inject_fault(FB_TOKEN, "expired_token", times=0)
    assert run_scheduler(at=post.scheduled_at) == ["held"]
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.HELD and delivery.hold_reason == "account"
    account = delivery.channel_account
    account.refresh_from_db()
    assert account.health == AccountHealth.RECONNECT_NEEDED
    assert run_scheduler(rounds=3) == []


def test_a_post_edited_after_it_was_queued_is_not_sent(approve_post, sandbox):
    post = approve_post(networks=("x",))
    [delivery_id] = dispatch.claim_due(now=post.scheduled_at)
    data = posts.data_from_post(post)
    data.body = "Korrigierter Text"
    posts.update_post(actor=approve_post.editor, post=post, data=data)
    # The edit withdrew the approval: the queued delivery is cancelled before a worker gets it.
    assert dispatch.send(delivery_id) == "not-claimed"
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.CANCELLED
    assert sandbox.records(network="x") == []


def test_stuck_sending_is_looked_up_before_any_retry(approve_post, sandbox, settings):
    post = approve_post(networks=("x",))
    [delivery_id] = dispatch.claim_due(now=post.scheduled_at)
    assert dispatch.send(delivery_id) == "published"
    # As if the worker died after the network call, before recording the outcome:
    Delivery.objects.filter(pk=delivery_id).update(
        status=DeliveryStatus.SENDING, remote_id="", sending_started_at=timezone.now()
        - timedelta(hours=1),
    )
    assert dispatch.sweep()["stuck"] == 1
    assert run_scheduler() == ["published"]
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1


def test_lost_queued_tasks_are_put_back(approve_post, sandbox):
    post = approve_post(networks=("x",))
    dispatch.claim_due(now=post.scheduled_at)  # claimed, but the broker lost the task
    Delivery.objects.filter(post=post).update(queued_at=timezone.now() - timedelta(hours=1))
    assert dispatch.sweep()["requeued"] == 1
    assert run_scheduler() == ["published"]


def test_withdrawn_post_is_cancelled(approve_post, sandbox):
    from approvals import services as review

    post = approve_post(networks=("x",))
    review.withdraw(actor=approve_post.editor, post=post)
    assert Delivery.objects.get(post=post).status == DeliveryStatus.CANCELLED
    assert run_scheduler() == []


def test_backoff_grows_with_jitter_and_respects_retry_after(settings):
    settings.NEWSROOM_RETRY_BASE_S = 10
    settings.NEWSROOM_RETRY_CAP_S = 100
    assert 5 <= dispatch.backoff_delay(1) <= 10
    assert 20 <= dispatch.backoff_delay(3) <= 40
    assert dispatch.backoff_delay(10) <= 100
    assert dispatch.backoff_delay(1, retry_after_s=500) == 500


def test_a_post_edited_while_its_delivery_is_being_claimed_is_not_sent(approve_post, sandbox):
    post = approve_post(networks=("x",))
    [delivery_id] = dispatch.claim_due(now=post.scheduled_at)
    # The worker's view: the post changed (a newer version) after the delivery was planned.
    type(post).objects.filter(pk=post.pk).update(version=post.version + 1)
    assert dispatch.send(delivery_id) == "cancelled"
    assert sandbox.records(network="x") == []


def test_an_error_after_a_successful_publish_never_republishes(approve_post, sandbox, monkeypatch):
    post = approve_post(networks=("x",))

    def broken_bookkeeping(post_id):
        raise RuntimeError("metrics service down")

    monkeypatch.setattr(dispatch, "refresh_post_status", broken_bookkeeping)
    assert run_scheduler(at=post.scheduled_at) == ["published"]
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.PUBLISHED
    assert run_scheduler(rounds=2) == []
    assert dispatch.sweep() == {"requeued": 0, "stuck": 0}
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1


def test_rate_limit_then_ambiguous_server_error_publishes_once(approve_post, sandbox, settings):
    settings.NEWSROOM_NETWORK_TIMEOUT_S = 1
    post = approve_post(networks=("x",))
    sandbox.inject_fault(X_TOKEN, "rate_limit", times=1, retry_after=30, operation="create")
    assert run_scheduler(at=post.scheduled_at) == ["retry"]
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", times=1, delay_s=3, operation="create")
    delivery = Delivery.objects.get(post=post)
    assert run_scheduler(at=delivery.next_attempt_at) == ["outcome_unknown"]
    delivery.refresh_from_db()
    assert run_scheduler(at=delivery.next_attempt_at) == ["published"]
    assert len([r for r in sandbox.records(network="x") if r["kind"] == "tweet"]) == 1
    assert Delivery.objects.get(post=post).attempts == 3


def test_the_images_alt_text_reaches_x(approve_post, sandbox):
    post = approve_post(networks=("x",))
    assert run_scheduler(at=post.scheduled_at) == ["published"]
    (tweet,) = published(sandbox, "x")
    assert tweet["extra"]["alt_texts"] == ["Ein Radweg im Grünen"]


def test_a_videos_poster_is_offered_as_a_public_cover_url(department, settings):
    from django.core.files.base import ContentFile

    from channels_publish.requests import media_item
    from tests.crisis import video_asset

    settings.NEWSROOM_PUBLIC_MEDIA_BASE_URL = "https://medien.stadt.example/media"
    asset = video_asset(department)
    assert media_item(asset).poster_url == ""
    asset.poster.save("Lagebild-poster.jpg", ContentFile(b"\xff\xd8\xff"), save=True)
    item = media_item(asset)
    assert item.poster_url == "https://medien.stadt.example/media/" + asset.poster.name
    assert item.thumbnail_path == asset.poster.path
