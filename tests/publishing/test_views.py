"""The channels page and the live delivery panel of a post."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_publish import dispatch
from channels_publish.models import AccountHealth, Delivery, DeliveryStatus

from .conftest import X_TOKEN

pytestmark = pytest.mark.django_db


def test_channels_page_warns_of_expiring_and_broken_accounts(client, head, accounts):
    x = accounts["x"]
    x.token_expires_at = timezone.now() + timedelta(days=3)
    x.save()
    facebook = accounts["facebook"]
    facebook.health = AccountHealth.RECONNECT_NEEDED
    facebook.health_message = "Token abgelaufen"
    facebook.save()
    client.force_login(head)
    content = client.get("/channels/").content.decode()
    assert "läuft bald ab" in content
    assert "Neu verbinden nötig" in content and "Token abgelaufen" in content
    assert "Umweltamt" in content


def test_delivery_panel_polls_while_work_is_open_and_stops_after(client, approve_post, sandbox):
    post = approve_post(networks=("x",))
    client.force_login(approve_post.editor)
    url = f"/channels/posts/{post.pk}/deliveries/"
    pending = client.get(url).content.decode()
    assert 'hx-trigger="every 3s"' in pending and "geplant" in pending
    for delivery_id in dispatch.claim_due(now=post.scheduled_at):
        dispatch.send(delivery_id)
    done = client.get(url).content.decode()
    assert "veröffentlicht" in done and "hx-trigger" not in done


def test_failed_delivery_shows_the_reason_and_can_be_retried(client, approve_post, sandbox):
    post = approve_post(networks=("x",))
    sandbox.inject_fault(X_TOKEN, "server_error", times=0, operation="create")
    Delivery.objects.filter(post=post).update(attempts=99)  # next failure is the last
    for delivery_id in dispatch.claim_due(now=post.scheduled_at):
        dispatch.send(delivery_id)
    delivery = Delivery.objects.get(post=post)
    assert delivery.status in (DeliveryStatus.FAILED, DeliveryStatus.OUTCOME_UNKNOWN)
    client.force_login(approve_post.editor)
    content = client.get(f"/channels/posts/{post.pk}/deliveries/").content.decode()
    assert delivery.last_error[:20] in content and "Erneut versuchen" in content
    sandbox.clear_faults()
    response = client.post(f"/channels/deliveries/{delivery.pk}/retry/")
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING and delivery.lookup_before_retry
