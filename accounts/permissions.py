"""The one place that answers: may this person do this to this object?

Every view, API endpoint, admin action and task asks ``can()`` or ``require()``; nothing else
decides about permissions. Department-level rights are django-guardian object permissions on
``Department`` (kept in step with the person's memberships); city-wide roles hold their rights
in every department. Rules that depend on the object itself (for example: nobody approves their
own post) are registered here with ``@rule``.

Lists are filtered with ``department_ids_with()``, so another department's object is simply not
found (404) rather than forbidden (403).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from .roles import CITY_WIDE_ROLES, ROLE_PERMISSIONS, DepartmentPermission, Role

_CACHE_ATTRIBUTE = "_newsroom_access"


@dataclass(frozen=True)
class Access:
    """What one person may do, read once per request from memberships and guardian."""

    roles_by_department: dict[int, frozenset[str]] = field(default_factory=dict)
    permissions_by_department: dict[int, frozenset[str]] = field(default_factory=dict)
    city_wide_permissions: frozenset[str] = frozenset()
    city_wide_roles: frozenset[str] = frozenset()
    is_superuser: bool = False

    @property
    def roles(self) -> frozenset[str]:
        return frozenset().union(*self.roles_by_department.values(), self.city_wide_roles)


def access_of(user) -> Access:
    """The person's access, cached on the user object for the rest of the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Access()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is not None:
        return cached
    from .models import DepartmentUserObjectPermission, Membership

    roles: dict[int, set[str]] = {}
    for department_id, role in Membership.objects.filter(
        user=user, department__is_active=True
    ).values_list("department_id", "role"):
        roles.setdefault(department_id, set()).add(role)
    permissions: dict[int, set[str]] = {}
    for department_id, codename in DepartmentUserObjectPermission.objects.filter(
        user=user, content_object__is_active=True
    ).values_list("content_object_id", "permission__codename"):
        permissions.setdefault(department_id, set()).add(codename)
    city_wide_roles = frozenset(
        role for held in roles.values() for role in held if role in CITY_WIDE_ROLES
    )
    city_wide_permissions = frozenset().union(
        *(ROLE_PERMISSIONS[role] for role in city_wide_roles)
    )
    access = Access(
        roles_by_department={key: frozenset(value) for key, value in roles.items()},
        permissions_by_department={key: frozenset(value) for key, value in permissions.items()},
        city_wide_permissions=city_wide_permissions,
        city_wide_roles=city_wide_roles,
        is_superuser=user.is_superuser,
    )
    setattr(user, _CACHE_ATTRIBUTE, access)
    return access


def forget_access(user) -> None:
    """Drop the cached access, e.g. after the person's memberships changed."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


class AllDepartments:
    """Stands for "every department" where a list of department ids is expected."""

    def __contains__(self, item: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "AllDepartments()"


ALL_DEPARTMENTS = AllDepartments()


def department_ids_with(user, permission: str) -> set[int] | AllDepartments:
    """The departments in which the person holds ``permission``."""
    access = access_of(user)
    if permission in access.city_wide_permissions:
        return ALL_DEPARTMENTS
    return {
        department_id
        for department_id, held in access.permissions_by_department.items()
        if permission in held
    }


def filter_by_department(queryset, user, permission: str, field_name: str = "department"):
    """Narrow ``queryset`` to objects of departments in which the person holds ``permission``."""
    ids = department_ids_with(user, permission)
    if isinstance(ids, AllDepartments):
        return queryset
    return queryset.filter(**{f"{field_name}__in": ids})


def has_department_permission(user, permission: str, department) -> bool:
    if department is None:
        return False
    department_id = department if isinstance(department, int) else department.pk
    access = access_of(user)
    if permission in access.city_wide_permissions:
        return True
    return permission in access.permissions_by_department.get(department_id, frozenset())


def has_role(user, role: str, department=None) -> bool:
    """Whether the person holds ``role`` (in ``department``, if given; city-wide roles anywhere)."""
    access = access_of(user)
    if role in access.city_wide_roles:
        return True
    if department is None:
        return any(role in held for held in access.roles_by_department.values())
    department_id = department if isinstance(department, int) else department.pk
    return role in access.roles_by_department.get(department_id, frozenset())


def has_any_role(user, roles) -> bool:
    return any(has_role(user, role) for role in roles)


# --- Object rules ---------------------------------------------------------------------------
Rule = Callable[[Any, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule that decides ``action`` (dotted, e.g. ``post.approve``)."""

    def register(function: Rule) -> Rule:
        if action in _RULES:
            raise ValueError(f"A rule for {action!r} is already registered.")
        _RULES[action] = function
        return function

    return register


