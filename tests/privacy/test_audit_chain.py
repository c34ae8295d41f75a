"""The audit log's hash chain: command, admin page, truncation by the retention rule."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import grant_membership
from newsroom import audit
from newsroom.models import AuditLogEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entries(department, count=4):
    user = UserFactory()
    roles = [Role.EDITOR, Role.HEAD, Role.COMMUNITY, Role.DUTY_EDITOR, Role.ADMIN]
    for role in roles[:count]:
        grant_membership(actor=None, user=user, department=department, role=role)
    return list(AuditLogEntry.objects.order_by("id"))


def test_it_reports_an_intact_chain(department, capsys):
    _entries(department)
    call_command("verify_audit_log")
    assert "intact: 4 entries checked" in capsys.readouterr().out


def test_it_fails_and_names_a_tampered_entry(department):
    entries = _entries(department)
    AuditLogEntry.objects.filter(pk=entries[2].pk).update(actor_display="Jemand anderes")
    with pytest.raises(CommandError) as error:
        call_command("verify_audit_log")
    assert f"#{entries[2].pk}" in str(error.value)
    assert "verändert" in str(error.value)
    assert "2 entries before it are intact" in str(error.value)


def test_it_names_the_entry_after_a_deleted_one(department):
    entries = _entries(department)
    AuditLogEntry.objects.filter(pk=entries[1].pk).delete()
    with pytest.raises(CommandError) as error:
        call_command("verify_audit_log")
    assert f"#{entries[2].pk}" in str(error.value)
    assert "Vorgänger" in str(error.value)


def test_it_exits_nonzero_from_the_command_line(department):
    entries = _entries(department)
    AuditLogEntry.objects.filter(pk=entries[0].pk).update(data={"role": "Admin"})
    with pytest.raises(CommandError):
        call_command("verify_audit_log")
    # CommandError is what makes manage.py exit with status 1.


def test_a_removed_first_entry_is_noticed(department):
    entries = _entries(department)
    AuditLogEntry.objects.filter(pk=entries[0].pk).delete()
    report = audit.verify_audit_chain()
    assert report.first_broken_id == entries[1].pk


def test_truncation_keeps_the_rest_of_the_chain_verifiable(department):
    entries = _entries(department)
    old = timezone.now() - timedelta(days=4000)
    # Backdate the first two (their hashes are recomputed as if they had been written then).
    for entry in entries[:2]:
        AuditLogEntry.objects.filter(pk=entry.pk).update(created_at=old)
    _rehash_all()
    assert audit.verify_audit_chain().intact

    removed = audit.truncate_before(timezone.now() - timedelta(days=3650))

    assert removed == 2
    assert not AuditLogEntry.objects.filter(pk__in=[e.pk for e in entries[:2]]).exists()
    report = audit.verify_audit_chain()
    assert report.intact, report
    assert report.anchored_at_id == entries[2].pk
    truncation = AuditLogEntry.objects.get(action=audit.TRUNCATED_ACTION)
    assert truncation.data["up_to_id"] == entries[1].pk
    # Deleting more of the start by hand is still noticed.
    AuditLogEntry.objects.filter(pk=entries[2].pk).delete()
    assert audit.verify_audit_chain().first_broken_id == entries[3].pk


def _rehash_all():
    """Rebuild the chain after backdating (test set-up only)."""
    previous = ""
    for entry in AuditLogEntry.objects.order_by("id"):
        entry.previous_hash = previous
        entry.entry_hash = entry.compute_hash()
        AuditLogEntry.objects.filter(pk=entry.pk).update(
            previous_hash=previous, entry_hash=entry.entry_hash
        )
        previous = entry.entry_hash


def test_the_admin_page_shows_the_first_broken_entry(client, department, administrator):
    entries = _entries(department)
    client.force_login(administrator)
    url = reverse("admin:newsroom_auditlogentry_verify")
    response = client.get(url)
    assert response.status_code == 200
    assert "Die Prüfkette ist vollständig." in response.text
    AuditLogEntry.objects.filter(pk=entries[-1].pk).update(object_repr="Manipuliert")
    response = client.get(url)
    assert f"ab Eintrag Nr. {entries[-1].pk} unterbrochen" in response.text
    assert "Manipuliert" not in response.text or "audit-chain-broken" in response.text
    changelist = client.get(reverse("admin:newsroom_auditlogentry_changelist"))
    assert url in changelist.text


def test_the_admin_page_is_for_administrators_only(client, department, editor):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    response = client.get(reverse("admin:newsroom_auditlogentry_verify"))
    assert response.status_code == 403
