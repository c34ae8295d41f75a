"""The review queue: what waits for the person's approval, most urgent first."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.roles import Role
from approvals import services as approvals
from approvals.models import Review
from newsroom.services import posts
from tests.factories import channel, member

pytestmark = pytest.mark.django_db

QUEUE = reverse("api:review-queue")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submitted(author, department, account, title, *, in_hours=None, submitted_minutes_ago=0):
    post = posts.create_post(
        actor=author, department=department,
        data=posts.PostData(
            title=title, body="Text", channel_account_ids=[account.pk],
            scheduled_at=None if in_hours is None else timezone.now() + timedelta(hours=in_hours),
        ),
    )
    approvals.submit_for_review(actor=author, post=post)
    Review.objects.filter(post=post).update(
        submitted_at=timezone.now() - timedelta(minutes=submitted_minutes_ago)
    )
    return post


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_it_lists_the_most_urgent_first(department, other_department, editor, head,
                                        other_editor):
    facebook = channel("facebook", department)
    submitted(editor, department, facebook, "In drei Tagen", in_hours=72)
    submitted(editor, department, facebook, "Morgen", in_hours=24)
    submitted(editor, department, facebook, "Sofort, früh eingereicht", submitted_minutes_ago=90)
    submitted(editor, department, facebook, "Sofort, spät eingereicht", submitted_minutes_ago=5)
    submitted(head, department, facebook, "Von der Amtsleitung selbst", in_hours=1)
    submitted(other_editor, other_department, channel("x", other_department), "Fremdes Amt",
              in_hours=2)
    posts.create_post(actor=editor, department=department,
                      data=posts.PostData(title="Nur ein Entwurf"))

    rows = client_for(head).get(QUEUE)
    # The head's own post is left out (four eyes), as is another department's post.
    assert titles(rows) == ["Morgen", "In drei Tagen", "Sofort, früh eingereicht",
                            "Sofort, spät eingereicht"]
    assert rows.json()["results"][0]["submitted_at"]


def test_a_duty_editor_sees_every_department_and_filters(
    department, other_department, editor, other_editor, duty_editor
):
    submitted(editor, department, channel("facebook", department), "Umwelt", in_hours=30)
    submitted(other_editor, other_department, channel("x", other_department), "Verkehr",
              in_hours=3)
    client = client_for(duty_editor)
    assert titles(client.get(QUEUE)) == ["Verkehr", "Umwelt"]
    assert titles(client.get(QUEUE, {"department": department.pk})) == ["Umwelt"]
    assert titles(client.get(QUEUE, {"network": "x"})) == ["Verkehr"]
    due = (timezone.localtime() + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    assert titles(client.get(QUEUE, {"due_before": due})) == ["Verkehr"]
    assert client.get(QUEUE, {"network": "myspace"}).status_code == 400


def test_people_who_do_not_review_are_turned_away(editor, community):
    for person in (editor, community):
        response = client_for(person).get(QUEUE)
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"


def _count(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(QUEUE).status_code == 200
    return len(queries)


def test_the_queue_costs_the_same_for_3_and_15_posts(department, head,
                                                     django_assert_max_num_queries):
    facebook = channel("facebook", department)
    authors = [member(Role.EDITOR, department) for _ in range(3)]
    client = client_for(head)
    client.get(QUEUE)  # the forced user keeps its access cache: count from the second call
    for number in range(3):
        submitted(authors[number % 3], department, facebook, f"B{number}", in_hours=number + 1)
    few = _count(client)
    for number in range(3, 15):
        submitted(authors[number % 3], department, facebook, f"B{number}", in_hours=number + 1)
    with django_assert_max_num_queries(12):
        assert len(client.get(QUEUE).json()["results"]) == 15
    many = _count(client)
    assert many == few
