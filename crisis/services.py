"""Crisis transitions: start, end, crisis messages, holding statements, confirming held posts.

While a crisis is active, every delivery in its scope that has not gone out is ``held`` (with
``hold_reason="crisis"``), and three doors keep it so:

- ``start_crisis`` holds what is planned (``pending``, ``queued``, ``outcome_unknown``) in the
  same transaction that creates the crisis; a queued delivery's worker then fails its
  ``queued → sending`` claim. What is already ``sending`` finishes.
- ``not_held_by_crisis`` narrows the scheduler's claim, so nothing in scope is claimed even if
  it became due by another path (a retry, a race with the start).
- ``hold_if_in_crisis`` is called by ``dispatch.plan`` for posts approved during the crisis.

Crisis posts (``Post.is_crisis``) are exempt. After the crisis nothing goes out silently: the
end sweeps whatever in scope is still open into ``held`` too, and each held post must be
released, moved or cancelled by a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Department, Membership
from channels_publish.models import ChannelAccount, Delivery, DeliveryStatus
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import NotificationKind, Post, PostStatus

from .models import (
    HOLD_REASON,
    Crisis,
    CrisisMessage,
    CrisisStatus,
    CrisisType,
    HoldingStatement,
    HoldingStatementStatus,
)

audit.register_actions({
    "crisis.crisis.started": gettext_lazy(
        "%(actor)s hat den Krisenmodus „%(object)s“ begonnen; %(held)s geplante Auslieferungen "
        "wurden angehalten."
    ),
    "crisis.crisis.ended": gettext_lazy(
        "%(actor)s hat den Krisenmodus „%(object)s“ beendet; %(held)s Auslieferungen warten auf "
        "Bestätigung."
    ),
    "crisis.message.composed": gettext_lazy(
        "%(actor)s hat die Krisenmeldung „%(object)s“ verfasst und zur Freigabe eingereicht."
    ),
    "crisis.message.approved": gettext_lazy(
        "%(actor)s hat die Krisenmeldung „%(object)s“ freigegeben; sie geht sofort hinaus."
    ),
    "crisis.statement.saved": gettext_lazy(
        "%(actor)s hat die vorbereitete Erklärung „%(object)s“ gespeichert (Fassung %(version)s)."
    ),
    "crisis.statement.approval_revoked": gettext_lazy(
        "Die Freigabe der vorbereiteten Erklärung „%(object)s“ ist durch die Änderung von "
        "%(actor)s erloschen."
    ),
    "crisis.statement.approved": gettext_lazy(
        "%(actor)s hat die vorbereitete Erklärung „%(object)s“ freigegeben (Fassung %(version)s)."
    ),
    "crisis.statement.sent": gettext_lazy(
        "%(actor)s hat die vorbereitete Erklärung „%(object)s“ in der Krise „%(crisis)s“ "
        "gesendet."
    ),
    "crisis.post.released": gettext_lazy(
        "%(actor)s hat den wegen einer Krise angehaltenen Beitrag „%(object)s“ wieder "
        "freigegeben (fällig %(due)s)."
    ),
    "crisis.post.rescheduled": gettext_lazy(
        "%(actor)s hat den wegen einer Krise angehaltenen Beitrag „%(object)s“ verschoben."
    ),
    "crisis.post.cancelled": gettext_lazy(
        "%(actor)s hat den wegen einer Krise angehaltenen Beitrag „%(object)s“ abgesagt."
    ),
})

# Deliveries that a crisis stops: everything planned that a worker has not started on.
HOLDABLE = (DeliveryStatus.PENDING, DeliveryStatus.QUEUED, DeliveryStatus.OUTCOME_UNKNOWN)


def _now() -> datetime:
    return timezone.now()


# --- Scope ----------------------------------------------------------------------------------
def active_crisis() -> Crisis | None:
    return Crisis.objects.active().first()


def _crisis_posts():
    return Post.objects.filter(is_crisis=True).values("pk")


def in_scope(crisis: Crisis) -> Q:
    """Deliveries (not of crisis posts) that ``crisis`` holds.

    Subqueries rather than joins: the scheduler's ``FOR UPDATE SKIP LOCKED`` must lock
    delivery rows only, never posts.
    """
    if crisis.all_channels:
        scope = Q(pk__isnull=False)
    else:
        department_ids = list(crisis.departments.values_list("pk", flat=True))
        account_ids = list(crisis.channel_accounts.values_list("pk", flat=True))
        scope = Q(
            post_id__in=Post.objects.filter(department_id__in=department_ids).values("pk")
        ) | Q(channel_account_id__in=account_ids)
    return scope & ~Q(post_id__in=_crisis_posts())


def not_held_by_crisis(now: datetime | None = None) -> Q:
    """The scheduler's filter: nothing in the scope of the running crisis is claimed."""
    crisis = active_crisis()
    if crisis is None:
        return Q()
    return ~in_scope(crisis)


