"""Writing and reading the audit log.

``log()`` is called by every transition function, inside its transaction, so an action and its
record commit or roll back together. Secrets in the details are masked before they are stored.
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models.audit import AuditLogEntry

MASK = "***"
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|credential|authorization|cookie|private", re.I
)
# An arbitrary constant: the advisory lock that serialises appends to the hash chain.
_CHAIN_LOCK_ID = 7_310_241


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None


_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "newsroom_audit_request", default=None
)


def set_request_context(context: RequestContext) -> contextvars.Token:
    return _request_context.set(context)


def reset_request_context(token: contextvars.Token) -> None:
    _request_context.reset(token)


def mask_secrets(value: Any) -> Any:
    """A copy of ``value`` in which anything stored under a secret-sounding key is masked."""
    if isinstance(value, Mapping):
        return {
            key: (MASK if _SECRET_KEY.search(str(key)) and item not in (None, "") else
                  mask_secrets(item))
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask_secrets(item) for item in value]
    return value


def _department_of(obj: models.Model | None):
    if obj is None:
        return None
    from accounts.models import Department

    if isinstance(obj, Department):
        return obj
    return getattr(obj, "department", None)


def log(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    department=None,
    data: Mapping[str, Any] | None = None,
) -> AuditLogEntry:
    """Append one entry to the audit log.

    ``action`` is a dotted code such as ``newsroom.post.approved``; ``actor`` is the person who
    acted (None for the system itself, e.g. the scheduler).
    """
    if action not in ACTION_MESSAGES:
        raise ValueError(f"Unregistered audit action {action!r}; add it to ACTION_MESSAGES.")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])
        previous = AuditLogEntry.objects.order_by("-id").values_list("entry_hash", flat=True)[:1]
        entry = AuditLogEntry(
            created_at=timezone.now(),
            action=action,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_display=str(actor) if actor is not None and actor.is_authenticated else "",
            ip_address=getattr(_request_context.get(), "ip_address", None),
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            object_repr=str(obj)[:300] if obj is not None else "",
            department=department if department is not None else _department_of(obj),
            data=mask_secrets(dict(data or {})),
            previous_hash=next(iter(previous), ""),
        )
        # Store what the JSON column will give back, so the hash can be recomputed from the row.
        entry.data = AuditLogEntry._meta.get_field("data").to_python(entry.data)
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """The outcome of checking the chain: how many entries fit, and the first that does not."""

    checked: int
    first_broken_id: int | None
    reason: str = ""
    # Set when the oldest entries were removed by the retention rule: the chain then starts at
    # the anchor recorded by the truncation entry instead of at the empty hash.
    anchored_at_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.first_broken_id is None


TRUNCATED_ACTION = "newsroom.audit.truncated"


def _truncation_anchors() -> set[str]:
    """Hashes of the last entry removed by each truncation; a chain may start after them."""
    return {
        str(data.get("anchor_hash", ""))
        for data in AuditLogEntry.objects.filter(action=TRUNCATED_ACTION).values_list(
            "data", flat=True
        )
        if isinstance(data, dict)
    }


def verify_audit_chain(batch_size: int = 2000) -> ChainReport:
    """Recompute every entry's hash in order; name the first entry that does not fit.

    The first entry must start the chain (empty previous hash) unless the retention rule removed
    the oldest entries: then its previous hash must be the anchor that the truncation entry
    (itself part of the chain) recorded.
    """
    previous_hash: str | None = None
    anchored_at = None
    checked = 0
    for entry in AuditLogEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if previous_hash is None:
            previous_hash = ""
            if entry.previous_hash and entry.previous_hash in _truncation_anchors():
                previous_hash = entry.previous_hash
                anchored_at = entry.id
        if entry.previous_hash != previous_hash:
            reason = (
                _("Der Eintrag verweist nicht auf seinen Vorgänger (Eintrag fehlt oder wurde "
                  "eingefügt).")
            )
            return ChainReport(checked, entry.id, reason, anchored_at)
        if entry.compute_hash() != entry.entry_hash:
            reason = _("Der Inhalt des Eintrags wurde nachträglich verändert.")
            return ChainReport(checked, entry.id, reason, anchored_at)
        previous_hash = entry.entry_hash
        checked += 1
    return ChainReport(checked=checked, first_broken_id=None, anchored_at_id=anchored_at)


def truncate_before(cutoff) -> int:
    """Remove the oldest entries (created before ``cutoff``) as one prefix of the chain.

    Only a prefix may go, never entries in between, so the rest of the chain stays verifiable;
    the truncation entry records the hash of the last removed entry as the new anchor.
    Called by the retention rule ``audit.entries`` only.
    """
    with transaction.atomic():
        last = (
            AuditLogEntry.objects.filter(created_at__lt=cutoff)
            .order_by("-id").values_list("id", "entry_hash").first()
        )
        if last is None:
            return 0
        last_id, anchor_hash = last
        # QuerySet.delete() bypasses the model's append-only delete(): the one sanctioned way.
        deleted, _per_model = AuditLogEntry.objects.filter(id__lte=last_id).delete()
        log(TRUNCATED_ACTION, data={
            "deleted": deleted, "up_to_id": last_id, "anchor_hash": anchor_hash,
        })
    return deleted


# Every action code and the sentence that tells people what happened. Placeholders: %(actor)s,
# %(object)s and any key of the entry's data.
ACTION_MESSAGES: dict[str, Any] = {
    "accounts.membership.granted": gettext_lazy(
        "%(actor)s hat %(object)s die Rolle „%(role)s“ im Amt %(department)s gegeben."
    ),
    "accounts.membership.revoked": gettext_lazy(
        "%(actor)s hat %(object)s die Rolle „%(role)s“ im Amt %(department)s entzogen."
    ),
    "accounts.user.created": gettext_lazy("%(actor)s hat das Konto %(object)s angelegt."),
    "accounts.user.logged_in": gettext_lazy("%(object)s hat sich angemeldet."),
    "accounts.user.logged_out": gettext_lazy("%(object)s hat sich abgemeldet."),
    # The typed username is never stored (people type passwords into that field): a known
    # account is the entry's object, an unknown name only a short keyed reference.
    "accounts.user.login_failed": gettext_lazy("Fehlgeschlagene Anmeldung für %(object)s."),
    "accounts.user.login_failed_unknown": gettext_lazy(
        "Fehlgeschlagene Anmeldung mit einem unbekannten Benutzernamen (Kennung %(username_ref)s)."
    ),
    "accounts.user.password_changed": gettext_lazy("%(object)s hat das Passwort geändert."),
    "accounts.api_token.issued": gettext_lazy("%(actor)s hat ein API-Token erstellt."),
    "accounts.api_token.revoked": gettext_lazy("%(actor)s hat ein API-Token widerrufen."),
    "newsroom.retention.enforced": gettext_lazy(
        "Aufbewahrungsfristen angewendet: %(counts)s."
    ),
    TRUNCATED_ACTION: gettext_lazy(
        "%(deleted)s Protokolleinträge nach Ablauf der Aufbewahrungsfrist gelöscht "
        "(bis Eintrag Nr. %(up_to_id)s)."
    ),
}


def register_actions(messages: Mapping[str, Any]) -> None:
    """Apps add their action codes and sentences here at import time."""
    ACTION_MESSAGES.update(messages)


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "–"


def describe(entry: AuditLogEntry) -> str:
    template = ACTION_MESSAGES.get(entry.action)
    values = _Defaulting(
        {key: value for key, value in entry.data.items() if isinstance(value, str | int | float)}
    )
    values["actor"] = entry.actor_display or _("Das System")
    values["object"] = entry.object_repr or "–"
    if template is None:
        return f"{entry.action} ({values['actor']})"
    return str(template) % values
