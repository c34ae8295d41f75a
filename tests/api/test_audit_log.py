"""The audit log from the API door: who sees which entries."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from newsroom.services import posts

pytestmark = pytest.mark.django_db

AUDIT = reverse("api:audit-log")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def two_departments_posts(editor, other_editor, department, other_department):
    own = posts.create_post(actor=editor, department=department,
                            data=posts.PostData(title="Umwelt-Beitrag"))
    other = posts.create_post(actor=other_editor, department=other_department,
                              data=posts.PostData(title="Verkehrs-Beitrag"))
    return own, other


def rows(client, **query) -> list[dict]:
    response = client.get(AUDIT, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_a_head_sees_only_the_own_departments_entries(head, department, two_departments_posts):
    own, _other = two_departments_posts
    entries = rows(client_for(head))
    assert entries
    assert {entry["department"] for entry in entries} == {department.pk}
    created = [e for e in entries if e["action"] == "newsroom.post.created"]
    assert [e["object_id"] for e in created] == [str(own.pk)]
    assert created[0]["message"] == (
        f"{created[0]['actor_display']} hat den Beitrag „Umwelt-Beitrag“ angelegt."
    )
    assert created[0]["object_type"] == "newsroom.post"


def test_duty_editors_and_administrators_see_everything(duty_editor, administrator,
                                                        two_departments_posts):
    own, other = two_departments_posts
    for person in (duty_editor, administrator):
        created = rows(client_for(person), action="newsroom.post.created")
        assert {e["object_id"] for e in created} == {str(own.pk), str(other.pk)}


def test_it_filters(duty_editor, editor, other_department, two_departments_posts):
    own, other = two_departments_posts
    client = client_for(duty_editor)
    assert {e["object_id"] for e in rows(client, department=other_department.pk,
                                         action="newsroom.post.created")} == {str(other.pk)}
    assert {e["object_id"] for e in rows(client, actor=editor.pk)} == {str(own.pk)}
    assert [e["action"] for e in rows(client, object_id=own.pk, object_type="newsroom.post")
            ] == ["newsroom.post.created"]
    assert rows(client, since="2999-01-01T00:00") == []
    assert rows(client, until="2000-01-01T00:00") == []
    assert client.get(AUDIT, {"since": "gestern"}).status_code == 400


def test_editors_and_community_managers_do_not_see_the_log(editor, community):
    for person in (editor, community):
        assert client_for(person).get(AUDIT).status_code == 403
