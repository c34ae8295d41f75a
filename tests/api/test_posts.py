"""Posts and the four-eyes review from the API door."""

import uuid
from datetime import timedelta

import pytest
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.roles import Role
from approvals import services as approvals
from newsroom.api.auth import TokenThrottle
from newsroom.models import Post, PostStatus
from newsroom.services import posts
from tests.factories import PASSWORD, channel, image_asset, member

pytestmark = pytest.mark.django_db

POSTS = reverse("api:post-list")


def detail(post, action: str = "") -> str:
    name = f"api:post-{action}" if action else "api:post-detail"
    return reverse(name, kwargs={"pk": post.pk if hasattr(post, "pk") else post})


def client_for(user) -> APIClient:
    """A client that authenticates with a personal token, as scripts do."""
    _token, key = ApiToken.issue(user, name="Test")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture(autouse=True)
def _own_throttle_cache(monkeypatch):
    monkeypatch.setattr(TokenThrottle, "cache", LocMemCache(f"api-posts-{uuid.uuid4()}", {}))


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Stadt auf Facebook")


@pytest.fixture
def draft(editor, department, facebook):
    return posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Radwoche", body="Die Radwoche beginnt!",
                            channel_account_ids=[facebook.pk],
                            scheduled_at=timezone.now() + timedelta(days=2)),
    )


@pytest.fixture
def in_review(draft, editor):
    approvals.submit_for_review(actor=editor, post=draft)
    draft.refresh_from_db()
    return draft


