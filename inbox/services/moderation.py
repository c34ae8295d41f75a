"""Moderation: hiding or deleting a citizen's comment on our page.

One person asks, naming a ground of the moderation policy; a second person approves; only then
does the adapter act (after commit, in a task). Every step is in the audit log.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.roles import DepartmentPermission
from channels_publish.adapters.base import AdapterError
from channels_publish.adapters.inbound import inbound_adapter_for
from channels_publish.dispatch import account_config
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import NotificationKind
from newsroom.notifications import notify

from ..models import (
    ConversationKind,
    Message,
    MessageDirection,
    ModerationAction,
    ModerationReason,
    ModerationRequest,
    ModerationStatus,
)
from .common import conversation_url, inbox_people, now

logger = logging.getLogger(__name__)

audit.register_actions({
    "inbox.moderation.requested": gettext_lazy(
        "%(actor)s möchte einen Kommentar %(action)s (%(object)s, Grund: %(reason)s)."
    ),
    "inbox.moderation.approved": gettext_lazy(
        "%(actor)s hat %(object)s freigegeben."
    ),
    "inbox.moderation.rejected": gettext_lazy(
        "%(actor)s hat %(object)s abgelehnt."
    ),
    "inbox.moderation.executed": gettext_lazy("%(object)s wurde ausgeführt."),
    "inbox.moderation.failed": gettext_lazy(
        "%(object)s ist fehlgeschlagen: %(error)s"
    ),
    "inbox.moderation.retry_requested": gettext_lazy(
        "%(actor)s hat einen neuen Versuch für %(object)s angestoßen."
    ),
})


def request(*, actor, message: Message, action: str, reason: str,
            explanation: str = "") -> ModerationRequest:
    """Ask a second person to hide or delete a citizen's comment."""
    conversation = message.conversation
    permissions.require(actor, "conversation.handle", conversation)
    if action not in ModerationAction.values:
        raise DomainError(_("Unbekannte Maßnahme."), field="action")
    if reason not in ModerationReason.values:
        raise DomainError(_("Bitte wählen Sie einen Grund aus der Netiquette."), field="reason")
    if message.direction != MessageDirection.IN or message.kind == ConversationKind.MESSAGE:
        raise InvalidState(_("Nur Kommentare von Bürger/innen lassen sich verbergen oder "
                             "löschen."))
    if message.is_deleted or (action == ModerationAction.HIDE and message.is_hidden):
        raise InvalidState(_("Der Kommentar ist bereits verborgen oder gelöscht."))
    try:
        with transaction.atomic():
            moderation = ModerationRequest.objects.create(
                message=message, action=action, reason=reason,
                explanation=explanation.strip(), requested_by=actor,
            )
            audit.log("inbox.moderation.requested", actor=actor, obj=moderation,
                      department=conversation.department,
                      data={"action": moderation.get_action_display(),
                            "reason": moderation.get_reason_display(),
                            "explanation": explanation.strip()[:300]})
            notify(
                recipients=inbox_people(conversation.department_id,
                                        DepartmentPermission.APPROVE_REPLY, exclude={actor.pk}),
                kind=NotificationKind.MODERATION_REQUESTED,
                message=_("%(actor)s bittet darum, einen Kommentar zu %(action)s: %(reason)s")
                % {"actor": actor, "action": moderation.get_action_display(),
                   "reason": moderation.get_reason_display()},
                url=conversation_url(conversation),
            )
    except IntegrityError:
        raise Conflict(_("Für diesen Kommentar wartet bereits eine Moderation auf "
                         "Freigabe.")) from None
    return moderation


def _decide(actor, moderation: ModerationRequest, status: str) -> ModerationRequest:
    with transaction.atomic():
        locked = ModerationRequest.objects.select_for_update(of=("self",)).select_related(
            "message__conversation__department").get(pk=moderation.pk)
        permissions.require(actor, "moderation.review", locked)
        updated = ModerationRequest.objects.filter(
            pk=locked.pk, status=ModerationStatus.OPEN
        ).update(status=status, decided_by=actor, decided_at=now(),
                 queued_at=now() if status == ModerationStatus.APPROVED else None)
        if not updated:
            raise InvalidState(_("Über diese Moderation wurde bereits entschieden."))
        action = ("inbox.moderation.approved" if status == ModerationStatus.APPROVED
                  else "inbox.moderation.rejected")
        audit.log(action, actor=actor, obj=locked,
                  department=locked.message.conversation.department)
        if status == ModerationStatus.APPROVED:
            from ..tasks import execute_moderation

            transaction.on_commit(lambda: execute_moderation.delay(locked.pk))
    moderation.refresh_from_db()
    return moderation


def approve(*, actor, moderation: ModerationRequest) -> ModerationRequest:
    """The second person agrees; the network is asked after commit."""
    return _decide(actor, moderation, ModerationStatus.APPROVED)


def reject(*, actor, moderation: ModerationRequest) -> ModerationRequest:
    return _decide(actor, moderation, ModerationStatus.REJECTED)


