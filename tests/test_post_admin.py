"""The admin door: its actions call the same transitions, so the four-eyes rule holds there too."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from newsroom.models import APPROVED_STATES, Post, PostStatus
from newsroom.services import posts

from .factories import channel, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_head(department):
    person = member(Role.HEAD, department, username="staff-head", is_staff=True, is_superuser=True)
    return person


def _post(author, department):
    account = channel("facebook", department)
    post = posts.create_post(
        actor=author, department=department,
        data=posts.PostData(title="Admin", body="Text", channel_account_ids=[account.pk],
                            scheduled_at=timezone.now() + timedelta(days=1)),
    )
    review.submit_for_review(actor=author, post=post)
    return post


def _approve_in_admin(client, post):
    return client.post(
        "/admin/newsroom/post/",
        {"action": "approve_posts", "_selected_action": [post.pk]},
        follow=True,
    )


def test_admin_approves_through_the_transition(client, staff_head, editor, department):
    post = _post(editor, department)
    client.force_login(staff_head)
    response = _approve_in_admin(client, post)
    assert "1 Beitrag/Beiträge freigegeben" in response.content.decode()
    post.refresh_from_db()
    assert post.status in APPROVED_STATES and post.approved_by == staff_head


def test_even_a_superuser_cannot_approve_their_own_post_in_the_admin(
    client, staff_head, department
):
    post = _post(staff_head, department)
    client.force_login(staff_head)
    response = _approve_in_admin(client, post)
    assert "Vier-Augen-Prinzip" in response.content.decode()
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_posts_cannot_be_edited_in_the_admin(client, staff_head, editor, department):
    post = _post(editor, department)
    client.force_login(staff_head)
    client.post(f"/admin/newsroom/post/{post.pk}/change/", {"title": "Umgangen"})
    assert Post.objects.get(pk=post.pk).title == "Admin"


def test_administrators_role_cannot_approve(client, administrator, editor, department):
    post = _post(editor, department)
    client.force_login(administrator)
    response = _approve_in_admin(client, post)
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW
    assert response.status_code in (200, 403)