def hold_if_in_crisis(post: Post) -> int:
    """Called when a post's deliveries are (re-)planned: hold them if a crisis covers them."""
    if post.is_crisis:
        return 0
    crisis = active_crisis()
    if crisis is None:
        return 0
    return _hold(Delivery.objects.filter(post=post), crisis)


def _hold(deliveries, crisis: Crisis) -> int:
    return deliveries.filter(status__in=HOLDABLE).filter(in_scope(crisis)).update(
        status=DeliveryStatus.HELD, hold_reason=HOLD_REASON, updated_at=_now()
    )


def scope_channel_accounts(crisis: Crisis):
    """The channel accounts a crisis message may go to: every usable account in scope."""
    accounts = ChannelAccount.objects.usable()
    if crisis.all_channels:
        return accounts
    department_groups = crisis.departments.values("group_id")
    return accounts.filter(
        Q(pk__in=crisis.channel_accounts.values("pk"))
        | Q(pk__in=ChannelAccount.objects.filter(
            channelaccountgroupobjectpermission__group_id__in=department_groups
        ).values("pk"))
    ).distinct()


# --- Starting and ending --------------------------------------------------------------------
def start_crisis(
    *, actor, reason: str, crisis_type: str, all_channels: bool = True,
    department_ids: Sequence[int] = (), channel_account_ids: Sequence[int] = (),
    planned_end_at: datetime | None = None,
) -> Crisis:
    """Start a crisis and hold every planned delivery in its scope, in one transaction."""
    permissions.require(actor, "crisis.manage")
    if not reason.strip():
        raise DomainError(_("Bitte nennen Sie den Anlass."), field="reason")
    if crisis_type not in CrisisType.values:
        raise DomainError(_("Bitte wählen Sie die Art der Krise."), field="type")
    if not all_channels and not department_ids and not channel_account_ids:
        raise DomainError(
            _("Bitte wählen Sie „Alle Kanäle“ oder mindestens ein Amt oder einen Kanal."),
            field="all_channels",
        )
    now = _now()
    if planned_end_at is not None and planned_end_at <= now:
        raise DomainError(_("Das geplante Ende liegt in der Vergangenheit."),
                          field="planned_end_at")
    try:
        with transaction.atomic():
            crisis = Crisis.objects.create(
                reason=reason.strip(), type=crisis_type, all_channels=all_channels,
                started_by=actor, started_at=now, planned_end_at=planned_end_at,
            )
            if not all_channels:
                crisis.departments.set(department_ids)
                crisis.channel_accounts.set(channel_account_ids)
            held = _hold(Delivery.objects.all(), crisis)
            audit.log("crisis.crisis.started", actor=actor, obj=crisis, data={
                "held": held, "type": crisis_type, "all_channels": all_channels,
                "departments": list(department_ids), "channel_accounts": list(channel_account_ids),
            })
            _notify_everyone(
                _("Krisenmodus: %(reason)s. Geplante Beiträge sind angehalten.")
                % {"reason": crisis.reason},
                reverse("crisis:detail", kwargs={"pk": crisis.pk}),
            )
    except IntegrityError:
        raise Conflict(_("Es läuft bereits eine Krise. Erweitern Sie dort den Rahmen oder "
                         "beenden Sie sie zuerst.")) from None
    return crisis


