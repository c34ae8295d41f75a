"""A leaver's devices, tokens and push data go; the export covers entries about the person."""

from datetime import time

import pytest
from axes.models import AccessAttempt
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services as accounts_services
from accounts.models import ApiToken
from accounts.roles import Role
from newsroom.models import AuditLogEntry, NotificationKind
from newsroom.services import privacy
from pwa.models import NotificationPreference, PushSubscription, QuietHours
from tests.security.conftest import enrol

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver(editor):
    enrol(editor)
    ApiToken.issue(editor, "Skript")
    old, _key = ApiToken.issue(editor, "Alt")
    accounts_services.revoke_api_token(actor=editor, token=old)
    PushSubscription.objects.create(
        user=editor, endpoint="https://push.example/geraet-1", p256dh="schluessel", auth="geheim"
    )
    NotificationPreference.objects.create(user=editor, kind=NotificationKind.CRISIS, push=False)
    QuietHours.objects.create(user=editor, starts=time(22), ends=time(6))
    AccessAttempt.objects.create(
        username=editor.username, ip_address="198.51.100.7", user_agent="x", failures_since_start=1,
        attempt_time=timezone.now(), get_data="", post_data="", http_accept="", path_info="/",
    )
    return editor


def test_erasure_leaves_no_devices_tokens_or_push_data(administrator, leaver, head):
    enrol(head)  # someone else's data stays
    result = privacy.erase_staff_member(actor=administrator, user=leaver)

    assert not TOTPDevice.objects.filter(user=leaver).exists()
    assert not StaticDevice.objects.filter(user=leaver).exists()
    assert not StaticToken.objects.filter(device__user=leaver).exists()
    assert not ApiToken.objects.filter(user=leaver).exists()
    assert not PushSubscription.objects.filter(user=leaver).exists()
    assert not NotificationPreference.objects.filter(user=leaver).exists()
    assert not QuietHours.objects.filter(user=leaver).exists()
    assert not AccessAttempt.objects.filter(username="redakteurin").exists()
    assert TOTPDevice.objects.filter(user=head).exists()
    assert result.deleted["accounts.devices_and_tokens"] >= 5
    # The subscription already went with the deactivation; preference and quiet hours here.
    assert result.deleted["pwa.devices_and_preferences"] == 2
    entry = AuditLogEntry.objects.get(action="newsroom.privacy.staff_erased")
    assert entry.data["deleted"]["pwa.devices_and_preferences"] == 2


def test_a_failing_hook_undoes_the_whole_erasure(administrator, leaver, monkeypatch):
    def broken(user):
        raise RuntimeError("kaputt")

    monkeypatch.setitem(privacy._ERASURE_HOOKS, "zz.broken", broken)
    with pytest.raises(RuntimeError):
        privacy.erase_staff_member(actor=administrator, user=leaver)
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.username == "redakteurin"
    assert TOTPDevice.objects.filter(user=leaver).exists()
    assert PushSubscription.objects.filter(user=leaver).exists()


def test_the_export_includes_entries_about_the_person(administrator, editor, department):
    accounts_services.grant_membership(
        actor=administrator, user=editor, department=department, role=Role.COMMUNITY
    )
    data = privacy.export_personal_data(actor=administrator, user=editor)
    by_others = [row for row in data["audit_log"] if row["action"] == "accounts.membership.granted"]
    assert by_others, [row["action"] for row in data["audit_log"]]
    assert str(editor) in by_others[0]["message"]


def test_the_export_masks_push_endpoints_but_not_authors(administrator, leaver):
    data = privacy.export_personal_data(actor=administrator, user=leaver)
    row = data["records"]["pwa.pushsubscription.user"][0]
    assert row["endpoint"] == "***"
    assert row["p256dh"] == "***" and row["auth"] == "***"
    assert "push.example" not in privacy.encode(data)
