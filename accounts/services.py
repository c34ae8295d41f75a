"""Onboarding people and departments: the one place where memberships change."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from newsroom import audit
from newsroom.errors import DomainError, NotAllowed

from . import permissions
from .models import ApiToken, Department, DepartmentUserObjectPermission, Membership
from .permissions import forget_access
from .roles import ROLE_PERMISSIONS, Role

User = get_user_model()

audit.register_actions(
    {
        "accounts.user.deactivated": gettext_lazy(
            "%(actor)s hat das Konto %(object)s deaktiviert (%(sessions)s Sitzungen beendet, "
            "%(revoked)s API-Tokens widerrufen)."
        ),
        "accounts.user.locked_out": gettext_lazy(
            "Anmeldung für %(object)s nach zu vielen Fehlversuchen gesperrt."
        ),
        "accounts.user.locked_out_unknown": gettext_lazy(
            "Anmeldung mit einem unbekannten Benutzernamen (Kennung %(username_ref)s) nach zu "
            "vielen Fehlversuchen gesperrt."
        ),
        "accounts.user.unlocked": gettext_lazy(
            "%(actor)s hat die Anmeldesperre für %(object)s aufgehoben."
        ),
        "accounts.user.unlocked_unknown": gettext_lazy(
            "%(actor)s hat die Anmeldesperre für einen unbekannten Benutzernamen (Kennung "
            "%(username_ref)s) aufgehoben."
        ),
    }
)


def sync_department_permissions(user) -> None:
    """Make the person's guardian permissions and department groups match their memberships."""
    wanted: dict[int, set[str]] = {}
    for membership in Membership.objects.filter(user=user).select_related("department"):
        wanted.setdefault(membership.department_id, set()).update(
            ROLE_PERMISSIONS[membership.role]
        )
    held: dict[int, set[str]] = {}
    for department_id, codename in DepartmentUserObjectPermission.objects.filter(
        user=user
    ).values_list("content_object_id", "permission__codename"):
        held.setdefault(department_id, set()).add(codename)
    departments = Department.objects.in_bulk(set(wanted) | set(held))
    for department_id, department in departments.items():
        for codename in wanted.get(department_id, set()) - held.get(department_id, set()):
            assign_perm(f"accounts.{codename}", user, department)
        for codename in held.get(department_id, set()) - wanted.get(department_id, set()):
            remove_perm(f"accounts.{codename}", user, department)
    member_groups = {d.group_id for i, d in departments.items() if i in wanted and d.group_id}
    department_groups = {d.group_id for d in departments.values() if d.group_id}
    user.groups.remove(*(department_groups - member_groups))
    user.groups.add(*member_groups)
    is_admin = Membership.objects.filter(user=user, role=Role.ADMIN).exists()
    _sync_admin_rights(user, is_admin=is_admin)
    forget_access(user)


ADMIN_GROUP_NAME = "Newsroom-Administration"
# What the Administrator/in role may do in the Django admin (besides superusers).
_ADMIN_MODEL_PERMISSIONS = {
    "accounts": ["user", "department", "membership", "apitoken"],
    "channels_publish": ["channelaccount"],
    "axes": ["accessattempt"],
}
_ADMIN_VIEW_ONLY = {
    "newsroom": ["auditlogentry", "post", "mediaasset"],
    "accounts": ["usersession"],
}


def admin_group() -> Group:
    group, created = Group.objects.get_or_create(name=ADMIN_GROUP_NAME)
    if created:
        sync_admin_group_permissions(group)
    return group


def sync_admin_group_permissions(group: Group | None = None) -> None:
    """Give the administration group exactly the rights listed above.

    Runs after every ``migrate`` too, so rights for models added later reach existing installs.
    """
    group = group or admin_group()
    codenames = Q()
    for app_label, models in _ADMIN_MODEL_PERMISSIONS.items():
        codenames |= Q(content_type__app_label=app_label, content_type__model__in=models)
    for app_label, models in _ADMIN_VIEW_ONLY.items():
        codenames |= Q(
            content_type__app_label=app_label,
            content_type__model__in=models,
            codename__startswith="view_",
        )
    group.permissions.set(Permission.objects.filter(codenames))


def _sync_admin_rights(user, *, is_admin: bool) -> None:
    """Administrators work in the Django admin; losing the role takes that away again."""
    group = admin_group()
    if is_admin:
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    else:
        user.groups.remove(group)
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def grant_membership(*, actor, user, department: Department, role: str) -> Membership:
    """Give ``user`` the ``role`` in ``department`` (idempotent)."""
    if role not in Role.values:
        raise DomainError(_("Unbekannte Rolle „%(role)s“.") % {"role": role}, field="role")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, department=department, role=role
        )
        if created:
            audit.log(
                "accounts.membership.granted",
                actor=actor,
                obj=user,
                department=department,
                data={"role": Role(role).label, "role_code": role, "department": department.number},
            )
    return membership


