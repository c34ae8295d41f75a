import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts import permissions
from accounts.models import Membership
from accounts.roles import Role
from newsroom.models import AuditLogEntry

pytestmark = pytest.mark.django_db
User = get_user_model()


def run(*args):
    out = io.StringIO()
    call_command("add_member", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_person_with_a_role(department, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("ein-sicheres-passwort\n"))
    output = run("lena", "--department", "57", "--role", "editor", "--email", "l@stadt.example",
                 "--password-stdin")
    user = User.objects.get(username="lena")
    assert "Created lena" in output
    assert user.email == "l@stadt.example"
    assert user.check_password("ein-sicheres-passwort")
    assert Membership.objects.filter(user=user, department=department, role="editor").exists()
    assert permissions.can(user, "department.view", department)
    assert AuditLogEntry.objects.filter(action="accounts.membership.granted").count() == 1


def test_it_updates_an_existing_person_with_another_role(department, other_department):
    run("lena", "--department", "57", "--role", "editor")
    output = run("lena", "--department", "66", "--role", "head")
    user = User.objects.get(username="lena")
    assert "Updated lena" in output
    assert set(user.memberships.values_list("department__number", "role")) == {
        ("57", "editor"), ("66", "head")
    }
    assert not user.has_usable_password()


def test_it_is_idempotent(department):
    run("lena", "--department", "57", "--role", "editor")
    run("lena", "--department", "57", "--role", "editor")
    assert Membership.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="accounts.membership.granted").count() == 1


def test_it_refuses_an_unknown_department(db):
    with pytest.raises(CommandError, match="kein Amt mit der Nummer „99“"):
        run("lena", "--department", "99", "--role", "editor")
    assert not User.objects.filter(username="lena").exists()


def test_it_refuses_an_unknown_role(department):
    with pytest.raises(CommandError):
        run("lena", "--department", "57", "--role", "chef")


def test_it_refuses_a_weak_password(department, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        run("lena", "--department", "57", "--role", "editor", "--password-stdin")
    assert not User.objects.filter(username="lena").exists()


def test_admin_role_opens_the_django_admin(comms_department):
    run("martin", "--department", "13", "--role", Role.ADMIN)
    user = User.objects.get(username="martin")
    assert user.is_staff
    assert user.has_perm("accounts.change_department")
    assert permissions.can(user, "admin.access")