def end_crisis(*, actor, crisis: Crisis) -> Crisis:
    """End a crisis. ``actor=None`` is the system at the planned end time.

    Whatever in scope is still open is held as well: every held post waits for a person.
    """
    now = _now()
    if actor is not None:
        permissions.require(actor, "crisis.manage")
    elif crisis.planned_end_at is None or crisis.planned_end_at > now:
        raise InvalidState(_("Die Krise hat noch kein erreichtes geplantes Ende."))
    with transaction.atomic():
        updated = Crisis.objects.filter(pk=crisis.pk, status=CrisisStatus.ACTIVE).update(
            status=CrisisStatus.ENDED, ended_by=actor, ended_at=now
        )
        if updated != 1:
            raise InvalidState(_("Diese Krise ist bereits beendet."))
        crisis.refresh_from_db()
        _hold(Delivery.objects.all(), crisis)
        held = held_deliveries().count()
        audit.log("crisis.crisis.ended", actor=actor, obj=crisis,
                  data={"held": held, "automatic": actor is None})
        _notify_everyone(
            _("Der Krisenmodus „%(reason)s“ ist beendet. Angehaltene Beiträge gehen erst nach "
              "Bestätigung hinaus.") % {"reason": crisis.reason},
            reverse("crisis:held", kwargs={"pk": crisis.pk}),
        )
    return crisis


def end_due_crises(now: datetime | None = None) -> list[int]:
    """End every active crisis whose planned end time has come (the periodic task)."""
    now = now or _now()
    ended = []
    for crisis in Crisis.objects.active().filter(planned_end_at__lte=now):
        try:
            end_crisis(actor=None, crisis=crisis)
        except InvalidState:
            continue  # ended by hand at the same moment
        ended.append(crisis.pk)
    return ended


def _notify_everyone(message: str, url: str) -> None:
    from newsroom.notifications import notify

    people = get_user_model().objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(department__is_active=True).values("user"),
    )
    notify(recipients=people, kind=NotificationKind.CRISIS, message=message, url=url)


# --- Crisis messages ------------------------------------------------------------------------
def crisis_department() -> Department:
    """Crisis messages speak for the city: they belong to the Amt für Kommunikation."""
    department = Department.objects.filter(
        number=permissions.CRISIS_TEAM_DEPARTMENT_NUMBER, is_active=True
    ).first()
    if department is None:
        raise InvalidState(_("Es gibt kein aktives Amt für Kommunikation (Amt 13)."))
    return department


def crisis_media_library():
    """The media crisis messages may carry: the crisis department's library, newest first
    (empty when there is no active Amt für Kommunikation)."""
    from newsroom.models import MediaAsset

    department = Department.objects.filter(
        number=permissions.CRISIS_TEAM_DEPARTMENT_NUMBER, is_active=True
    ).first()
    if department is None:
        return MediaAsset.objects.none()
    return MediaAsset.objects.filter(department=department).order_by("-created_at", "-pk")


def _check_channels(crisis: Crisis, channel_account_ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(channel_account_ids))
    if not wanted:
        raise DomainError(_("Bitte wählen Sie mindestens einen Kanal."),
                          field="channel_account_ids")
    allowed = set(scope_channel_accounts(crisis).values_list("pk", flat=True))
    if not set(wanted) <= allowed:
        raise DomainError(_("Einige gewählte Kanäle gehören nicht zum Rahmen der Krise."),
                          field="channel_account_ids")
    return wanted


def _new_crisis_post(*, actor, crisis: Crisis, title: str, text: str,
                     channel_account_ids: list[int], media_ids: Sequence[int]) -> Post:
    from newsroom.services import posts

    department = crisis_department()
    media_ids = _check_crisis_media(media_ids)
    post = Post.objects.create(department=department, author=actor, title=title[:200])
    # The crisis scope decides the channels, not the department's usual grants.
    posts._write_content(post, posts.PostData(
        title=title[:200], body=text, channel_account_ids=channel_account_ids,
        media_ids=media_ids, scheduled_at=None, is_crisis=True,
    ))
    post.save()
    return post


