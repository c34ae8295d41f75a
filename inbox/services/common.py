"""Small helpers shared by the inbox's services."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.roles import DepartmentPermission, Role


def now():
    return timezone.now()


def conversation_url(conversation) -> str:
    return reverse("inbox:conversation", kwargs={"pk": conversation.pk})


def conversation_label(conversation) -> str:
    """How notifications name a conversation: number and channel, never the citizen's text."""
    from django.utils.translation import gettext as _

    return _("Unterhaltung #%(pk)s (Kanal %(account)s)") % {
        "pk": conversation.pk, "account": conversation.channel_account.name,
    }


def inbox_people(department_id: int | None, permission: str = DepartmentPermission.HANDLE_INBOX,
                 *, exclude: set[int] | None = None) -> list:
    """Who handles (or approves) a department's conversations: its members holding the right
    through their role, else the central team (community management and duty editors)."""
    from accounts.roles import ROLE_PERMISSIONS

    users = get_user_model().objects.filter(is_active=True)
    roles = [role for role, held in ROLE_PERMISSIONS.items() if permission in held]
    people = []
    if department_id is not None:
        people = list(users.filter(
            memberships__department_id=department_id, memberships__role__in=roles,
        ).exclude(pk__in=exclude or set()).distinct())
    if not people:
        people = list(users.filter(
            memberships__role__in=(Role.COMMUNITY, Role.DUTY_EDITOR),
            memberships__department__is_active=True,
        ).exclude(pk__in=exclude or set()).distinct())
    return people
