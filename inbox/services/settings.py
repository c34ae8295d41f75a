"""What the inbox is configured with: saved answers per department and routing rules."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Department
from newsroom import audit
from newsroom.errors import DomainError

from ..models import RoutingRule, SavedAnswer
from .common import now

audit.register_actions({
    "inbox.saved_answer.saved": gettext_lazy(
        "%(actor)s hat den Textbaustein „%(object)s“ gespeichert."
    ),
    "inbox.saved_answer.deleted": gettext_lazy(
        "%(actor)s hat den Textbaustein „%(object)s“ gelöscht."
    ),
    "inbox.routing_rule.saved": gettext_lazy(
        "%(actor)s hat die Weiterleitungsregel „%(object)s“ gespeichert."
    ),
    "inbox.routing_rule.deleted": gettext_lazy(
        "%(actor)s hat die Weiterleitungsregel „%(object)s“ gelöscht."
    ),
})


def saved_answers_for(user):
    """The saved answers of the departments whose inbox the person handles."""
    ids = permissions.inbox_department_ids(user)
    queryset = SavedAnswer.objects.select_related("department")
    if isinstance(ids, permissions.AllDepartments):
        return queryset
    return queryset.filter(department_id__in=ids)


def save_answer(*, actor, department: Department, title: str, text: str,
                answer: SavedAnswer | None = None) -> SavedAnswer:
    permissions.require(actor, "inbox.saved_answers.manage", department)
    if answer is not None:
        permissions.require(actor, "inbox.saved_answers.manage", answer.department)
    if not title.strip() or not text.strip():
        raise DomainError(_("Bitte geben Sie Titel und Text an."))
    with transaction.atomic():
        answer = answer or SavedAnswer()
        answer.department = department
        answer.title = title.strip()
        answer.text = text.strip()
        answer.updated_by = actor
        answer.updated_at = now()
        answer.save()
        audit.log("inbox.saved_answer.saved", actor=actor, obj=answer)
    return answer


def delete_answer(*, actor, answer: SavedAnswer) -> None:
    permissions.require(actor, "inbox.saved_answers.manage", answer.department)
    with transaction.atomic():
        audit.log("inbox.saved_answer.deleted", actor=actor, obj=answer)
        answer.delete()


def save_rule(*, actor, rule: RoutingRule) -> RoutingRule:
    """Create or change a routing rule (a validated, unsaved instance from a form)."""
    permissions.require(actor, "inbox.rules.manage")
    with transaction.atomic():
        rule.save()
        audit.log("inbox.routing_rule.saved", actor=actor, obj=rule,
                  department=rule.department,
                  data={"keywords": rule.keywords, "mode": rule.mode})
    return rule


def delete_rule(*, actor, rule: RoutingRule) -> None:
    permissions.require(actor, "inbox.rules.manage")
    with transaction.atomic():
        audit.log("inbox.routing_rule.deleted", actor=actor, obj=rule,
                  department=rule.department)
        rule.delete()
