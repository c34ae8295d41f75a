import pytest

from accounts.roles import Role
from accounts.services import grant_membership
from newsroom import audit
from newsroom.models import AuditLogEntry
from newsroom.models.audit import AppendOnlyError

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_masks_secrets_in_details(department):
    entry = audit.log(
        "accounts.user.created",
        obj=department,
        data={"password": "geheim", "nested": {"access_token": "abc", "name": "ok"},
              "list": [{"client_secret": "x"}]},
    )
    assert entry.data == {
        "password": "***", "nested": {"access_token": "***", "name": "ok"},
        "list": [{"client_secret": "***"}],
    }


def test_it_is_append_only(department):
    entry = audit.log("accounts.user.created", obj=department)
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_it_chains_entries_and_finds_the_first_broken_link(department):
    user = UserFactory()
    for role in (Role.EDITOR, Role.HEAD, Role.COMMUNITY):
        grant_membership(actor=None, user=user, department=department, role=role)
    report = audit.verify_audit_chain()
    assert report.intact and report.checked == 3
    second = AuditLogEntry.objects.order_by("id")[1]
    # Tampering behind the application's back, directly in the database.
    AuditLogEntry.objects.filter(pk=second.pk).update(data={"role": "Administrator/in"})
    report = audit.verify_audit_chain()
    assert report.first_broken_id == second.pk
    assert report.checked == 1


def test_it_tells_people_what_happened(department):
    actor = UserFactory(first_name="Julia", last_name="Weber")
    person = UserFactory(first_name="Lena", last_name="Vogel")
    grant_membership(actor=actor, user=person, department=department, role=Role.EDITOR)
    entry = AuditLogEntry.objects.get()
    assert entry.message() == (
        "Julia Weber hat Lena Vogel die Rolle „Redakteur/in“ im Amt 57 gegeben."
    )


def test_unregistered_actions_are_refused(department):
    with pytest.raises(ValueError):
        audit.log("newsroom.nonsense", obj=department)


def test_it_records_the_client_address(client, editor):
    client.post("/accounts/login/", {"username": "redakteurin", "password": "geheim-genug-123"},
                REMOTE_ADDR="192.0.2.10")
    entry = AuditLogEntry.objects.get(action="accounts.user.logged_in")
    assert entry.ip_address == "192.0.2.10"
    assert entry.actor == editor