def execute(moderation_id: int) -> str:
    """Hide or delete the comment on the network (the task). Safe to run twice.

    The moderation is claimed with a conditional update (approved → executing); a second copy
    of the task finds nothing to claim. Every outcome ends in "done" or "failed" (never stuck in
    "approved"); a lost task or worker is picked up again by ``sweep``.
    """
    moment = now()
    claimed = ModerationRequest.objects.filter(
        pk=moderation_id, status=ModerationStatus.APPROVED
    ).update(status=ModerationStatus.EXECUTING, execution_started_at=moment)
    if not claimed:
        return "not-claimed"
    moderation = ModerationRequest.objects.select_related(
        "message__channel_account", "message__conversation__department"
    ).get(pk=moderation_id)
    message = moderation.message
    account = message.channel_account
    try:
        inbound_adapter_for(account.network).moderate(
            account_config(account), message.remote_id, moderation.action
        )
    except AdapterError as exc:
        return _execution_failed(moderation, exc.message_de)
    except Exception as exc:
        logger.exception("Moderation %s: unexpected error", moderation.pk)
        return _execution_failed(moderation, _(
            "Unerwarteter Fehler bei der Ausführung (%(error)s). Bitte beim Netzwerk nachsehen "
            "und dann erneut versuchen."
        ) % {"error": type(exc).__name__})
    with transaction.atomic():
        updated = ModerationRequest.objects.filter(
            pk=moderation.pk, status=ModerationStatus.EXECUTING
        ).update(status=ModerationStatus.DONE, executed_at=now(), last_error="")
        if not updated:
            return "not-claimed"
        if moderation.action == ModerationAction.DELETE:
            Message.objects.filter(pk=message.pk).update(is_deleted=True)
        else:
            Message.objects.filter(pk=message.pk).update(is_hidden=True)
        audit.log("inbox.moderation.executed", obj=moderation,
                  department=message.conversation.department)
    return "done"


def _execution_failed(moderation: ModerationRequest, error: str) -> str:
    with transaction.atomic():
        updated = ModerationRequest.objects.filter(
            pk=moderation.pk, status=ModerationStatus.EXECUTING
        ).update(status=ModerationStatus.FAILED, last_error=error[:2000])
        if not updated:
            return "not-claimed"
        audit.log("inbox.moderation.failed", obj=moderation,
                  department=moderation.message.conversation.department,
                  data={"error": error[:300]})
    return "failed"


def sweep(*, at=None) -> dict[str, int]:
    """Re-queue approved moderations whose task vanished, and those whose worker died while
    executing (hiding or deleting twice does no harm: the network keeps one state)."""
    from ..tasks import execute_moderation

    moment = at or now()
    queued_before = moment - timedelta(seconds=settings.NEWSROOM_QUEUED_STALE_AFTER_S)
    started_before = moment - timedelta(seconds=settings.NEWSROOM_SENDING_STALE_AFTER_S)
    with transaction.atomic():
        stuck = list(ModerationRequest.objects.filter(
            status=ModerationStatus.EXECUTING, execution_started_at__lt=started_before,
        ).values_list("pk", flat=True))
        if stuck:
            ModerationRequest.objects.filter(
                pk__in=stuck, status=ModerationStatus.EXECUTING
            ).update(status=ModerationStatus.APPROVED, queued_at=moment)
        lost = list(ModerationRequest.objects.filter(
            Q(queued_at__lt=queued_before) | Q(queued_at__isnull=True),
            status=ModerationStatus.APPROVED,
        ).exclude(pk__in=stuck).values_list("pk", flat=True))
        if lost:
            ModerationRequest.objects.filter(
                pk__in=lost, status=ModerationStatus.APPROVED
            ).update(queued_at=moment)
        ids = [*stuck, *lost]
        if ids:
            transaction.on_commit(lambda: [execute_moderation.delay(pk) for pk in ids])
    return {"moderations_requeued": len(lost), "moderations_stuck": len(stuck)}


def retry(*, actor, moderation: ModerationRequest) -> ModerationRequest:
    """Try a failed moderation again (the network refused or was unreachable).

    The four-eyes decision stands: it was approved already, so whoever handles the
    conversation may ask for another attempt; the network is asked after commit.
    """
    from ..tasks import execute_moderation

    conversation = moderation.message.conversation
    permissions.require(actor, "conversation.handle", conversation)
    with transaction.atomic():
        updated = ModerationRequest.objects.filter(
            pk=moderation.pk, status=ModerationStatus.FAILED
        ).update(status=ModerationStatus.APPROVED, queued_at=now())
        if not updated:
            raise InvalidState(_("Nur fehlgeschlagene Moderationen lassen sich erneut "
                                 "versuchen."))
        audit.log("inbox.moderation.retry_requested", actor=actor, obj=moderation,
                  department=conversation.department,
                  data={"error": moderation.last_error[:300]})
        transaction.on_commit(lambda: execute_moderation.delay(moderation.pk))
    moderation.refresh_from_db()
    return moderation
