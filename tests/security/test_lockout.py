"""Login throttling (django-axes): lockout, German message, cool-off, audited unlock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts import services
from newsroom.errors import NotAllowed
from newsroom.models import AuditLogEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Zu viele fehlgeschlagene Anmeldeversuche"


@pytest.fixture(autouse=True)
def _three_failures(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _lock(client, username):
    responses = [_login(client, username, "falsch") for _ in range(3)]
    return responses[-1]


def test_it_locks_out_after_repeated_failures_with_a_german_page(client, editor):
    first = _login(client, editor.username, "falsch")
    assert first.status_code == 200
    assert "Benutzername oder Passwort ist falsch" in first.content.decode()

    locked = _lock(client, editor.username)

    assert locked.status_code == 429
    page = locked.content.decode()
    assert LOCKED in page and "15 Minuten" in page
    assert '<form method="post"' in page  # the login page, not a bare error
    # Even the right password is refused now.
    assert _login(client, editor.username, PASSWORD).status_code == 429
    assert AuditLogEntry.objects.filter(action="accounts.user.locked_out",
                                        object_id=str(editor.pk)).exists()


def test_a_lockout_ends_after_the_cool_off(client, editor):
    _lock(client, editor.username)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = _login(client, editor.username, PASSWORD)
    assert response.status_code == 302


def test_other_people_can_still_sign_in(client, editor, head):
    _lock(client, editor.username)
    assert _login(client, head.username, PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin_with_an_audit_entry(client, editor,
                                                                    administrator):
    _lock(client, editor.username)
    admin_client = client.__class__()
    admin_client.force_login(administrator)
    changelist = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    attempt = AccessAttempt.objects.get(username=editor.username)
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=editor.username).exists()
    entry = AuditLogEntry.objects.get(action="accounts.user.unlocked")
    assert entry.actor == administrator
    assert entry.object_id == str(editor.pk)
    assert "username" not in entry.data
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_only_the_administration_may_unlock(editor, head):
    with pytest.raises(NotAllowed):
        services.unlock_login(actor=head, username=editor.username)


def test_token_requests_do_not_count_as_failed_logins(client, editor):
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token falsch")
    for _ in range(5):
        assert api.get("/api/v1/posts/").status_code == 401
    assert not AccessAttempt.objects.exists()
    assert _login(client, editor.username, PASSWORD).status_code == 302


def test_the_token_endpoint_is_locked_too_and_answers_in_json(client, editor, settings):
    from rest_framework.test import APIClient

    api = APIClient()
    url = reverse("api:token")
    for _ in range(3):
        response = api.post(url, {"username": editor.username, "password": "falsch"},
                            format="json")
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