def can(user, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may do ``action`` on ``obj``."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    try:
        decide = _RULES[action]
    except KeyError:
        raise ValueError(f"No permission rule for {action!r}.") from None
    return bool(decide(user, obj))


def require(user, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` unless ``user`` may do ``action`` on ``obj``."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


def registered_actions() -> list[str]:
    return sorted(_RULES)


P = DepartmentPermission


@rule("department.view")
def _view_department(user, department) -> bool:
    return has_department_permission(user, P.VIEW_WORK, department)


@rule("department.manage")
def _manage_department(user, department) -> bool:
    return has_department_permission(user, P.MANAGE, department)


@rule("newsroom.view_city_wide")
def _view_city_wide(user, _obj) -> bool:
    return has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN))


@rule("audit.view")
def _view_audit(user, _obj) -> bool:
    # Heads see their department's trail; duty editors and administrators see everything.
    return has_any_role(user, (Role.HEAD, Role.DUTY_EDITOR, Role.ADMIN))


@rule("admin.access")
def _admin_access(user, _obj) -> bool:
    return user.is_staff and (user.is_superuser or has_role(user, Role.ADMIN))


# --- Posts ----------------------------------------------------------------------------------
def _editor_ids(post) -> set[int]:
    # Prefetched by review lists; one query otherwise.
    return {user.pk for user in post.editors.all()}


def is_author_or_editor(user, post) -> bool:
    """Four eyes: whoever wrote or changed the version under review may not approve it."""
    return post.author_id == user.pk or user.pk in _editor_ids(post)


@rule("post.view")
def _view_post(user, post) -> bool:
    return has_department_permission(user, P.VIEW_WORK, post.department_id)


@rule("post.create")
def _create_post(user, department) -> bool:
    return has_department_permission(user, P.DRAFT_POST, department)


@rule("post.edit")
def _edit_post(user, post) -> bool:
    return has_department_permission(user, P.DRAFT_POST, post.department_id)


@rule("post.submit")
def _submit_post(user, post) -> bool:
    return has_department_permission(user, P.DRAFT_POST, post.department_id)


@rule("post.review")
def _review_post(user, post) -> bool:
    """Approve or request changes: a head of the post's department or a duty editor, and never
    the author or anyone who edited the version under review."""
    return has_department_permission(
        user, P.APPROVE_POST, post.department_id
    ) and not is_author_or_editor(user, post)


@rule("post.withdraw")
def _withdraw_post(user, post) -> bool:
    return has_department_permission(
        user, P.DRAFT_POST, post.department_id
    ) or has_department_permission(user, P.APPROVE_POST, post.department_id)


@rule("post.reschedule_approved")
def _reschedule_approved(user, post) -> bool:
    # Duty editors may move an approved post in time without a new review (audited).
    return has_role(user, Role.DUTY_EDITOR)


@rule("post.comment")
def _comment_post(user, post) -> bool:
    return has_department_permission(user, P.VIEW_WORK, post.department_id)


@rule("review_queue.view")
def _view_review_queue(user, _obj) -> bool:
    return bool(department_ids_with(user, P.APPROVE_POST))


# --- Media ----------------------------------------------------------------------------------
@rule("media.view")
def _view_media(user, asset) -> bool:
    return has_department_permission(user, P.VIEW_WORK, asset.department_id)


@rule("media.upload")
def _upload_media(user, department) -> bool:
    return has_department_permission(user, P.DRAFT_POST, department)


@rule("media.library")
def _media_library(user, _obj) -> bool:
    return bool(department_ids_with(user, P.VIEW_WORK))


@rule("posts.list")
def _list_posts(user, _obj) -> bool:
    return bool(department_ids_with(user, P.DRAFT_POST))


# --- Channels -------------------------------------------------------------------------------
@rule("channel.manage")
def _manage_channel(user, _account) -> bool:
    return has_role(user, Role.ADMIN)


@rule("channels.list")
def _list_channels(user, _obj) -> bool:
    return bool(department_ids_with(user, P.VIEW_WORK))


@rule("delivery.retry")
def _retry_delivery(user, delivery) -> bool:
    return _withdraw_post(user, delivery.post)


# --- Calendar and dashboard -----------------------------------------------------------------
@rule("calendar.view")
def _view_calendar(user, _obj) -> bool:
    return bool(department_ids_with(user, P.VIEW_WORK))


@rule("dashboard.view")
def _view_dashboard(user, _obj) -> bool:
    return has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN))


# --- Crisis ---------------------------------------------------------------------------------
# The crisis team: duty editors, administrators and the heads of the Amt für Kommunikation.
CRISIS_TEAM_DEPARTMENT_NUMBER = "13"


def is_crisis_team(user) -> bool:
    if has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN)):
        return True
    return _is_crisis_team_head(user)


def _is_crisis_team_head(user) -> bool:
    access = access_of(user)
    heads = [dep for dep, held in access.roles_by_department.items() if Role.HEAD in held]
    if not heads:
        return False
    from .models import Department

    return Department.objects.filter(
        pk__in=heads, number=CRISIS_TEAM_DEPARTMENT_NUMBER, is_active=True
    ).exists()


def crisis_team_members():
    """Everyone ``is_crisis_team`` is true for, as one query (same definition: duty editors
    and administrators, heads of the active Amt für Kommunikation; active people, roles in
    active departments only)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    # One filter() call: both conditions must hold for the same membership.
    return get_user_model().objects.filter(
        Q(memberships__role__in=(Role.DUTY_EDITOR, Role.ADMIN))
        | Q(memberships__role=Role.HEAD,
            memberships__department__number=CRISIS_TEAM_DEPARTMENT_NUMBER),
        is_active=True, memberships__department__is_active=True,
    ).distinct()


@rule("crisis.view")
def _view_crisis(user, _obj) -> bool:
    # Everyone with a role learns about a crisis (and is notified of it).
    return bool(access_of(user).roles)


@rule("crisis.manage")
def _manage_crisis(user, _obj) -> bool:
    """Start and end a crisis: duty editors and administrators."""
    return has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN))


@rule("crisis.compose")
def _compose_crisis_message(user, _obj) -> bool:
    """Write crisis messages and holding statements, send an approved statement: the members of
    the crisis team who write (duty editors, heads of the Amt für Kommunikation)."""
    return has_role(user, Role.DUTY_EDITOR) or _is_crisis_team_head(user)


@rule("crisis.message.approve")
def _approve_crisis_message(user, post) -> bool:
    """Four eyes made fast: any other member of the crisis team approves a crisis post."""
    return bool(post.is_crisis) and is_crisis_team(user) and not is_author_or_editor(user, post)


@rule("crisis.statement.approve")
def _approve_holding_statement(user, statement) -> bool:
    return is_crisis_team(user) and user.pk not in {
        statement.author_id, statement.last_edited_by_id
    }


@rule("crisis.held.view")
def _view_held_posts(user, _obj) -> bool:
    return has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN)) or bool(
        department_ids_with(user, P.APPROVE_POST)
    )


@rule("crisis.held.confirm")
def _confirm_held_post(user, post) -> bool:
    """Release, move or cancel a post held by a crisis: whoever may approve it."""
    return has_department_permission(user, P.APPROVE_POST, post.department_id)


# Crisis posts are reviewed by the crisis team as well; for every other post "post.review"
# stays exactly the rule above (the department's approvers, never the author).
_review_post_of_department = _RULES.pop("post.review")


@rule("post.review")
def _review_post_or_crisis_message(user, post) -> bool:
    return _review_post_of_department(user, post) or _approve_crisis_message(user, post)


# --- Citizens' inbox (docs/decisions/0004-inbox-visibility.md) -------------------------------
def is_inbox_central(user) -> bool:
    """The community management (in any department) and duty editors see and route everything."""
    return has_any_role(user, (Role.COMMUNITY, Role.DUTY_EDITOR))


def inbox_department_ids(user) -> set[int] | AllDepartments:
    """Departments whose conversations the person handles (every one for the central team)."""
    if is_inbox_central(user):
        return ALL_DEPARTMENTS
    return department_ids_with(user, P.HANDLE_INBOX)


@rule("inbox.view")
def _view_inbox(user, _obj) -> bool:
    return bool(inbox_department_ids(user))


@rule("conversation.handle")
def _handle_conversation(user, conversation) -> bool:
    """Read, assign, tag, note, draft a reply, close: the department it is routed to."""
    return is_inbox_central(user) or has_department_permission(
        user, P.HANDLE_INBOX, conversation.department_id
    )


@rule("conversation.route")
def _route_conversation(user, _conversation) -> bool:
    return is_inbox_central(user)


def _may_approve_in_inbox(user, conversation) -> bool:
    return is_inbox_central(user) or has_department_permission(
        user, P.APPROVE_REPLY, conversation.department_id
    )


@rule("reply.review")
def _review_reply(user, reply) -> bool:
    """Four eyes: never whoever wrote or last changed the reply."""
    return _may_approve_in_inbox(user, reply.conversation) and user.pk not in {
        reply.author_id, reply.last_edited_by_id
    }


@rule("reply.review_queue")
def _reply_review_queue(user, _obj) -> bool:
    return is_inbox_central(user) or bool(department_ids_with(user, P.APPROVE_REPLY))


@rule("moderation.review")
def _review_moderation(user, moderation) -> bool:
    return _may_approve_in_inbox(
        user, moderation.message.conversation
    ) and user.pk != moderation.requested_by_id


@rule("inbox.rules.manage")
def _manage_routing_rules(user, _obj) -> bool:
    return is_inbox_central(user)


@rule("inbox.saved_answers.manage")
def _manage_saved_answers(user, department) -> bool:
    return is_inbox_central(user) or has_department_permission(user, P.HANDLE_INBOX, department)


@rule("inbox.citizen_data")
def _citizen_data(user, _obj) -> bool:
    """Export or erase everything of one citizen account (DSGVO requests)."""
    return is_inbox_central(user)


# --- Analytics ------------------------------------------------------------------------------
@rule("analytics.view")
def _view_analytics(user, _obj) -> bool:
    """Figures of one's own departments (and, for city-wide roles, of all)."""
    return bool(department_ids_with(user, P.VIEW_WORK))


@rule("analytics.city")
def _view_city_analytics(user, _obj) -> bool:
    """City-wide figures: duty editors and administrators."""
    return has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN))


@rule("analytics.department")
def _view_department_analytics(user, department) -> bool:
    return has_department_permission(user, P.VIEW_WORK, department)
