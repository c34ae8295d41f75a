"""Transitions of a conversation: route, assign, tag, note, close, reopen."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import NotificationKind, Tag
from newsroom.notifications import notify

from ..models import OPEN_CONVERSATION_STATES, Conversation, ConversationStatus, Note
from .common import conversation_label, conversation_url, inbox_people, now

audit.register_actions({
    "inbox.conversation.routed": gettext_lazy(
        "%(actor)s hat %(object)s an %(department)s weitergeleitet."
    ),
    "inbox.conversation.assigned": gettext_lazy(
        "%(actor)s hat %(object)s %(assignee)s zugewiesen."
    ),
    "inbox.conversation.tagged": gettext_lazy(
        "%(actor)s hat die Schlagwörter von %(object)s geändert: %(tags)s"
    ),
    "inbox.conversation.noted": gettext_lazy(
        "%(actor)s hat eine Notiz zu %(object)s geschrieben."
    ),
    "inbox.conversation.closed": gettext_lazy(
        "%(actor)s hat %(object)s geschlossen."
    ),
    "inbox.conversation.reopened": gettext_lazy(
        "%(actor)s hat %(object)s wieder geöffnet."
    ),
})


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def route(*, actor, conversation: Conversation, department: Department) -> Conversation:
    """Send the conversation to the department that answers it (community management)."""
    permissions.require(actor, "conversation.route", conversation)
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.department_id == department.pk:
            return locked
        locked.department = department
        locked.suggested_department = None
        # A person of the old department no longer holds it.
        if locked.assignee_id and not permissions.has_department_permission(
            locked.assignee, DepartmentPermission.HANDLE_INBOX, department
        ):
            locked.assignee = None
            if locked.status == ConversationStatus.ASSIGNED:
                locked.status = ConversationStatus.NEW
        locked.updated_at = now()
        locked.save(update_fields=["department", "suggested_department", "assignee", "status",
                                   "updated_at"])
        audit.log("inbox.conversation.routed", actor=actor, obj=locked,
                  data={"department": department.name})
    return locked


def assign(*, actor, conversation: Conversation, assignee) -> Conversation:
    """Give the conversation to one person of its department (or take it oneself)."""
    permissions.require(actor, "conversation.handle", conversation)
    if assignee is not None and not permissions.can(assignee, "conversation.handle",
                                                    conversation):
        raise DomainError(_("%(person)s darf diese Unterhaltung nicht bearbeiten.")
                          % {"person": assignee}, field="assignee")
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.status == ConversationStatus.CLOSED:
            raise InvalidState(_("Die Unterhaltung ist geschlossen."))
        locked.assignee = assignee
        if locked.status in (ConversationStatus.NEW, ConversationStatus.ASSIGNED):
            locked.status = ConversationStatus.ASSIGNED if assignee else ConversationStatus.NEW
        locked.updated_at = now()
        locked.save(update_fields=["assignee", "status", "updated_at"])
        audit.log("inbox.conversation.assigned", actor=actor, obj=locked,
                  data={"assignee": str(assignee) if assignee else "—"})
        if assignee is not None and assignee.pk != actor.pk:
            notify(recipients=[assignee], kind=NotificationKind.CONVERSATION_ASSIGNED,
                   message=_("%(actor)s hat Ihnen eine Unterhaltung zugewiesen: %(conversation)s")
                   % {"actor": actor, "conversation": conversation_label(locked)},
                   url=conversation_url(locked))
    return locked


def set_tags(*, actor, conversation: Conversation, names: list[str]) -> list[Tag]:
    permissions.require(actor, "conversation.handle", conversation)
    with transaction.atomic():
        tags = Tag.objects.for_names(names)
        conversation.tags.set(tags)
        audit.log("inbox.conversation.tagged", actor=actor, obj=conversation,
                  data={"tags": ", ".join(tag.name for tag in tags) or "—"})
    return tags


def add_note(*, actor, conversation: Conversation, text: str) -> Note:
    permissions.require(actor, "conversation.handle", conversation)
    if not text.strip():
        raise DomainError(_("Bitte schreiben Sie eine Notiz."), field="text")
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=actor, text=text.strip())
        audit.log("inbox.conversation.noted", actor=actor, obj=conversation)
    return note


def close(*, actor, conversation: Conversation) -> Conversation:
    """Nothing more to say (or nothing to answer at all)."""
    permissions.require(actor, "conversation.handle", conversation)
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.status == ConversationStatus.CLOSED:
            raise InvalidState(_("Die Unterhaltung ist bereits geschlossen."))
        if locked.status == ConversationStatus.AWAITING_APPROVAL:
            raise InvalidState(_("Eine Antwort wartet auf Freigabe; bitte zuerst verwerfen."))
        updated = Conversation.objects.filter(pk=locked.pk, status=locked.status).update(
            status=ConversationStatus.CLOSED, waiting_since=None, updated_at=now()
        )
        if not updated:
            raise Conflict(_("Die Unterhaltung wurde gerade geändert. Bitte neu laden."))
        audit.log("inbox.conversation.closed", actor=actor, obj=locked)
    conversation.refresh_from_db()
    return conversation


def reopen(*, actor, conversation: Conversation) -> Conversation:
    permissions.require(actor, "conversation.handle", conversation)
    with transaction.atomic():
        locked = _locked(conversation)
        if locked.status in OPEN_CONVERSATION_STATES:
            raise InvalidState(_("Die Unterhaltung ist offen."))
        locked.status = (ConversationStatus.ASSIGNED if locked.assignee_id
                         else ConversationStatus.NEW)
        locked.updated_at = now()
        locked.save(update_fields=["status", "updated_at"])
        audit.log("inbox.conversation.reopened", actor=actor, obj=locked)
    conversation.refresh_from_db()
    return conversation


def assignable_people(conversation: Conversation) -> list:
    """People who may handle the conversation: its department's inbox people (else the
    central team, as everywhere in the inbox)."""
    if conversation.department_id is None:
        return []
    return sorted(inbox_people(conversation.department_id),
                  key=lambda person: (person.last_name, person.username))
