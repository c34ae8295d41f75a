"""Who must use a second factor: read through ``accounts.permissions``' role lookup."""

import pytest

from accounts import twofactor
from accounts.roles import Role
from tests.factories import DepartmentFactory, member

pytestmark = pytest.mark.django_db


def test_it_requires_2fa_for_heads_duty_editors_and_administrators(
    require_2fa, head, duty_editor, administrator, editor
):
    assert twofactor.is_required_for(head)
    assert twofactor.is_required_for(duty_editor)
    assert twofactor.is_required_for(administrator)
    assert not twofactor.is_required_for(editor)


def test_a_role_in_an_inactive_department_does_not_count(require_2fa):
    closed = DepartmentFactory(number="98", name="Aufgelöstes Amt", is_active=False)
    former_head = member(Role.HEAD, closed, username="ehemals")
    assert not twofactor.is_required_for(former_head)