def compose_crisis_message(actor, crisis: Crisis, text: str, channel_account_ids: Sequence[int],
                           media_ids: Sequence[int] | None = None, title: str = "") -> Post:
    """Write a crisis message and submit it at once; it goes out as soon as a second member of
    the crisis team approves it (no scheduled time: due on approval)."""
    from approvals import services as approvals

    permissions.require(actor, "crisis.compose")
    if not crisis.is_active:
        raise InvalidState(_("Die Krise ist beendet."))
    if not text.strip():
        raise DomainError(_("Bitte schreiben Sie die Meldung."), field="text")
    accounts = _check_channels(crisis, channel_account_ids)
    title = title.strip() or _("Krisenmeldung: %(reason)s") % {"reason": crisis.reason}
    with transaction.atomic():
        post = _new_crisis_post(actor=actor, crisis=crisis, title=title, text=text.strip(),
                                channel_account_ids=accounts, media_ids=media_ids or [])
        post.editors.add(actor)
        CrisisMessage.objects.create(crisis=crisis, post=post)
        audit.log("crisis.message.composed", actor=actor, obj=post,
                  data={"crisis": crisis.pk, "channels": accounts})
        approvals.submit_for_review(actor=actor, post=post)
    post.refresh_from_db()
    return post


def approve_crisis_message(actor, post: Post, expected_version: int | None) -> Post:
    """The second member of the crisis team approves the version they read; the deliveries are
    due at once and the scheduler is nudged after commit."""
    from approvals import services as approvals

    permissions.require(actor, "crisis.message.approve", post)
    if expected_version is None:
        raise Conflict(_("Die gelesene Fassung fehlt. Bitte laden Sie die Seite neu."))
    with transaction.atomic():
        approvals.approve(actor=actor, post=post, expected_version=expected_version)
        audit.log("crisis.message.approved", actor=actor, obj=post,
                  data={"version": expected_version})
        transaction.on_commit(_dispatch_now)
    post.refresh_from_db()
    return post


def _dispatch_now() -> None:
    from channels_publish.tasks import dispatch_due

    dispatch_due.delay()


# --- Holding statements ---------------------------------------------------------------------
@dataclass
class StatementData:
    crisis_type: str
    title: str
    text: str
    channel_account_ids: list[int] = field(default_factory=list)
    media_ids: list[int] = field(default_factory=list)


def _check_crisis_media(media_ids: Iterable[int]) -> list[int]:
    """Media of a crisis message or holding statement, without repeats: from the crisis
    library (the active Amt für Kommunikation), every image described. One rule for both,
    although crisis messages are reviewed by a second person and statements are approved in
    advance and then sent unchecked."""
    wanted = list(dict.fromkeys(media_ids))
    if not wanted:
        return wanted
    assets = list(crisis_media_library().filter(pk__in=wanted))
    if len(assets) != len(wanted):
        raise DomainError(_("Einige gewählte Medien gehören nicht zur Mediathek des Amts für "
                            "Kommunikation."), field="media_ids")
    for asset in assets:
        if asset.is_image and not asset.alt_text.strip():
            raise DomainError(_("Bild „%(name)s“ hat keinen Alternativtext. Alternativtexte "
                                "sind Pflicht (Barrierefreiheit).") % {"name": asset.name},
                              field="media_ids")
    return wanted


def save_holding_statement(*, actor, data: StatementData,
                           statement: HoldingStatement | None = None,
                           expected_version: int | None = None) -> HoldingStatement:
    """Create or edit a holding statement. An edit of an approved statement revokes approval."""
    permissions.require(actor, "crisis.compose")
    if not data.title.strip():
        raise DomainError(_("Bitte geben Sie einen Titel an."), field="title")
    if not data.text.strip():
        raise DomainError(_("Bitte schreiben Sie den Text."), field="text")
    if data.crisis_type not in CrisisType.values:
        raise DomainError(_("Bitte wählen Sie die Art der Krise."), field="crisis_type")
    if not data.channel_account_ids:
        raise DomainError(_("Bitte wählen Sie mindestens einen Kanal."),
                          field="channel_account_ids")
    media_ids = _check_crisis_media(data.media_ids)
    now = _now()
    with transaction.atomic():
        if statement is None:
            statement = HoldingStatement.objects.create(
                crisis_type=data.crisis_type, title=data.title.strip(), text=data.text.strip(),
                author=actor, last_edited_by=actor, created_at=now, updated_at=now,
            )
            was_approved = False
        else:
            locked = HoldingStatement.objects.select_for_update().get(pk=statement.pk)
            if expected_version is not None and locked.version != expected_version:
                raise Conflict(_("Die Erklärung wurde inzwischen geändert. Bitte neu laden."))
            was_approved = locked.is_approved
            locked.crisis_type = data.crisis_type
            locked.title = data.title.strip()
            locked.text = data.text.strip()
            locked.version += 1
            locked.last_edited_by = actor
            locked.status = HoldingStatementStatus.DRAFT
            locked.approved_by = None
            locked.approved_at = None
            locked.updated_at = now
            locked.save(update_fields=[
                "crisis_type", "title", "text", "version", "last_edited_by", "status",
                "approved_by", "approved_at", "updated_at",
            ])
            statement = locked
        statement.channel_accounts.set(data.channel_account_ids)
        statement.media.set(media_ids)
        audit.log("crisis.statement.saved", actor=actor, obj=statement,
                  data={"version": statement.version, "media": media_ids})
        if was_approved:
            audit.log("crisis.statement.approval_revoked", actor=actor, obj=statement,
                      data={"version": statement.version})
    return statement


