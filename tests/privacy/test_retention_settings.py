"""NEWSROOM_RETENTION_DAYS names real kinds with allowed periods; pwa's push data expires."""

from datetime import timedelta

import pytest
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from newsroom import audit
from newsroom.checks import retention_periods_check
from newsroom.models import AuditLogEntry, Notification, NotificationKind
from newsroom.retention import enforce_retention, retention_days, retention_rules
from pwa.models import PushReceipt, PushSubscription

pytestmark = pytest.mark.django_db


def _ids(errors) -> list[str]:
    return [error.id for error in errors]


def test_the_documented_example_keys_are_registered():
    keys = {rule.key for rule in retention_rules()}
    assert {"inbox.messages", "newsroom.audit_entries", "pwa.push_subscriptions"} <= keys
    assert "audit.entries" not in keys


def test_the_check_passes_real_keys(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"inbox.messages": 180, "newsroom.audit_entries": 3650}
    assert retention_periods_check(None) == []


def test_the_check_rejects_an_unknown_key(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"audit.entries": 3650}
    errors = retention_periods_check(None)
    assert _ids(errors) == ["newsroom.E101"]
    assert "newsroom.audit_entries" in errors[0].hint


def test_the_check_rejects_a_period_below_the_minimum(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.audit_entries": 30, "inbox.messages": 0}
    assert _ids(retention_periods_check(None)) == ["newsroom.E102", "newsroom.E102"]


def test_the_check_rejects_a_period_for_kinds_kept_without_one(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.posts": 30}
    assert _ids(retention_periods_check(None)) == ["newsroom.E103"]


def test_the_check_is_registered_with_django(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"audit.entries": 10}
    assert "newsroom.E101" in _ids(checks.run_checks())


def test_enforcement_never_goes_below_the_minimum(settings):
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.audit_entries": 1}
    assert retention_days("newsroom.audit_entries") == 365
    now = timezone.now()
    old = audit.log("newsroom.retention.enforced", data={"counts": {}})
    AuditLogEntry.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=30))
    counts = enforce_retention(now=now)
    assert counts["newsroom.audit_entries"] == 0
    assert AuditLogEntry.objects.filter(pk=old.pk).exists()


def _subscription(user, number: int, **fields) -> PushSubscription:
    return PushSubscription.objects.create(
        user=user, endpoint=f"https://push.example/{number}", p256dh="k", auth="a", **fields
    )


def test_push_subscriptions_expire_when_nothing_reached_them(editor):
    now = timezone.now()
    long_ago = now - timedelta(days=200)
    silent = _subscription(editor, 1, created_at=long_ago, last_success_at=long_ago)
    never = _subscription(editor, 2, created_at=long_ago)
    in_use = _subscription(editor, 3, created_at=long_ago, last_success_at=now - timedelta(days=3))
    new = _subscription(editor, 4)
    notification = Notification.objects.create(
        recipient=editor, kind=NotificationKind.CRISIS, message="Alt"
    )
    old_receipt = PushReceipt.objects.create(notification=notification, handled_at=long_ago)

    counts = enforce_retention(now=now)

    assert counts["pwa.push_subscriptions"] == 3
    remaining = set(PushSubscription.objects.values_list("pk", flat=True))
    assert remaining == {in_use.pk, new.pk}
    assert silent.pk not in remaining and never.pk not in remaining
    assert not PushReceipt.objects.filter(pk=old_receipt.pk).exists()


def test_push_subscriptions_appear_in_the_record_of_processing(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("newsroom:processing_record")).content.decode()
    assert "Push-Abonnements der Geräte" in page
