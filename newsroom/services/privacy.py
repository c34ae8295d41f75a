"""Data protection for staff (DSGVO Art. 15, 17, 20): export and erasure for a person leaving.

``export_personal_data`` collects everything the newsroom holds about a member of staff: their
account, memberships, and every row of every app that refers to them (found through the foreign
keys to the user model, so apps added later are covered without changes here), and the audit
entries by and about them. Secrets (token hashes, keys, push endpoints) are masked.

``erase_staff_member`` is what happens when someone leaves the city: the account is deactivated
(sessions and tokens end, through ``accounts.services.deactivate_user``), memberships are
revoked, personal data that serves only the person (notifications, calendar subscriptions, and
whatever apps registered with :func:`register_staff_erasure`: second-factor devices, API tokens,
push subscriptions and preferences) is deleted, their posts stay but are attributed to the
department alone (the author link is removed), and the account itself is pseudonymised (name,
e-mail and username replaced). The audit log keeps its entries with the name as it was at the
time: it is the city's record of official acts (Art. 17(3)(b) DSGVO) and is purged by its own
retention rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts import services as accounts_services
from accounts.models import Membership
from newsroom import audit
from newsroom.errors import DomainError, NotAllowed

User = get_user_model()

audit.register_actions({
    "newsroom.privacy.data_exported": gettext_lazy(
        "%(actor)s hat die personenbezogenen Daten von %(object)s exportiert."
    ),
    "newsroom.privacy.staff_erased": gettext_lazy(
        "%(actor)s hat die personenbezogenen Daten einer ausgeschiedenen Person gelöscht "
        "(Konto Nr. %(user_id)s); ihre Beiträge bleiben dem Amt zugeordnet."
    ),
})

# Field names whose values are never exported (hashes of secrets, keys, push endpoints of
# devices: the endpoint address is itself a credential for sending to the device). "author"
# is a person, not a secret.
_SECRET_FIELD = re.compile(
    r"hash|secret|token|key|password|credential|auth(?!or)|p256dh|endpoint", re.I
)
# Models that are bookkeeping of other apps, not the person's data in the newsroom.
_SKIPPED_MODELS = {
    "admin.logentry",
    "newsroom.auditlogentry",  # exported separately: entries by and about the person
    "accounts.membership",  # exported separately, with the department
}
ERASED_USERNAME_PREFIX = "ehemalig-"

# What apps delete when a member of staff leaves: key → callable(user) returning how many rows
# went. Apps register from their ``ready()`` (like retention rules), so data added later by an
# app is erased without changes here. Hooks run inside the erasure's transaction, after the
# account was deactivated and before it is pseudonymised (the old username is still there).
StaffErasureHook = Callable[[Any], int]
_ERASURE_HOOKS: dict[str, StaffErasureHook] = {}


def register_staff_erasure(key: str, hook: StaffErasureHook) -> None:
    """Register (or replace, on re-import) what an app deletes when a person leaves."""
    _ERASURE_HOOKS[key] = hook


def staff_erasure_hooks() -> list[tuple[str, StaffErasureHook]]:
    return sorted(_ERASURE_HOOKS.items())


def _require_admin(actor) -> None:
    if actor is not None and not permissions.can(actor, "admin.access"):
        raise NotAllowed(_("Nur die Administration darf personenbezogene Daten verwalten."))


def _value(obj: models.Model, model_field: models.Field) -> Any:
    if _SECRET_FIELD.search(model_field.name):
        return audit.MASK
    if model_field.is_relation:
        return getattr(obj, model_field.attname)
    value = getattr(obj, model_field.attname)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _row(obj: models.Model) -> dict[str, Any]:
    return {
        model_field.name: _value(obj, model_field)
        for model_field in obj._meta.concrete_fields
    }


def _references_to_user() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key or many-to-many field that points to a user."""
    references = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _SKIPPED_MODELS or model._meta.app_label in {"guardian", "axes", "otp_static",
                                                                   "otp_totp", "sessions"}:
            continue
        if label.endswith("objectpermission"):
            continue
        for model_field in model._meta.get_fields():
            if (
                (model_field.many_to_one or model_field.many_to_many)
                and not model_field.auto_created
                and model_field.concrete
                and model_field.related_model is User
            ):
                references.append((model, model_field.name))
    return references


