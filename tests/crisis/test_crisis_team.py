"""Who is on the crisis team: the predicate and the query agree."""

import pytest

from accounts import permissions
from accounts.roles import Role
from newsroom.notifications import crisis_team
from tests.factories import DepartmentFactory, member

pytestmark = pytest.mark.django_db


def test_it_finds_exactly_the_people_the_predicate_accepts(
    comms_department, department, duty_editor, administrator, head, editor
):
    closed = DepartmentFactory(number="99", name="Aufgelöstes Amt", is_active=False)
    comms_head = member(Role.HEAD, comms_department, username="leitung13")
    comms_editor = member(Role.EDITOR, comms_department, username="redaktion13")
    duty_of_closed = member(Role.DUTY_EDITOR, closed, username="cvd-alt")
    left = member(Role.ADMIN, comms_department, username="ausgeschieden", is_active=False)
    people = [duty_editor, administrator, head, editor, comms_head, comms_editor,
              duty_of_closed, left]

    expected = {person.pk for person in people if permissions.is_crisis_team(person)}
    assert expected == {duty_editor.pk, administrator.pk, comms_head.pk}
    assert set(permissions.crisis_team_members().values_list("pk", flat=True)) == expected
    assert {person.pk for person in crisis_team(exclude={duty_editor.pk})} == (
        expected - {duty_editor.pk}
    )


def test_a_head_of_the_comms_department_drops_out_when_it_is_closed(comms_department):
    comms_head = member(Role.HEAD, comms_department, username="leitung13")
    type(comms_department).objects.filter(pk=comms_department.pk).update(is_active=False)
    permissions.forget_access(comms_head)
    assert not permissions.is_crisis_team(comms_head)
    assert not permissions.crisis_team_members().filter(pk=comms_head.pk).exists()
