"""The four-eyes review from the code door: the service functions themselves."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from approvals.models import Review, ReviewStatus
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import APPROVED_STATES, AuditLogEntry, Notification, PostStatus
from newsroom.services import posts
from newsroom.services.validation import NotReadyForReview
from newsroom.timezones import AmbiguousTime, NonexistentTime, berlin_wall_clock_to_aware

from .factories import channel, image_asset, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Stadt auf Facebook")


@pytest.fixture
def draft(editor, department, facebook):
    return posts.create_post(
        actor=editor,
        department=department,
        data=posts.PostData(
            title="Radwoche",
            body="Die Radwoche beginnt am Montag! #Radwoche",
            channel_account_ids=[facebook.pk],
            scheduled_at=timezone.now() + timedelta(days=2),
        ),
    )


def test_an_editor_drafts_submits_and_the_head_approves(
    draft, editor, head, django_capture_on_commit_callbacks
):
    assert draft.status == PostStatus.DRAFT
    assert [v.network for v in draft.variants.all()] == ["facebook"]
    with django_capture_on_commit_callbacks(execute=True):
        submitted = review.submit_for_review(actor=editor, post=draft)
    draft.refresh_from_db()
    assert draft.status == PostStatus.IN_REVIEW
    assert submitted.snapshot["body"] == "Die Radwoche beginnt am Montag! #Radwoche"
    assert Notification.objects.filter(recipient=head, kind="review_requested").exists()
    with django_capture_on_commit_callbacks(execute=True):
        review.approve(actor=head, post=draft)
    draft.refresh_from_db()
    # Approved with a time: its deliveries are planned, the post is scheduled.
    assert draft.status == PostStatus.SCHEDULED
    assert draft.approved_by == head
    assert Notification.objects.filter(recipient=editor, kind="post_approved").exists()
    actions = list(
        AuditLogEntry.objects.filter(object_id=str(draft.pk), action__startswith="newsroom.post")
        .order_by("id").values_list("action", flat=True)
    )
    assert actions == ["newsroom.post.created", "newsroom.post.submitted",
                       "newsroom.post.approved"]


def test_nobody_approves_their_own_post(department, facebook):
    head_who_writes = member(Role.HEAD, department)
    post = posts.create_post(
        actor=head_who_writes, department=department,
        data=posts.PostData(title="Eigenes", body="Text", channel_account_ids=[facebook.pk]),
    )
    review.submit_for_review(actor=head_who_writes, post=post)
    with pytest.raises(PermissionDenied):
        review.approve(actor=head_who_writes, post=post)


def test_nobody_who_edited_the_version_approves_it(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    data = posts.data_from_post(draft)
    data.body = "Geänderter Text"
    posts.update_post(actor=head, post=draft, data=data)
    with pytest.raises(PermissionDenied):
        review.approve(actor=head, post=draft)


def test_editors_and_other_departments_heads_cannot_approve(draft, editor, other_department):
    review.submit_for_review(actor=editor, post=draft)
    colleague = member(Role.EDITOR, draft.department)
    other_head = member(Role.HEAD, other_department)
    for person in (colleague, other_head):
        with pytest.raises(PermissionDenied):
            review.approve(actor=person, post=draft)


def test_a_duty_editor_may_approve_any_department(draft, editor, duty_editor):
    review.submit_for_review(actor=editor, post=draft)
    review.approve(actor=duty_editor, post=draft)
    draft.refresh_from_db()
    assert draft.status in APPROVED_STATES


def test_an_edit_after_approval_needs_approval_again(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    review.approve(actor=head, post=draft)
    data = posts.data_from_post(draft)
    data.body = "Neuer Text nach der Freigabe"
    posts.update_post(actor=editor, post=draft, data=data)
    draft.refresh_from_db()
    assert draft.status == PostStatus.IN_REVIEW
    assert draft.approved_by is None
    assert Review.objects.filter(post=draft, status=ReviewStatus.OPEN).count() == 1
    review.approve(actor=head, post=draft)
    draft.refresh_from_db()
    assert draft.status in APPROVED_STATES


def test_a_duty_editor_moves_only_the_time_without_new_review(draft, editor, head, duty_editor):
    review.submit_for_review(actor=editor, post=draft)
    review.approve(actor=head, post=draft)
    new_time = timezone.now() + timedelta(days=3)
    posts.reschedule_post(actor=duty_editor, post=draft, scheduled_at=new_time)
    draft.refresh_from_db()
    assert draft.status in APPROVED_STATES
    assert draft.scheduled_at == new_time
    assert {d.due_at for d in draft.deliveries.all()} == {new_time}
    assert AuditLogEntry.objects.filter(action="newsroom.post.rescheduled").exists()


def test_an_editor_moving_the_time_sends_it_back_to_review(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    review.approve(actor=head, post=draft)
    posts.reschedule_post(actor=editor, post=draft,
                          scheduled_at=timezone.now() + timedelta(days=4))
    draft.refresh_from_db()
    assert draft.status == PostStatus.IN_REVIEW


def test_a_post_whose_time_passed_in_review_needs_a_new_time(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    type(draft).objects.filter(pk=draft.pk).update(
        scheduled_at=timezone.now() - timedelta(minutes=5)
    )
    with pytest.raises(InvalidState, match="neue Zeit"):
        review.approve(actor=head, post=draft)


def test_requesting_changes_needs_a_comment_and_returns_the_post(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    with pytest.raises(DomainError):
        review.request_changes(actor=head, post=draft, comment="  ")
    review.request_changes(actor=head, post=draft, comment="Bitte Uhrzeit ergänzen.")
    draft.refresh_from_db()
    assert draft.status == PostStatus.CHANGES_REQUESTED
    assert draft.comments.get().text == "Bitte Uhrzeit ergänzen."
    data = posts.data_from_post(draft)
    data.body += " Start 10 Uhr."
    posts.update_post(actor=editor, post=draft, data=data)
    draft.refresh_from_db()
    assert draft.status == PostStatus.DRAFT


def test_approving_a_version_the_reviewer_has_not_seen_is_refused(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    seen = draft.version
    data = posts.data_from_post(draft)
    data.body = "Still geändert"
    posts.update_post(actor=editor, post=draft, data=data)
    with pytest.raises(Conflict):
        review.approve(actor=head, post=draft, expected_version=seen)


def test_the_database_forbids_two_open_reviews(draft, editor):
    from django.db import IntegrityError, transaction

    review.submit_for_review(actor=editor, post=draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(post=draft, version=draft.version, snapshot={})


def test_submitting_twice_is_refused(draft, editor):
    review.submit_for_review(actor=editor, post=draft)
    with pytest.raises(InvalidState):
        review.submit_for_review(actor=editor, post=draft)


def test_instagram_without_image_cannot_be_submitted(editor, department):
    instagram = channel("instagram", department)
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Ohne Bild", body="Text", channel_account_ids=[instagram.pk]),
    )
    with pytest.raises(NotReadyForReview) as raised:
        review.submit_for_review(actor=editor, post=post)
    assert any("instagram" in field for field, _message in raised.value.problems)
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT


def test_images_without_alt_text_block_submission(editor, department, facebook):
    asset = image_asset(department)
    type(asset).objects.filter(pk=asset.pk).update(alt_text="")
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Bild", body="Text", channel_account_ids=[facebook.pk],
                            media_ids=[asset.pk]),
    )
    with pytest.raises(NotReadyForReview, match="Alternativtext"):
        review.submit_for_review(actor=editor, post=post)


def test_channels_not_granted_to_the_department_are_refused(editor, department, other_department):
    foreign = channel("x", other_department)
    with pytest.raises(DomainError):
        posts.create_post(
            actor=editor, department=department,
            data=posts.PostData(title="Fremd", body="Text", channel_account_ids=[foreign.pk]),
        )


def test_variants_follow_the_main_text_until_customised(editor, department, facebook):
    x = channel("x", department)
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(
            title="Varianten", body="Langer Haupttext",
            channel_account_ids=[facebook.pk, x.pk],
            variants={"x": posts.VariantData(text="Kurz für X")},
        ),
    )
    variants = {v.network: v for v in post.variants.all()}
    assert variants["x"].text == "Kurz für X" and variants["x"].text_customised
    assert variants["facebook"].text == "Langer Haupttext"
    assert not variants["facebook"].text_customised


def test_withdrawing_closes_the_review(draft, editor):
    review.submit_for_review(actor=editor, post=draft)
    review.withdraw(actor=editor, post=draft)
    draft.refresh_from_db()
    assert draft.status == PostStatus.WITHDRAWN
    assert not Review.objects.filter(post=draft, status=ReviewStatus.OPEN).exists()


def test_only_unapproved_posts_can_be_deleted(draft, editor, head):
    review.submit_for_review(actor=editor, post=draft)
    review.approve(actor=head, post=draft)
    with pytest.raises(InvalidState):
        posts.delete_post(actor=editor, post=draft)


def test_review_reminder_goes_out_once(draft, editor, head):
    from newsroom.tasks import remind_due_reviews

    type(draft).objects.filter(pk=draft.pk).update(
        scheduled_at=timezone.now() + timedelta(minutes=90)
    )
    review.submit_for_review(actor=editor, post=draft)
    assert remind_due_reviews() == 1
    assert remind_due_reviews() == 0
    assert Notification.objects.filter(recipient=head, kind="review_reminder").count() == 1


def test_berlin_times_refuse_dst_gaps_and_overlaps():
    with pytest.raises(NonexistentTime, match=r"gibt es am 29\.03\.2026 nicht"):
        berlin_wall_clock_to_aware(datetime(2026, 3, 29, 2, 30))
    with pytest.raises(AmbiguousTime, match="zweimal"):
        berlin_wall_clock_to_aware(datetime(2026, 10, 25, 2, 30))
    aware = berlin_wall_clock_to_aware(datetime(2026, 7, 1, 9, 0))
    assert aware.utcoffset() == timedelta(hours=2)


def test_tags_are_normalised_once_for_posts_and_media(editor, department, facebook):
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Tags", body="Text", channel_account_ids=[facebook.pk],
                            tags=["#Radweg", " radweg ", "Klima", ""]),
    )
    assert sorted(tag.name for tag in post.tags.all()) == ["klima", "radweg"]