def personal_data(user) -> dict[str, Any]:
    """Everything the newsroom holds about ``user``, as JSON-ready data (no audit entry)."""
    from newsroom.models import AuditLogEntry

    data: dict[str, Any] = {
        "generated_at": timezone.now(),
        "account": {
            "id": user.pk,
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "is_active": user.is_active,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "memberships": [
            {"department": m.department.number, "department_name": m.department.name,
             "role": m.role, "since": m.created_at}
            for m in Membership.objects.filter(user=user).select_related("department")
        ],
        "records": {},
    }
    for model, field_name in _references_to_user():
        rows = [_row(obj) for obj in model._default_manager.filter(**{field_name: user})]
        if rows:
            key = f"{model._meta.label_lower}.{field_name}"
            data["records"][key] = rows
    # Entries by the person and entries about them (their sign-ins, roles, lockouts).
    about = models.Q(
        content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk)
    )
    entries = AuditLogEntry.objects.filter(models.Q(actor=user) | about).order_by("id")
    data["audit_log"] = [
        {"id": entry.pk, "created_at": entry.created_at, "action": entry.action,
         "message": entry.message(), "ip_address": entry.ip_address}
        for entry in entries.iterator(chunk_size=2000)
    ]
    return data


def export_personal_data(*, actor, user) -> dict[str, Any]:
    """The person's data for a request under Art. 15/20 DSGVO; the export itself is audited."""
    _require_admin(actor)
    data = personal_data(user)
    with transaction.atomic():
        audit.log("newsroom.privacy.data_exported", actor=actor, obj=user,
                  data={"user_id": user.pk, "records": sorted(data["records"])})
    return data


def encode(data: dict[str, Any]) -> str:
    """The export as JSON text (dates as ISO 8601)."""
    import json

    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


@dataclass
class ErasureResult:
    user_id: int
    posts_reattributed: int = 0
    memberships_revoked: int = 0
    deleted: dict[str, int] = field(default_factory=dict)


def erase_staff_member(*, actor, user) -> ErasureResult:
    """Deactivate and pseudonymise a person leaving the city; their posts stay with the
    department. ``actor`` is an administrator, or None for the system (the command)."""
    from newsroom.models import CalendarFeedToken, Notification, Post

    _require_admin(actor)
    if actor is not None and actor.pk == user.pk:
        raise DomainError(_("Sie können Ihre eigenen Daten nicht auf diesem Weg löschen."))
    if user.is_superuser:
        raise DomainError(_("Konten mit Superuser-Rechten werden nicht gelöscht; bitte erst "
                            "die Rechte entziehen."))
    if user.username.startswith(ERASED_USERNAME_PREFIX) and not user.is_active:
        raise DomainError(_("Die Daten dieser Person sind bereits gelöscht."))
    result = ErasureResult(user_id=user.pk)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        accounts_services.deactivate_user(actor, locked)
        for membership in Membership.objects.filter(user=locked).select_related("department"):
            accounts_services.revoke_membership(actor=actor, membership=membership)
            result.memberships_revoked += 1
        result.posts_reattributed = Post.objects.filter(author=locked).update(author=None)
        result.deleted["notifications"] = Notification.objects.filter(
            recipient=locked
        ).delete()[0]
        result.deleted["calendar_feed_tokens"] = CalendarFeedToken.objects.filter(
            user=locked
        ).delete()[0]
        for key, hook in staff_erasure_hooks():
            result.deleted[key] = hook(locked)
        locked.username = f"{ERASED_USERNAME_PREFIX}{locked.pk}"
        locked.first_name = ""
        locked.last_name = ""
        locked.email = ""
        locked.is_active = False
        locked.is_staff = False
        locked.set_unusable_password()
        locked.save(update_fields=["username", "first_name", "last_name", "email", "is_active",
                                   "is_staff", "password"])
        audit.log("newsroom.privacy.staff_erased", actor=actor, obj=locked, data={
            "user_id": locked.pk,
            "posts_reattributed": result.posts_reattributed,
            "memberships_revoked": result.memberships_revoked,
            "deleted": result.deleted,
        })
    permissions.forget_access(locked)
    user.refresh_from_db()
    return result

