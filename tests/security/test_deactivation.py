"""Deactivating a person ends their sessions and API tokens at once, from every door."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, UserSession
from accounts.signals import user_deactivated
from newsroom.errors import DomainError, NotAllowed
from newsroom.models import AuditLogEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(editor):
    """The editor with a browser session and an API token, both in use."""
    browser = Client()
    browser.force_login(editor)
    assert browser.get("/").status_code == 200
    _token, key = ApiToken.issue(editor, name="Skript")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/posts/").status_code == 200
    return browser, api


@pytest.fixture
def heard():
    received = []

    def receiver(sender, user, **kwargs):
        received.append(user.pk)

    user_deactivated.connect(receiver)
    yield received
    user_deactivated.disconnect(receiver)


def _assert_locked_out(editor, browser, api):
    editor.refresh_from_db()
    assert not editor.is_active
    assert browser.get("/")["Location"].startswith(reverse("accounts:login"))
    assert api.get("/api/v1/posts/").status_code == 401
    assert not UserSession.objects.filter(user=editor).exists()
    assert not ApiToken.objects.usable().filter(user=editor).exists()
    assert ApiToken.objects.filter(user=editor, revoked_at__isnull=False).count() == 1


def test_the_service_ends_sessions_and_tokens_and_tells_other_apps(
    editor, administrator, signed_in, heard
):
    browser, api = signed_in
    assert services.deactivate_user(administrator, editor) is True
    _assert_locked_out(editor, browser, api)
    assert heard == [editor.pk]
    entry = AuditLogEntry.objects.get(action="accounts.user.deactivated")
    assert entry.actor == administrator
    assert entry.data == {"sessions": 1, "revoked": 1}


def test_only_the_administration_deactivates(editor, head):
    with pytest.raises(NotAllowed):
        services.deactivate_user(head, editor)
    editor.refresh_from_db()
    assert editor.is_active


def test_nobody_deactivates_themselves(administrator):
    with pytest.raises(DomainError):
        services.deactivate_user(administrator, administrator)


def test_the_admin_action_deactivates(client, editor, administrator, signed_in, heard):
    browser, api = signed_in
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "deactivate", "_selected_action": [editor.pk]},
    )
    assert response.status_code == 302
    _assert_locked_out(editor, browser, api)
    assert heard == [editor.pk]


def test_switching_active_off_in_the_change_form_deactivates(
    client, editor, administrator, signed_in
):
    browser, api = signed_in
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[editor.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({
        "username": editor.username, "is_active": "", "date_joined_0": "01.01.2026",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
    })
    data.pop("groups", None)
    data.pop("user_permissions", None)
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    _assert_locked_out(editor, browser, api)
    assert AuditLogEntry.objects.filter(action="accounts.user.deactivated",
                                        actor=administrator).exists()


def test_the_management_command_deactivates(editor, signed_in, heard):
    browser, api = signed_in
    call_command("deactivate_user", editor.username)
    _assert_locked_out(editor, browser, api)
    assert heard == [editor.pk]
    assert AuditLogEntry.objects.get(action="accounts.user.deactivated").actor is None
