"""Replies: draft → four-eyes review → sent exactly once through the network's inbound adapter.

The review mirrors the posts' review: a second person with the right to approve replies
decides on the exact version they read; whoever wrote or last changed the text never approves
it; a change after approval needs a new approval (as long as sending has not started).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.roles import DepartmentPermission
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import NotificationKind
from newsroom.notifications import notify

from ..models import (
    EDITABLE_REPLY_STATES,
    Conversation,
    ConversationStatus,
    Message,
    MessageDirection,
    Reply,
    ReplyStatus,
)
from .common import conversation_label, conversation_url, inbox_people, now

audit.register_actions({
    "inbox.reply.drafted": gettext_lazy(
        "%(actor)s hat eine Antwort in %(object)s entworfen."
    ),
    "inbox.reply.edited": gettext_lazy(
        "%(actor)s hat %(object)s geändert (Fassung %(version)s)."
    ),
    "inbox.reply.submitted": gettext_lazy(
        "%(actor)s hat %(object)s zur Freigabe vorgelegt."
    ),
    "inbox.reply.approved": gettext_lazy(
        "%(actor)s hat %(object)s freigegeben (Fassung %(version)s)."
    ),
    "inbox.reply.changes_requested": gettext_lazy(
        "%(actor)s hat bei %(object)s Änderungen erbeten: %(comment)s"
    ),
    "inbox.reply.discarded": gettext_lazy("%(actor)s hat %(object)s verworfen."),
    "inbox.reply.discarded_unknown": gettext_lazy(
        "%(actor)s hat %(object)s mit unklarem Ergebnis verworfen "
        "(„%(confirmation)s“)."
    ),
})

# What the person confirms before a reply with unknown outcome is given up (shown on the page
# and stored in the audit entry).
UNKNOWN_DISCARD_CONFIRMATION = gettext_lazy(
    "Ich habe beim Netzwerk nachgesehen: Die Antwort ist dort nicht erschienen."
)

SUBMITTABLE = (ReplyStatus.DRAFT, ReplyStatus.CHANGES_REQUESTED)
# Approved but not yet being sent: a change here takes the approval back.
APPROVED_NOT_SENDING = (ReplyStatus.QUEUED, ReplyStatus.RETRY, ReplyStatus.HELD)
DISCARDABLE = (*EDITABLE_REPLY_STATES, *APPROVED_NOT_SENDING, ReplyStatus.FAILED)


def _set_conversation_status(conversation_id: int, status: str) -> None:
    Conversation.objects.filter(pk=conversation_id).exclude(
        status=ConversationStatus.CLOSED
    ).update(status=status, updated_at=now())


def _status_without_reply(conversation: Conversation) -> str:
    if conversation.first_answered_at and conversation.waiting_since is None:
        return ConversationStatus.ANSWERED
    return ConversationStatus.ASSIGNED if conversation.assignee_id else ConversationStatus.NEW


def draft(*, actor, conversation: Conversation, text: str,
          in_reply_to: Message | None = None) -> Reply:
    """Start an answer to the conversation (to its latest citizen message by default)."""
    permissions.require(actor, "conversation.handle", conversation)
    if not text.strip():
        raise DomainError(_("Bitte schreiben Sie eine Antwort."), field="text")
    if conversation.status == ConversationStatus.CLOSED:
        raise InvalidState(_("Die Unterhaltung ist geschlossen."))
    if in_reply_to is None:
        in_reply_to = (conversation.messages.filter(direction=MessageDirection.IN)
                       .order_by("-created_at", "-pk").first())
    if in_reply_to is None or in_reply_to.conversation_id != conversation.pk:
        raise DomainError(_("In dieser Unterhaltung gibt es keine Nachricht zu beantworten."))
    try:
        with transaction.atomic():
            reply = Reply.objects.create(
                conversation=conversation, in_reply_to=in_reply_to, text=text.strip(),
                author=actor, last_edited_by=actor,
            )
            audit.log("inbox.reply.drafted", actor=actor, obj=conversation)
    except IntegrityError:
        raise Conflict(_("Für diese Unterhaltung gibt es schon eine offene Antwort.")) from None
    return reply


def edit(*, actor, reply: Reply, text: str, expected_version: int | None = None) -> Reply:
    """Change the text. Under review or approved-but-unsent, the approval starts over."""
    permissions.require(actor, "conversation.handle", reply.conversation)
    if not text.strip():
        raise DomainError(_("Bitte schreiben Sie eine Antwort."), field="text")
    with transaction.atomic():
        locked = Reply.objects.select_for_update().get(pk=reply.pk)
        if expected_version is not None and expected_version != locked.version:
            raise Conflict(_("Die Antwort wurde inzwischen geändert. Bitte neu laden."))
        editable = (*EDITABLE_REPLY_STATES, *APPROVED_NOT_SENDING)
        if locked.status not in editable:
            raise InvalidState(_("Eine Antwort im Status „%(status)s“ lässt sich nicht ändern.")
                               % {"status": locked.get_status_display()})
        back_to_review = locked.status in (ReplyStatus.IN_REVIEW, *APPROVED_NOT_SENDING)
        new_status = ReplyStatus.IN_REVIEW if back_to_review else locked.status
        updated = Reply.objects.filter(pk=locked.pk, status=locked.status).update(
            text=text.strip(), version=locked.version + 1, last_edited_by=actor,
            status=new_status, approved_by=None, approved_at=None, next_attempt_at=None,
            updated_at=now(),
        )
        if not updated:
            raise Conflict(_("Die Antwort wird gerade gesendet und lässt sich nicht mehr "
                             "ändern."))
        audit.log("inbox.reply.edited", actor=actor, obj=locked,
                  department=locked.conversation.department,
                  data={"version": locked.version + 1, "was_approved":
                        locked.status in APPROVED_NOT_SENDING})
        if back_to_review:
            _set_conversation_status(locked.conversation_id, ConversationStatus.AWAITING_APPROVAL)
            if locked.status in APPROVED_NOT_SENDING:
                _ask_approvers(locked, actor)
    reply.refresh_from_db()
    return reply


def _ask_approvers(reply: Reply, actor) -> None:
    conversation = reply.conversation
    people = [
        person for person in inbox_people(
            conversation.department_id, DepartmentPermission.APPROVE_REPLY,
            exclude={actor.pk, reply.author_id or 0},
        )
    ]
    notify(recipients=people, kind=NotificationKind.REPLY_REVIEW_REQUESTED,
           message=_("Eine Antwort an Bürger/innen wartet auf Ihre Freigabe: %(conversation)s")
           % {"conversation": conversation_label(conversation)},
           url=conversation_url(conversation))


def submit(*, actor, reply: Reply) -> Reply:
    """Hand the reply to a second person."""
    permissions.require(actor, "conversation.handle", reply.conversation)
    with transaction.atomic():
        updated = Reply.objects.filter(pk=reply.pk, status__in=SUBMITTABLE).update(
            status=ReplyStatus.IN_REVIEW, submitted_at=now(), updated_at=now()
        )
        if not updated:
            raise InvalidState(_("Nur Entwürfe können zur Freigabe vorgelegt werden."))
        reply.refresh_from_db()
        _set_conversation_status(reply.conversation_id, ConversationStatus.AWAITING_APPROVAL)
        audit.log("inbox.reply.submitted", actor=actor, obj=reply,
                  department=reply.conversation.department)
        _ask_approvers(reply, actor)
    return reply


def _in_review(reply_pk: int, expected_version: int | None) -> Reply:
    locked = Reply.objects.select_for_update(of=("self",)).select_related(
        "conversation__department").get(pk=reply_pk)
    if locked.status != ReplyStatus.IN_REVIEW:
        raise InvalidState(_("Die Antwort wartet nicht (mehr) auf Freigabe, sie ist "
                             "„%(status)s“.") % {"status": locked.get_status_display()})
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(_("Die Antwort wurde geändert, seit Sie sie geöffnet haben. Bitte prüfen "
                         "Sie die neue Fassung."))
    return locked


def approve(*, actor, reply: Reply, expected_version: int | None = None) -> Reply:
    """The second person approves exactly the version they read; sending starts after commit."""
    from ..tasks import send_reply

    with transaction.atomic():
        locked = _in_review(reply.pk, expected_version)
        permissions.require(actor, "reply.review", locked)
        moment = now()
        updated = Reply.objects.filter(
            pk=locked.pk, status=ReplyStatus.IN_REVIEW, version=locked.version
        ).update(status=ReplyStatus.QUEUED, approved_by=actor, approved_at=moment,
                 queued_at=moment, next_attempt_at=moment, review_comment="",
                 updated_at=moment)
        if not updated:
            raise Conflict(_("Über diese Antwort hat gerade jemand anderes entschieden."))
        audit.log("inbox.reply.approved", actor=actor, obj=locked,
                  department=locked.conversation.department, data={"version": locked.version})
        notify(recipients=[locked.author], kind=NotificationKind.REPLY_APPROVED,
               message=_("%(approver)s hat Ihre Antwort freigegeben: %(conversation)s")
               % {"approver": actor, "conversation": conversation_label(locked.conversation)},
               url=conversation_url(locked.conversation))
        transaction.on_commit(lambda: send_reply.delay(locked.pk))
    reply.refresh_from_db()
    return reply


def request_changes(*, actor, reply: Reply, comment: str,
                    expected_version: int | None = None) -> Reply:
    """Send the reply back to its author, saying what to change."""
    if not comment.strip():
        raise DomainError(_("Bitte schreiben Sie, was geändert werden soll."), field="comment")
    with transaction.atomic():
        locked = _in_review(reply.pk, expected_version)
        permissions.require(actor, "reply.review", locked)
        updated = Reply.objects.filter(pk=locked.pk, status=ReplyStatus.IN_REVIEW).update(
            status=ReplyStatus.CHANGES_REQUESTED, review_comment=comment.strip(),
            updated_at=now(),
        )
        if not updated:
            raise Conflict(_("Über diese Antwort hat gerade jemand anderes entschieden."))
        conversation = locked.conversation
        _set_conversation_status(conversation.pk, _status_without_reply(conversation))
        audit.log("inbox.reply.changes_requested", actor=actor, obj=locked,
                  department=conversation.department, data={"comment": comment.strip()[:300]})
        notify(recipients=[locked.author], kind=NotificationKind.REPLY_CHANGES_REQUESTED,
               message=_("%(reviewer)s bittet bei Ihrer Antwort um Änderungen: %(comment)s")
               % {"reviewer": actor, "comment": comment.strip()[:200]},
               url=conversation_url(conversation))
    reply.refresh_from_db()
    return reply


def discard(*, actor, reply: Reply) -> Reply:
    """Throw a reply away that has not gone out (never one that may have)."""
    permissions.require(actor, "conversation.handle", reply.conversation)
    with transaction.atomic():
        updated = Reply.objects.filter(pk=reply.pk, status__in=DISCARDABLE).update(
            status=ReplyStatus.DISCARDED, updated_at=now()
        )
        if not updated:
            raise InvalidState(_("Diese Antwort lässt sich nicht mehr verwerfen."))
        conversation = Conversation.objects.get(pk=reply.conversation_id)
        _set_conversation_status(conversation.pk, _status_without_reply(conversation))
        audit.log("inbox.reply.discarded", actor=actor, obj=reply,
                  department=conversation.department)
    reply.refresh_from_db()
    return reply


def may_edit(reply: Reply) -> bool:
    """Whether the text may still change (and the reply be discarded): not once sending
    has started."""
    return reply.status in (*EDITABLE_REPLY_STATES, *APPROVED_NOT_SENDING)


def written_by(user, reply: Reply) -> bool:
    """Whether ``user`` wrote or last changed the reply (and so never approves it)."""
    return user.pk in {reply.author_id, reply.last_edited_by_id}


def may_discard_unknown(reply: Reply) -> bool:
    """A reply whose outcome stayed unknown after the last automatic attempt: nobody retries
    it on their own any more, so people may give it up (after looking on the network)."""
    from django.conf import settings

    return (reply.status == ReplyStatus.OUTCOME_UNKNOWN
            and reply.attempts >= settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS)


def discard_unknown(*, actor, reply: Reply, checked_network: bool) -> Reply:
    """Give up a reply whose outcome stayed unknown, once a person has checked on the network
    that it did not appear; the conversation can then be closed or answered anew."""
    from django.conf import settings

    permissions.require(actor, "conversation.handle", reply.conversation)
    if not checked_network:
        raise DomainError(_("Bitte sehen Sie zuerst beim Netzwerk nach und bestätigen Sie, "
                            "dass die Antwort dort nicht erschienen ist."),
                          field="checked_network")
    with transaction.atomic():
        locked = Reply.objects.select_for_update(of=("self",)).select_related(
            "conversation__department").get(pk=reply.pk)
        if not may_discard_unknown(locked):
            raise InvalidState(_("Nur Antworten, deren Ergebnis nach dem letzten Versuch unklar "
                                 "blieb, lassen sich so verwerfen."))
        updated = Reply.objects.filter(
            pk=locked.pk, status=ReplyStatus.OUTCOME_UNKNOWN,
            attempts__gte=settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS,
        ).update(status=ReplyStatus.DISCARDED, next_attempt_at=None, updated_at=now())
        if not updated:
            raise Conflict(_("Die Antwort wurde gerade geändert. Bitte neu laden."))
        conversation = Conversation.objects.get(pk=locked.conversation_id)
        _set_conversation_status(conversation.pk, _status_without_reply(conversation))
        audit.log("inbox.reply.discarded_unknown", actor=actor, obj=locked,
                  department=conversation.department,
                  data={"confirmation": str(UNKNOWN_DISCARD_CONFIRMATION),
                        "attempts": locked.attempts, "error": locked.last_error[:300]})
    reply.refresh_from_db()
    return reply


def open_reply(conversation: Conversation) -> Reply | None:
    from ..models import OPEN_REPLY_STATES

    return conversation.replies.filter(status__in=OPEN_REPLY_STATES).first()


def review_queue(user):
    """Replies waiting for this person's approval (never their own)."""
    queryset = (
        Reply.objects.filter(status=ReplyStatus.IN_REVIEW)
        .select_related("conversation__channel_account", "conversation__department", "author",
                        "in_reply_to")
        .order_by("submitted_at", "pk")
    )
    if not permissions.is_inbox_central(user):
        ids = permissions.department_ids_with(user, DepartmentPermission.APPROVE_REPLY)
        queryset = queryset.filter(conversation__department_id__in=ids)
    return queryset.exclude(author=user).exclude(last_edited_by=user)