def approve_holding_statement(*, actor, statement: HoldingStatement,
                              expected_version: int) -> HoldingStatement:
    """A second member of the crisis team approves the statement in advance."""
    with transaction.atomic():
        locked = HoldingStatement.objects.select_for_update().get(pk=statement.pk)
        permissions.require(actor, "crisis.statement.approve", locked)
        if locked.version != expected_version:
            raise Conflict(_("Die Erklärung wurde geändert, seit Sie sie geöffnet haben. Bitte "
                             "prüfen Sie die neue Fassung."))
        if locked.is_approved:
            raise InvalidState(_("Diese Erklärung ist bereits freigegeben."))
        locked.status = HoldingStatementStatus.APPROVED
        locked.approved_by = actor
        locked.approved_at = _now()
        locked.save(update_fields=["status", "approved_by", "approved_at"])
        audit.log("crisis.statement.approved", actor=actor, obj=locked,
                  data={"version": locked.version})
    return locked


def send_holding_statement(actor, statement: HoldingStatement, crisis: Crisis) -> Post:
    """One person sends an approved statement: it becomes an approved crisis post, due now.

    The four-eyes check happened on the statement; the post records its approver.
    """
    from approvals.models import Review, ReviewStatus
    from approvals.snapshots import snapshot_of
    from newsroom import publication

    permissions.require(actor, "crisis.compose")
    if not crisis.is_active:
        raise InvalidState(_("Die Krise ist beendet."))
    with transaction.atomic():
        locked = HoldingStatement.objects.select_for_update().get(pk=statement.pk)
        if not locked.is_approved:
            raise InvalidState(_("Nur freigegebene Erklärungen können gesendet werden."))
        accounts = list(locked.channel_accounts.values_list("pk", flat=True))
        if not accounts:
            raise InvalidState(_("Die Erklärung hat keine Kanäle."))
        media_ids = list(locked.media.order_by("pk").values_list("pk", flat=True))
        post = _new_crisis_post(actor=actor, crisis=crisis, title=locked.title, text=locked.text,
                                channel_account_ids=accounts, media_ids=media_ids)
        now = _now()
        Post.objects.filter(pk=post.pk).update(
            status=PostStatus.APPROVED, approved_by=locked.approved_by, approved_at=now,
            status_changed_at=now,
        )
        post.refresh_from_db()
        Review.objects.create(
            post=post, version=post.version, snapshot=snapshot_of(post), submitted_by=actor,
            status=ReviewStatus.APPROVED, decided_by=locked.approved_by, decided_at=now,
            comment=_("Vorbereitete Erklärung, vorab freigegeben am %(date)s.")
            % {"date": timezone.localtime(locked.approved_at).strftime("%d.%m.%Y %H:%M")},
        )
        CrisisMessage.objects.create(crisis=crisis, post=post, holding_statement=locked)
        audit.log("crisis.statement.sent", actor=actor, obj=locked,
                  data={"crisis": crisis.reason, "post": post.pk, "version": locked.version})
        audit.log("crisis.message.approved", actor=locked.approved_by, obj=post,
                  data={"version": post.version, "holding_statement": locked.pk})
        publication.plan(post)
        transaction.on_commit(_dispatch_now)
    post.refresh_from_db()
    return post


