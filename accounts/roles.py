"""The newsroom's roles and what each may do in a department.

A role is held in a department through a ``Membership``. Most roles act within their own
department; the city-wide roles (duty editor, administrator) act in every department.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Redakteur/in")
    HEAD = "head", _("Amtsleitung")
    DUTY_EDITOR = "duty_editor", _("Chef/in vom Dienst")
    COMMUNITY = "community", _("Community-Management")
    ADMIN = "admin", _("Administrator/in")


class DepartmentPermission(models.TextChoices):
    """Object permissions on a ``Department``, granted through django-guardian."""

    VIEW_WORK = "view_department_work", _("Arbeit des Amts sehen")
    DRAFT_POST = "draft_post", _("Beiträge verfassen")
    APPROVE_POST = "approve_post", _("Beiträge freigeben")
    HANDLE_INBOX = "handle_inbox", _("Bürgeranfragen bearbeiten")
    APPROVE_REPLY = "approve_reply", _("Antworten an Bürger/innen freigeben")
    MANAGE = "manage_department", _("Amt verwalten")


P = DepartmentPermission

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.EDITOR: frozenset({P.VIEW_WORK, P.DRAFT_POST}),
    Role.HEAD: frozenset(
        {P.VIEW_WORK, P.DRAFT_POST, P.APPROVE_POST, P.HANDLE_INBOX, P.APPROVE_REPLY}
    ),
    Role.DUTY_EDITOR: frozenset(
        {P.VIEW_WORK, P.DRAFT_POST, P.APPROVE_POST, P.HANDLE_INBOX, P.APPROVE_REPLY}
    ),
    Role.COMMUNITY: frozenset({P.VIEW_WORK, P.HANDLE_INBOX, P.APPROVE_REPLY}),
    Role.ADMIN: frozenset({P.VIEW_WORK, P.MANAGE}),
}

# Roles whose permissions hold in every department, not only the one they are held in.
CITY_WIDE_ROLES = frozenset({Role.DUTY_EDITOR, Role.ADMIN})
