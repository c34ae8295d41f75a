"""The four-eyes review: submit, approve, request changes, withdraw, archive.

Each transition checks permission and state, changes the post with a conditional update (so two
people acting at the same moment end in one consistent outcome), writes the audit log in the
same transaction, and notifies after commit.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import APPROVED_STATES, NotificationKind, Post, PostComment, PostStatus
from newsroom.notifications import approvers_of, notify
from newsroom.services.validation import check_ready_for_review

from .models import Review, ReviewStatus
from .snapshots import snapshot_of

audit.register_actions({
    "newsroom.post.submitted": gettext_lazy(
        "%(actor)s hat den Beitrag „%(object)s“ zur Freigabe eingereicht (Fassung %(version)s)."
    ),
    "newsroom.post.resubmitted": gettext_lazy(
        "Der Beitrag „%(object)s“ wurde nach einer Änderung durch %(actor)s erneut zur Freigabe "
        "vorgelegt (Fassung %(version)s)."
    ),
    "newsroom.post.approved": gettext_lazy(
        "%(actor)s hat den Beitrag „%(object)s“ freigegeben (Fassung %(version)s)."
    ),
    "newsroom.post.changes_requested": gettext_lazy(
        "%(actor)s hat beim Beitrag „%(object)s“ Änderungen erbeten: %(comment)s"
    ),
    "newsroom.post.withdrawn": gettext_lazy(
        "%(actor)s hat den Beitrag „%(object)s“ zurückgezogen."
    ),
    "newsroom.post.archived": gettext_lazy("%(actor)s hat den Beitrag „%(object)s“ archiviert."),
})

SUBMITTABLE_STATES = frozenset({PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED})
UNDER_REVIEW_OR_APPROVED = frozenset({PostStatus.IN_REVIEW, *APPROVED_STATES, PostStatus.FAILED})
WITHDRAWABLE_STATES = frozenset({
    PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.CHANGES_REQUESTED, PostStatus.APPROVED,
    PostStatus.SCHEDULED, PostStatus.FAILED,
})
ARCHIVABLE_STATES = frozenset({
    PostStatus.PUBLISHED, PostStatus.PARTLY_FAILED, PostStatus.FAILED, PostStatus.WITHDRAWN,
})


def set_status(post: Post, status: str, *, expected: set[str] | frozenset[str] | None = None,
               **fields) -> None:
    """Change the status with a conditional update; ``Conflict`` if someone else was faster."""
    now = timezone.now()
    query = Post.objects.filter(pk=post.pk)
    if expected is not None:
        query = query.filter(status__in=expected)
    updated = query.update(status=status, status_changed_at=now, **fields)
    if updated != 1:
        raise Conflict(_("Der Beitrag wurde gerade von jemand anderem geändert. Bitte neu laden."))
    post.status = status
    post.status_changed_at = now
    for name, value in fields.items():
        setattr(post, name, value)


def _open_review(*, actor, post: Post) -> Review:
    try:
        with transaction.atomic():
            return Review.objects.create(
                post=post, version=post.version, snapshot=snapshot_of(post), submitted_by=actor
            )
    except IntegrityError:
        raise Conflict(_("Für diesen Beitrag läuft bereits eine Prüfung.")) from None


def _ask_approvers(post: Post) -> None:
    notify(
        recipients=approvers_of(post),
        kind=NotificationKind.REVIEW_REQUESTED,
        message=_("„%(title)s“ (%(department)s) wartet auf Ihre Freigabe.")
        % {"title": post.title, "department": post.department.name},
        post=post,
        # A crisis message is approved on the crisis team's one-tap page.
        url=reverse("crisis:approve", kwargs={"pk": post.pk}) if post.is_crisis else "",
    )


def submit_for_review(*, actor, post: Post) -> Review:
    """Hand the current version to a second person for approval."""
    permissions.require(actor, "post.submit", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in SUBMITTABLE_STATES:
            raise InvalidState(
                _("Nur Entwürfe können eingereicht werden; dieser Beitrag ist „%(status)s“.")
                % {"status": locked.get_status_display()}
            )
        check_ready_for_review(locked)
        set_status(locked, PostStatus.IN_REVIEW, expected=SUBMITTABLE_STATES)
        review = _open_review(actor=actor, post=locked)
        audit.log("newsroom.post.submitted", actor=actor, obj=locked,
                  data={"version": locked.version})
        _ask_approvers(locked)
    post.refresh_from_db()
    return review


def resubmit_after_edit(*, actor, post: Post) -> Review:
    """An edit of a submitted or approved post: the old review or approval no longer counts.

    Called by ``update_post`` inside its transaction with the post locked.
    """
    check_ready_for_review(post)
    Review.objects.filter(post=post, status=ReviewStatus.OPEN).update(
        status=ReviewStatus.SUPERSEDED, decided_at=timezone.now()
    )
    was_approved = post.status in APPROVED_STATES
    set_status(post, PostStatus.IN_REVIEW, approved_by=None, approved_at=None)
    review = _open_review(actor=actor, post=post)
    audit.log("newsroom.post.resubmitted", actor=actor, obj=post,
              data={"version": post.version, "was_approved": was_approved})
    if was_approved:
        _cancel_planned_publication(post)
    _ask_approvers(post)
    return review


def approve(*, actor, post: Post, expected_version: int | None = None) -> Review:
    """Approve the version under review.

    ``expected_version`` is the version the reviewer read; if the post changed since, the
    approval is refused so nobody approves what they have not seen.
    """
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        permissions.require(actor, "post.review", locked)
        review = _current_review(locked, expected_version)
        if locked.scheduled_at is not None and locked.scheduled_at <= timezone.now():
            raise InvalidState(
                _("Der geplante Zeitpunkt ist verstrichen, während der Beitrag in Prüfung war. "
                  "Bitte zuerst eine neue Zeit festlegen."),
                field="scheduled_at",
            )
        now = timezone.now()
        _decide(review, actor, ReviewStatus.APPROVED, now=now)
        set_status(locked, PostStatus.APPROVED, expected={PostStatus.IN_REVIEW},
                   approved_by=actor, approved_at=now)
        locked.editors.clear()
        audit.log("newsroom.post.approved", actor=actor, obj=locked,
                  data={"version": locked.version, "review": review.pk})
        _plan_publication(locked)
        notify(
            recipients=[locked.author],
            kind=NotificationKind.POST_APPROVED,
            message=_("„%(title)s“ wurde von %(approver)s freigegeben.")
            % {"title": locked.title, "approver": actor},
            post=locked,
        )
    post.refresh_from_db()
    return review


def request_changes(*, actor, post: Post, comment: str,
                    expected_version: int | None = None) -> Review:
    """Send the post back to its authors with a comment saying what to change."""
    if not comment.strip():
        raise DomainError(_("Bitte schreiben Sie, was geändert werden soll."), field="comment")
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        permissions.require(actor, "post.review", locked)
        review = _current_review(locked, expected_version)
        _decide(review, actor, ReviewStatus.CHANGES_REQUESTED, comment=comment.strip())
        set_status(locked, PostStatus.CHANGES_REQUESTED, expected={PostStatus.IN_REVIEW})
        PostComment.objects.create(post=locked, author=actor, text=comment.strip())
        audit.log("newsroom.post.changes_requested", actor=actor, obj=locked,
                  data={"version": locked.version, "comment": comment.strip()[:300]})
        notify(
            recipients=[locked.author, *locked.editors.all()],
            kind=NotificationKind.CHANGES_REQUESTED,
            message=_("%(reviewer)s bittet bei „%(title)s“ um Änderungen: %(comment)s")
            % {"reviewer": actor, "title": locked.title, "comment": comment.strip()[:200]},
            post=locked,
        )
    post.refresh_from_db()
    return review


def withdraw(*, actor, post: Post) -> None:
    """Take a post out of the plan: it will not be reviewed or published."""
    permissions.require(actor, "post.withdraw", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in WITHDRAWABLE_STATES:
            raise InvalidState(
                _("Ein Beitrag im Status „%(status)s“ kann nicht zurückgezogen werden.")
                % {"status": locked.get_status_display()}
            )
        Review.objects.filter(post=locked, status=ReviewStatus.OPEN).update(
            status=ReviewStatus.WITHDRAWN, decided_by=actor, decided_at=timezone.now()
        )
        set_status(locked, PostStatus.WITHDRAWN, expected=WITHDRAWABLE_STATES)
        audit.log("newsroom.post.withdrawn", actor=actor, obj=locked)
        _cancel_planned_publication(locked)
    post.refresh_from_db()


def archive(*, actor, post: Post) -> None:
    permissions.require(actor, "post.withdraw", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in ARCHIVABLE_STATES:
            raise InvalidState(_("Nur veröffentlichte oder zurückgezogene Beiträge werden "
                                 "archiviert."))
        set_status(locked, PostStatus.ARCHIVED, expected=ARCHIVABLE_STATES)
        audit.log("newsroom.post.archived", actor=actor, obj=locked)
    post.refresh_from_db()


def after_reschedule(post: Post) -> None:
    """A duty editor moved an approved post: its planned publication moves with it."""
    _plan_publication(post)


def _current_review(post: Post, expected_version: int | None) -> Review:
    if post.status != PostStatus.IN_REVIEW:
        raise InvalidState(
            _("Der Beitrag ist nicht (mehr) in Prüfung, sondern „%(status)s“.")
            % {"status": post.get_status_display()}
        )
    review = Review.objects.filter(post=post, status=ReviewStatus.OPEN).first()
    if review is None or review.version != post.version or (
        expected_version is not None and expected_version != post.version
    ):
        raise Conflict(
            _("Der Beitrag wurde geändert, seit Sie ihn geöffnet haben. Bitte prüfen Sie die "
              "neue Fassung.")
        )
    return review


def _decide(review: Review, actor, status: str, *, comment: str = "", now=None) -> None:
    updated = Review.objects.filter(pk=review.pk, status=ReviewStatus.OPEN).update(
        status=status, decided_by=actor, decided_at=now or timezone.now(), comment=comment
    )
    if updated != 1:
        raise Conflict(_("Über diese Fassung hat gerade jemand anderes entschieden."))
    review.status = status


def _plan_publication(post: Post) -> None:
    """Hook for publishing: create or move the post's deliveries (same transaction)."""
    from newsroom import publication

    publication.plan(post)


def _cancel_planned_publication(post: Post) -> None:
    from newsroom import publication

    publication.cancel(post)