def revoke_membership(*, actor, membership: Membership) -> None:
    with transaction.atomic():
        audit.log(
            "accounts.membership.revoked",
            actor=actor,
            obj=membership.user,
            department=membership.department,
            data={
                "role": Role(membership.role).label,
                "role_code": membership.role,
                "department": membership.department.number,
            },
        )
        membership.delete()


def add_member(
    *,
    actor,
    username: str,
    department_number: str,
    role: str,
    email: str | None = None,
    password: str | None = None,
) -> tuple[User, Membership, bool]:
    """Create or update a person and give them a role in a department.

    Returns the person, the membership and whether the person was newly created.
    """
    try:
        department = Department.objects.get(number=department_number)
    except Department.DoesNotExist:
        raise DomainError(
            _("Es gibt kein Amt mit der Nummer „%(number)s“.") % {"number": department_number},
            field="department",
        ) from None
    if role not in Role.values:
        raise DomainError(
            _("Unbekannte Rolle „%(role)s“. Möglich: %(roles)s.")
            % {"role": role, "roles": ", ".join(Role.values)},
            field="role",
        )
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username)
        if email is not None:
            user.email = email
        if password is not None:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()
        if created:
            audit.log("accounts.user.created", actor=actor, obj=user, department=department)
        membership = grant_membership(actor=actor, user=user, department=department, role=role)
    return user, membership, created


def revoke_api_token(*, actor, token: ApiToken) -> None:
    """Revoke a token at once; it cannot be used again."""
    if actor != token.user and not permissions.can(actor, "admin.access"):
        raise NotAllowed(_("Sie dürfen nur Ihre eigenen Tokens widerrufen."))
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            audit.log(
                "accounts.api_token.revoked",
                actor=actor,
                obj=token.user,
                data={"token": token.name, "prefix": token.prefix},
            )


def issue_api_token(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new personal API token for ``actor``; the key is returned once and never stored."""
    with transaction.atomic():
        token, key = ApiToken.issue(actor, name=name[:100] or "API")
        audit.log(
            "accounts.api_token.issued",
            actor=actor,
            obj=actor,
            data={"token": token.name, "prefix": token.prefix},
        )
    return token, key


def deactivate_user(actor, user) -> bool:
    """Deactivate a person: their sessions and API tokens end at once.

    ``actor`` is an administrator, or None for the system (a management command). Returns
    whether the person was active before. Apps holding per-person access (push subscriptions)
    hear ``accounts.signals.user_deactivated`` and remove it in the same transaction.
    """
    from . import sessions
    from .signals import user_deactivated

    if actor is not None and not permissions.can(actor, "admin.access"):
        raise NotAllowed(_("Nur die Administration darf Konten deaktivieren."))
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    with transaction.atomic():
        updated = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
        user.is_active = False
        ended_sessions = sessions.end_all_sessions(user)
        ended_tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated or ended_sessions or ended_tokens:
            audit.log(
                "accounts.user.deactivated",
                actor=actor,
                obj=user,
                # "revoked", not "tokens": the audit log masks secret-sounding keys.
                data={"sessions": ended_sessions, "revoked": ended_tokens},
            )
        # Inside the transaction: what the receivers remove goes together with the rest.
        user_deactivated.send(sender=User, user=user, actor=actor)
    forget_access(user)
    return bool(updated)


def username_reference(username: str) -> str:
    """A short keyed reference to a typed username that matches no account.

    Repeated attempts with the same name share it, but the name itself (often a password typed
    into the wrong field) cannot be read back from the audit log.
    """
    from django.utils.crypto import salted_hmac

    return salted_hmac("newsroom.audit.username", (username or "").casefold()).hexdigest()[:12]


def audit_login_event(action: str, *, username: str, actor=None) -> None:
    """Audit a sign-in event about a typed ``username`` without storing what was typed.

    A known account becomes the entry's object (``action``); an unknown name is logged as
    ``<action>_unknown`` with :func:`username_reference` only.
    """
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first() if (
        username
    ) else None
    if user is not None:
        audit.log(action, actor=actor, obj=user)
    else:
        audit.log(f"{action}_unknown", actor=actor,
                  data={"username_ref": username_reference(username)})


def unlock_login(*, actor, username: str, ip_address: str | None = None) -> int:
    """Lift a login lockout (django-axes) for ``username``; returns the attempts removed."""
    from axes.utils import reset

    if actor is not None and not permissions.can(actor, "admin.access"):
        raise NotAllowed(_("Nur die Administration darf Anmeldesperren aufheben."))
    with transaction.atomic():
        if ip_address:
            removed = reset(username=username, ip=ip_address)
        else:
            removed = reset(username=username)
        if removed:
            audit_login_event("accounts.user.unlocked", username=username, actor=actor)
    return removed