# --- After the crisis: confirm every held post ----------------------------------------------
def held_deliveries():
    return Delivery.objects.filter(status=DeliveryStatus.HELD, hold_reason=HOLD_REASON)


def held_posts():
    """Posts with at least one delivery held by a crisis, earliest first."""
    return (
        Post.objects.filter(pk__in=held_deliveries().values("post_id"))
        .select_related("department", "author").prefetch_related("channel_accounts")
        .order_by("scheduled_at", "pk")
    )


def _require_confirmable(actor, post: Post) -> None:
    permissions.require(actor, "crisis.held.confirm", post)
    crisis = active_crisis()
    if crisis is not None and Delivery.objects.filter(
        post=post, status=DeliveryStatus.HELD, hold_reason=HOLD_REASON
    ).filter(in_scope(crisis)).exists():
        raise InvalidState(_("Der Beitrag fällt in den Rahmen der laufenden Krise und bleibt "
                             "angehalten, bis sie endet."))


def release_held_post(*, actor, post: Post) -> int:
    """Confirm a held post as it is: due now, or at its own time if that is still ahead.

    This deliberately does not go through ``reschedule_post`` (which refuses past times): a
    post whose time passed during the crisis keeps its ``scheduled_at`` as the record of when
    it was meant to go out, and only its held deliveries become due now.
    """
    _require_confirmable(actor, post)
    now = _now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        due = locked.scheduled_at if locked.scheduled_at and locked.scheduled_at > now else now
        released = held_deliveries().filter(post=locked).update(
            status=DeliveryStatus.PENDING, hold_reason="", due_at=due, next_attempt_at=due,
            updated_at=now,
        )
        if not released:
            raise InvalidState(_("Dieser Beitrag ist nicht (mehr) angehalten."))
        audit.log("crisis.post.released", actor=actor, obj=locked, data={
            "due": timezone.localtime(due).strftime("%d.%m.%Y %H:%M"), "deliveries": released,
        })
    return released


def reschedule_held_post(*, actor, post: Post, scheduled_at: datetime,
                         expected_version: int | None = None) -> Post:
    """Move a held post to a new time (by the rules of ``reschedule_post``), then release it.

    A duty editor moves an approved post without a new review; anyone else sends it back to
    review, which cancels its deliveries until it is approved again.
    """
    from newsroom.services import posts

    _require_confirmable(actor, post)
    if scheduled_at is None:
        raise DomainError(_("Bitte geben Sie einen gültigen neuen Termin an."),
                          field="scheduled_at")
    # Checked before the audit entry is written; ``reschedule_post`` checks it again.
    posts.require_future_time(scheduled_at)
    with transaction.atomic():
        if not held_deliveries().filter(post=post).exists():
            raise InvalidState(_("Dieser Beitrag ist nicht (mehr) angehalten."))
        audit.log("crisis.post.rescheduled", actor=actor, obj=post, data={
            "scheduled_at": timezone.localtime(scheduled_at).strftime("%d.%m.%Y %H:%M"),
        })
        post = posts.reschedule_post(actor=actor, post=post, scheduled_at=scheduled_at,
                                     expected_version=expected_version)
        # Re-planning released the deliveries already; whatever is still held goes now.
        if held_deliveries().filter(post=post).exists():
            release_held_post(actor=actor, post=post)
    post.refresh_from_db()
    return post


def cancel_held_post(*, actor, post: Post) -> int:
    """The post is no longer right after the crisis: its held deliveries never go out."""
    from approvals import services as approvals
    from channels_publish.dispatch import refresh_post_status

    _require_confirmable(actor, post)
    now = _now()
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        cancelled = held_deliveries().filter(post=locked).update(
            status=DeliveryStatus.CANCELLED, hold_reason="", updated_at=now
        )
        if not cancelled:
            raise InvalidState(_("Dieser Beitrag ist nicht (mehr) angehalten."))
        audit.log("crisis.post.cancelled", actor=actor, obj=locked,
                  data={"deliveries": cancelled})
        if locked.status in approvals.WITHDRAWABLE_STATES:
            approvals.withdraw(actor=actor, post=locked)
        else:
            # Partly published: what went out stays, the rest is cancelled.
            refresh_post_status(locked.pk)
    post.refresh_from_db()
    return cancelled
