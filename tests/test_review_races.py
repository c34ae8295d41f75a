"""Two people acting at the same moment end in one consistent outcome (two real connections)."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from approvals.models import Review, ReviewStatus
from newsroom.errors import DomainError
from newsroom.models import APPROVED_STATES, AuditLogEntry, Post, PostStatus
from newsroom.services import posts

from .factories import DepartmentFactory, channel, member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs two concurrent connections to PostgreSQL")


def run_together(*actions):
    """Run the actions in threads released at the same instant; return each outcome."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            outcomes[index] = ("ok", action())
        except (DomainError, PermissionDenied) as exc:
            outcomes[index] = ("refused", exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.fixture
def submitted():
    department = DepartmentFactory(number="57")
    comms = DepartmentFactory(number="13")
    editor = member(Role.EDITOR, department)
    facebook = channel("facebook", department)
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Wettlauf", body="Text", channel_account_ids=[facebook.pk],
                            scheduled_at=timezone.now() + timedelta(days=1)),
    )
    review.submit_for_review(actor=editor, post=post)
    return {
        "post": post,
        "editor": editor,
        "head": member(Role.HEAD, department),
        "duty_editor": member(Role.DUTY_EDITOR, comms),
    }


@pytest.mark.parametrize("attempt", range(3))
def test_two_approvals_at_once_approve_exactly_once(submitted, attempt):
    post = submitted["post"]
    outcomes = run_together(
        lambda: review.approve(actor=submitted["head"], post=Post.objects.get(pk=post.pk)),
        lambda: review.approve(actor=submitted["duty_editor"], post=Post.objects.get(pk=post.pk)),
    )
    assert sorted(kind for kind, _value in outcomes) == ["ok", "refused"]
    post.refresh_from_db()
    assert post.status in APPROVED_STATES
    assert Review.objects.filter(post=post, status=ReviewStatus.APPROVED).count() == 1
    assert AuditLogEntry.objects.filter(action="newsroom.post.approved").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_approval_and_edit_at_once_leave_a_consistent_post(submitted, attempt):
    post = submitted["post"]

    def edit():
        current = Post.objects.get(pk=post.pk)
        data = posts.data_from_post(current)
        data.body = "Zeitgleich geändert"
        return posts.update_post(actor=submitted["editor"], post=current, data=data)

    outcomes = run_together(
        lambda: review.approve(actor=submitted["head"], post=Post.objects.get(pk=post.pk)),
        edit,
    )
    post.refresh_from_db()
    open_reviews = list(Review.objects.filter(post=post, status=ReviewStatus.OPEN))
    approved = list(Review.objects.filter(post=post, status=ReviewStatus.APPROVED))
    if post.status in APPROVED_STATES:
        # The edit lost the race and was refused; what is approved is what was reviewed.
        assert outcomes[1][0] == "refused"
        assert approved[0].version == post.version and not open_reviews
    else:
        # The edit counts: whatever was approved no longer holds; the new version awaits review.
        assert post.status == PostStatus.IN_REVIEW
        assert post.body == "Zeitgleich geändert"
        assert len(open_reviews) == 1 and open_reviews[0].version == post.version
        assert post.approved_by is None
