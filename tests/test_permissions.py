import pytest

from accounts import permissions
from accounts.models import Membership
from accounts.roles import DepartmentPermission, Role
from accounts.services import grant_membership, revoke_membership

from .factories import member

pytestmark = pytest.mark.django_db


def test_editor_sees_only_own_department(editor, department, other_department):
    assert permissions.can(editor, "department.view", department)
    assert not permissions.can(editor, "department.view", other_department)
    assert permissions.department_ids_with(editor, DepartmentPermission.VIEW_WORK) == {
        department.pk
    }


def test_duty_editor_sees_every_department(duty_editor, department, other_department):
    assert permissions.can(duty_editor, "department.view", department)
    assert permissions.can(duty_editor, "department.view", other_department)
    assert permissions.has_department_permission(
        duty_editor, DepartmentPermission.APPROVE_POST, other_department
    )


def test_head_approves_only_in_own_department(head, department, other_department):
    assert permissions.has_department_permission(
        head, DepartmentPermission.APPROVE_POST, department
    )
    assert not permissions.has_department_permission(
        head, DepartmentPermission.APPROVE_POST, other_department
    )


def test_editor_cannot_approve(editor, department):
    assert not permissions.has_department_permission(
        editor, DepartmentPermission.APPROVE_POST, department
    )


def test_permissions_are_guardian_object_permissions(editor, department):
    assert editor.has_perm("accounts.draft_post", department)
    assert not editor.has_perm("accounts.approve_post", department)


def test_a_person_may_hold_roles_in_several_departments(department, other_department):
    person = member(Role.EDITOR, department)
    grant_membership(actor=None, user=person, department=other_department, role=Role.HEAD)
    assert permissions.has_department_permission(
        person, DepartmentPermission.APPROVE_POST, other_department
    )
    assert not permissions.has_department_permission(
        person, DepartmentPermission.APPROVE_POST, department
    )


def test_revoking_a_membership_takes_the_rights_away(editor, department):
    revoke_membership(actor=None, membership=Membership.objects.get(user=editor))
    editor.refresh_from_db()
    assert not permissions.can(editor, "department.view", department)
    assert not editor.has_perm("accounts.view_department_work", department)
    assert not editor.groups.filter(pk=department.group_id).exists()


def test_inactive_departments_grant_nothing(editor, department):
    department.is_active = False
    department.save()
    editor.refresh_from_db()
    assert not permissions.can(editor, "department.view", department)


def test_inactive_people_may_do_nothing(editor, department):
    editor.is_active = False
    editor.save()
    assert not permissions.can(editor, "department.view", department)


def test_members_are_in_their_department_group(editor, department):
    assert editor.groups.filter(pk=department.group_id).exists()


def test_access_is_read_with_two_queries_and_cached(editor, department, django_assert_num_queries):
    permissions.forget_access(editor)
    with django_assert_num_queries(2):
        for _ in range(5):
            permissions.can(editor, "department.view", department)


def test_unknown_actions_are_programming_errors(editor):
    with pytest.raises(ValueError):
        permissions.can(editor, "post.teleport", None)
