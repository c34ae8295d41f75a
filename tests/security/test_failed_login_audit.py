"""Failed sign-ins are audited without what was typed into the username field."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from accounts import services
from newsroom.models import AuditLogEntry

pytestmark = pytest.mark.django_db

SECRET_TYPED_AS_NAME = "Sommer2026!Geheim"


def _login(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": "falsch"})


def _stored_text() -> str:
    return " ".join(
        f"{entry.data} {entry.object_repr} {entry.message()}"
        for entry in AuditLogEntry.objects.all()
    )


def test_a_failed_sign_in_of_a_known_account_names_the_account(client, editor):
    _login(client, editor.username)
    entry = AuditLogEntry.objects.get(action="accounts.user.login_failed")
    assert entry.object_id == str(editor.pk)
    assert entry.data == {}
    assert entry.message() == f"Fehlgeschlagene Anmeldung für {editor}."


def test_an_unknown_name_is_kept_only_as_a_keyed_reference(client):
    _login(client, SECRET_TYPED_AS_NAME)
    _login(client, SECRET_TYPED_AS_NAME)
    entries = list(AuditLogEntry.objects.filter(action="accounts.user.login_failed_unknown"))
    assert len(entries) == 2
    reference = services.username_reference(SECRET_TYPED_AS_NAME)
    assert [entry.data for entry in entries] == [{"username_ref": reference}] * 2
    assert entries[0].object_id == ""
    assert "unbekannten Benutzernamen" in entries[0].message()
    assert SECRET_TYPED_AS_NAME not in _stored_text()
    assert SECRET_TYPED_AS_NAME.lower() not in _stored_text().lower()


def test_a_lockout_and_its_lifting_do_not_store_the_typed_name(client, administrator, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _attempt in range(3):
        _login(client, SECRET_TYPED_AS_NAME)
    assert AuditLogEntry.objects.filter(action="accounts.user.locked_out_unknown").exists()
    assert AccessAttempt.objects.filter(username=SECRET_TYPED_AS_NAME).exists()
    services.unlock_login(actor=administrator, username=SECRET_TYPED_AS_NAME)
    unlocked = AuditLogEntry.objects.get(action="accounts.user.unlocked_unknown")
    assert unlocked.actor == administrator
    assert SECRET_TYPED_AS_NAME not in _stored_text()


def test_a_lockout_of_a_known_account_names_it(client, editor, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(3):
        _login(client, editor.username)
    entry = AuditLogEntry.objects.filter(action="accounts.user.locked_out").first()
    assert entry is not None and entry.object_id == str(editor.pk)
    assert "username" not in entry.data
