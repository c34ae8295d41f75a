"""The duty editor's dashboard: what needs attention, each with its action one click away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from channels_publish.models import AccountHealth, Delivery, DeliveryStatus
from newsroom.models import Post, PostStatus
from tests.factories import channel

pytestmark = pytest.mark.django_db


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Facebook Umweltamt")


def _post(department, account, status, when, title):
    post = Post.objects.create(department=department, title=title, status=status,
                               scheduled_at=when)
    post.channel_accounts.add(account)
    return post


def _delivery(post, account, status):
    now = timezone.now()
    return Delivery.objects.create(post=post, channel_account=account, status=status,
                                   post_version=post.version, due_at=now, next_attempt_at=now,
                                   last_error="Zeitüberschreitung beim Netzwerk")


def test_editors_and_heads_are_turned_away(client, editor, head):
    for person in (editor, head):
        client.force_login(person)
        assert client.get(reverse("newsroom:dashboard")).status_code == 403


def test_it_shows_what_needs_attention_with_its_action(client, duty_editor, department, facebook):
    now = timezone.now()
    soon = _post(department, facebook, PostStatus.IN_REVIEW, now + timedelta(minutes=30),
                 "Bald fällig")
    _post(department, facebook, PostStatus.IN_REVIEW, now + timedelta(days=3), "Hat Zeit")
    failed_post = _post(department, facebook, PostStatus.FAILED, now - timedelta(minutes=5),
                        "Fehlgeschlagen")
    failed = _delivery(failed_post, facebook, DeliveryStatus.FAILED)
    unclear_post = _post(department, facebook, PostStatus.PUBLISHING,
                         now - timedelta(minutes=3), "Unklar")
    unclear = _delivery(unclear_post, facebook, DeliveryStatus.OUTCOME_UNKNOWN)
    published_post = _post(department, facebook, PostStatus.PUBLISHED,
                           now - timedelta(minutes=1), "Gut gegangen")
    _delivery(published_post, facebook, DeliveryStatus.PUBLISHED)
    broken = channel("instagram", department, name="Instagram Umweltamt",
                     health=AccountHealth.RECONNECT_NEEDED, health_message="Token abgelaufen")

    client.force_login(duty_editor)
    response = client.get(reverse("newsroom:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("approvals:review", args=[soon.pk]) in html
    assert "Hat Zeit" not in html
    for delivery in (failed, unclear):
        assert reverse("channels:delivery_retry", args=[delivery.pk]) in html
    assert "Zeitüberschreitung beim Netzwerk" in html
    assert "Gut gegangen" not in html.split('id="dash-today"')[0]
    assert str(broken) in html and reverse("channels:accounts") in html
    assert " style=" not in html


def test_the_retry_button_plans_a_new_attempt(client, duty_editor, department, facebook):
    post = _post(department, facebook, PostStatus.FAILED, timezone.now(), "Fehlgeschlagen")
    delivery = _delivery(post, facebook, DeliveryStatus.FAILED)
    client.force_login(duty_editor)
    response = client.post(reverse("channels:delivery_retry", args=[delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status != DeliveryStatus.FAILED


def test_todays_timeline_in_berlin_time(client, administrator, department, facebook):
    now = timezone.localtime(timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    today = _post(department, facebook, PostStatus.SCHEDULED,
                  start_of_day + timedelta(hours=23, minutes=30), "Später heute")
    _post(department, facebook, PostStatus.SCHEDULED,
          start_of_day + timedelta(days=1, hours=1), "Morgen")
    client.force_login(administrator)
    html = client.get(reverse("newsroom:dashboard")).content.decode()
    timeline = html.split('id="dash-today"')[1]
    assert today.title in timeline
    assert "Morgen" not in timeline


def test_the_dashboard_costs_the_same_for_few_and_many(
    client, duty_editor, department, facebook, django_assert_max_num_queries,
):
    def add(count):
        now = timezone.now()
        for i in range(count):
            post = _post(department, facebook, PostStatus.FAILED, now + timedelta(minutes=i),
                         f"Beitrag {i}")
            _delivery(post, facebook, DeliveryStatus.FAILED)
            _post(department, facebook, PostStatus.IN_REVIEW, now + timedelta(minutes=i),
                  f"Prüfung {i}")

    add(2)
    client.force_login(duty_editor)
    with django_assert_max_num_queries(20) as few:
        assert client.get(reverse("newsroom:dashboard")).status_code == 200
    add(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("newsroom:dashboard")).status_code == 200