def test_it_runs_the_whole_flow_with_token_auth(department, editor, head, facebook):
    anonymous = APIClient()
    response = anonymous.post(reverse("api:token"),
                              {"username": editor.username, "password": PASSWORD, "name": "CMS"})
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "CMS"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    response = client.post(POSTS, {
        "department": department.pk,
        "title": "Baumpflanzung",
        "body": "Wir pflanzen 100 Bäume. #Stadtgrün",
        "tags": ["Stadtgrün", "Umwelt"],
        "channel_account_ids": [facebook.pk],
        "scheduled_at": "2030-05-04T10:00:00",
        "variants": {"facebook": {"text": "Auf Facebook: 100 Bäume!"}},
    }, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "draft"
    assert created["version"] == 1
    assert created["author"] == editor.pk
    assert created["tags"] == ["stadtgrün", "umwelt"]
    # A time without offset is Berlin wall-clock time (summer time: +02:00).
    assert created["scheduled_at"] == "2030-05-04T10:00:00+02:00"
    assert created["variants"]["facebook"]["text"] == "Auf Facebook: 100 Bäume!"
    assert created["variants"]["facebook"]["media_ids"] is None
    assert "counters" in created["validation"]["facebook"]

    response = client.post(detail(created["id"], "submit"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"

    reviewer = client_for(head)
    assert reviewer.get(reverse("api:review-queue")).json()["results"][0]["id"] == created["id"]
    response = reviewer.post(detail(created["id"], "approve"), {"expected_version": 1},
                             format="json")
    assert response.status_code == 200, response.content
    # Approved (with a time in the future it is planned for publication at once).
    assert response.json()["status"] in {"approved", "scheduled"}
    assert Post.objects.get(pk=created["id"]).approved_by == head


def test_it_refuses_approval_by_the_author(department, facebook):
    head_who_writes = member(Role.HEAD, department)
    post = posts.create_post(
        actor=head_who_writes, department=department,
        data=posts.PostData(title="Eigenes", body="Text", channel_account_ids=[facebook.pk]),
    )
    approvals.submit_for_review(actor=head_who_writes, post=post)
    response = client_for(head_who_writes).post(detail(post, "approve"))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert response.json()["detail"]


def test_it_refuses_approval_by_someone_who_edited_the_version(in_review, head):
    client = client_for(head)
    response = client.patch(detail(in_review), {"body": "Von der Amtsleitung geändert"},
                            format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_review"
    assert response.json()["version"] == 2
    assert client.post(detail(in_review, "approve")).status_code == 403


def test_another_departments_editor_does_not_find_the_post(draft, other_editor):
    client = client_for(other_editor)
    for response in (
        client.get(detail(draft)),
        client.patch(detail(draft), {"title": "Fremd"}, format="json"),
        client.post(detail(draft, "submit")),
        client.get(detail(draft, "comments")),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert client.get(POSTS).json()["count"] == 0


def test_a_stale_expected_version_is_a_conflict(draft, editor):
    client = client_for(editor)
    first = client.patch(detail(draft), {"body": "Erste Änderung", "expected_version": 1},
                         format="json")
    assert first.status_code == 200
    assert first.json()["version"] == 2
    second = client.patch(detail(draft), {"body": "Zweite Änderung", "expected_version": 1},
                          format="json")
    assert second.status_code == 409
    assert second.json()["code"] == "conflict"
    assert "inzwischen" in second.json()["detail"]
    draft.refresh_from_db()
    assert draft.body == "Erste Änderung"


def test_approving_a_version_the_reviewer_has_not_seen_is_a_conflict(in_review, editor, head):
    client_for(editor).patch(detail(in_review), {"body": "Still geändert"}, format="json")
    response = client_for(head).post(detail(in_review, "approve"), {"expected_version": 1},
                                     format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


def test_approving_after_the_time_passed_is_refused_with_the_reason(in_review, head):
    Post.objects.filter(pk=in_review.pk).update(scheduled_at=timezone.now() - timedelta(hours=1))
    response = client_for(head).post(detail(in_review, "approve"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_state"
    assert "verstrichen" in body["detail"]
    assert body["errors"]["scheduled_at"] == [body["detail"]]


@pytest.mark.parametrize(("wall_clock", "code", "words"), [
    ("2030-03-31T02:30", "nonexistent_time", "gibt es am 31.03.2030 nicht"),
    ("2030-10-27T02:30", "ambiguous_time", "gibt es am 27.10.2030 zweimal"),
])
def test_dst_gaps_and_overlaps_are_field_errors(department, editor, wall_clock, code, words):
    response = client_for(editor).post(
        POSTS, {"department": department.pk, "title": "Zur Zeitumstellung",
                "scheduled_at": wall_clock}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert words in body["errors"]["scheduled_at"][0]
    assert not Post.objects.exists()


def test_a_time_with_offset_is_taken_as_it_is(department, editor):
    response = client_for(editor).post(
        POSTS, {"department": department.pk, "title": "UTC",
                "scheduled_at": "2030-10-27T01:30:00Z"}, format="json")
    assert response.status_code == 201
    assert response.json()["scheduled_at"] == "2030-10-27T02:30:00+01:00"


def test_instagram_without_an_image_cannot_be_submitted(department, editor):
    instagram = channel("instagram", department)
    client = client_for(editor)
    created = client.post(POSTS, {"department": department.pk, "title": "Ohne Bild",
                                  "body": "Text", "channel_account_ids": [instagram.pk]},
                          format="json").json()
    issues = created["validation"]["instagram"]["issues"]
    assert any(issue["level"] == "error" for issue in issues)
    response = client.post(detail(created["id"], "submit"))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "not_ready"
    instagram_fields = [field for field in body["errors"] if field.startswith("variants.instagram")]
    assert instagram_fields
    assert all(isinstance(message, str) for field in instagram_fields
               for message in body["errors"][field])
    assert Post.objects.get(pk=created["id"]).status == PostStatus.DRAFT


def test_creating_needs_a_department_the_person_drafts_in(editor, other_department):
    client = client_for(editor)
    missing = client.post(POSTS, {"title": "Ohne Amt"}, format="json")
    assert missing.status_code == 400
    assert "department" in missing.json()["errors"]
    foreign = client.post(POSTS, {"title": "Fremd", "department": other_department.pk},
                          format="json")
    assert foreign.status_code == 403


def test_community_managers_read_but_do_not_write(draft, community):
    client = client_for(community)
    assert client.get(detail(draft)).status_code == 200
    assert client.patch(detail(draft), {"title": "Nein"}, format="json").status_code == 403
    assert client.post(detail(draft, "submit")).status_code == 403


def test_service_errors_carry_their_field(draft, editor, other_department):
    foreign_account = channel("x", other_department)
    response = client_for(editor).patch(
        detail(draft), {"channel_account_ids": [foreign_account.pk]}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"channel_account_ids": [body["detail"]]}


def test_put_replaces_the_post_and_a_read_post_can_be_sent_back(draft, editor):
    client = client_for(editor)
    read = client.get(detail(draft)).json()
    response = client.put(detail(draft), {**read, "expected_version": read["version"]},
                          format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == read["version"]  # nothing changed, no new version
    replaced = client.put(detail(draft), {"title": "Neu", "expected_version": read["version"]},
                          format="json")
    assert replaced.status_code == 200
    assert replaced.json()["channel_account_ids"] == []
    assert replaced.json()["body"] == ""


def test_request_changes_needs_a_comment(in_review, head):
    client = client_for(head)
    empty = client.post(detail(in_review, "request-changes"), {"comment": " "}, format="json")
    assert empty.status_code == 400
    assert "comment" in empty.json()["errors"]
    response = client.post(detail(in_review, "request-changes"),
                           {"comment": "Bitte Uhrzeit ergänzen."}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "changes_requested"
    comments = client.get(detail(in_review, "comments")).json()
    assert [c["text"] for c in comments] == ["Bitte Uhrzeit ergänzen."]


def test_comments_withdraw_and_delete(draft, editor):
    client = client_for(editor)
    response = client.post(detail(draft, "comments"), {"text": "Bild folgt."}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == editor.pk
    assert client.post(detail(draft, "comments"), {"text": ""}, format="json").status_code == 400
    assert client.post(detail(draft, "withdraw")).json()["status"] == "withdrawn"
    assert client.post(detail(draft, "withdraw")).status_code == 409
    assert client.delete(detail(draft)).status_code == 204
    assert not Post.objects.filter(pk=draft.pk).exists()


def test_the_list_filters(draft, in_review, editor, head, department, facebook):
    own = posts.create_post(actor=head, department=department,
                            data=posts.PostData(title="Von der Leitung",
                                                channel_account_ids=[facebook.pk]))
    client = client_for(head)
    ids = lambda query: [row["id"] for row in client.get(POSTS, query).json()["results"]]  # noqa: E731
    assert set(ids({})) == {draft.pk, own.pk}
    assert ids({"status": "in_review"}) == [in_review.pk]
    assert ids({"mine": "true"}) == [own.pk]
    assert ids({"department": department.pk + 1000}) == []
    assert client.get(POSTS, {"status": "kaputt"}).status_code == 400


def _fill(department, author, account, count: int) -> None:
    asset = image_asset(department)
    for number in range(count):
        posts.create_post(
            actor=author, department=department,
            data=posts.PostData(
                title=f"Beitrag {number}", body="Text", tags=["a", f"t{number}"],
                channel_account_ids=[account.pk], media_ids=[asset.pk],
                variants={"facebook": posts.VariantData(text="Eigen", media_ids=[])},
            ),
        )


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_5_and_30_posts(
    department, editor, facebook, django_assert_max_num_queries
):
    client = client_for(editor)
    client.get(POSTS)  # the token's first use records last_used_at once
    _fill(department, editor, facebook, 5)
    few = _count_queries(client, POSTS)
    _fill(department, editor, facebook, 25)
    with django_assert_max_num_queries(12):
        response = client.get(POSTS)
    assert response.json()["count"] == 30
    many = _count_queries(client, POSTS)
    assert many == few
