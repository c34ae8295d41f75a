"""Data protection (DSGVO): retention of citizens' messages, export and erasure on request."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy

from accounts import permissions
from newsroom import audit
from newsroom.retention import CITIZENS, PUBLIC_TASK, RetentionRule, register_retention
from newsroom.spreadsheets import safe_cell

from ..models import CitizenAccount, Conversation, Message, MessageDirection
from .common import now

ERASED_TEXT = "[gelöscht]"

audit.register_actions({
    "inbox.citizen.exported": gettext_lazy(
        "%(actor)s hat alle Nachrichten von %(object)s exportiert (%(count)s, %(format)s)."
    ),
    "inbox.citizen.erased": gettext_lazy(
        "%(actor)s hat alle Nachrichten von %(object)s gelöscht (%(count)s)."
    ),
})


def _anonymise(messages, moment: datetime) -> int:
    """Blank the text and the author of ``messages``; the conversation's figures stay."""
    ids = list(messages.filter(anonymised_at__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), 500):
        Message.objects.filter(pk__in=ids[start:start + 500]).update(
            text=ERASED_TEXT, author=None, author_name="", url="", anonymised_at=moment
        )
    Conversation.objects.filter(messages__pk__in=ids).update(preview=ERASED_TEXT)
    return len(ids)


def purge_messages(cutoff: datetime) -> int:
    """Anonymise citizens' messages written before ``cutoff``; drop citizen accounts that no
    longer have a message (the retention rule "inbox.messages")."""
    moment = now()
    count = _anonymise(
        Message.objects.filter(direction=MessageDirection.IN, created_at__lt=cutoff), moment
    )
    Conversation.objects.filter(citizen__isnull=False, last_message_at__lt=cutoff).update(
        citizen=None
    )
    CitizenAccount.objects.filter(messages__isnull=True, conversations__isnull=True).delete()
    return count


register_retention(RetentionRule(
    key="inbox.messages",
    label=gettext_lazy("Nachrichten von Bürger/innen im Bürgerpostfach"),
    purpose=gettext_lazy("Anfragen beantworten und Antwortzeiten belegen"),
    personal_data=gettext_lazy("Name und Kennung des Kontos beim Netzwerk, Text der Nachricht"),
    default_days=365,
    purge=purge_messages,
    action="anonymise",
    legal_basis=PUBLIC_TASK,
    data_subjects=CITIZENS,
))


EXPORT_FIELDS = ("network", "channel", "conversation", "kind", "remote_id", "created_at", "text",
                 "url", "hidden", "deleted")


def _export_rows(citizen: CitizenAccount) -> list[dict]:
    messages = (Message.objects.filter(author=citizen)
                .select_related("channel_account").order_by("created_at", "pk"))
    return [{
        "network": citizen.network,
        "channel": message.channel_account.name,
        "conversation": message.conversation_id,
        "kind": message.kind,
        "remote_id": message.remote_id,
        "created_at": message.created_at.isoformat(),
        "text": message.text,
        "url": message.url,
        "hidden": message.is_hidden,
        "deleted": message.is_deleted,
    } for message in messages]


def export_citizen(*, actor, citizen: CitizenAccount, fmt: str = "json") -> tuple[str, str]:
    """Everything one citizen account wrote to us, as JSON or CSV. Returns (content, type)."""
    permissions.require(actor, "inbox.citizen_data")
    rows = _export_rows(citizen)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS)
        writer.writeheader()
        # Citizens' text must not run as a formula when staff open the file.
        writer.writerows({key: safe_cell(value) for key, value in row.items()} for row in rows)
        content, content_type = buffer.getvalue(), "text/csv; charset=utf-8"
    else:
        content = json.dumps({
            "account": {"network": citizen.network, "id": citizen.remote_id,
                        "name": citizen.name, "handle": citizen.handle},
            "messages": rows,
        }, ensure_ascii=False, indent=2)
        content_type = "application/json"
    with transaction.atomic():
        audit.log("inbox.citizen.exported", actor=actor, obj=citizen,
                  data={"count": len(rows), "format": fmt})
    return content, content_type


def erase_citizen(*, actor, citizen: CitizenAccount) -> int:
    """Erase everything one citizen account wrote (a DSGVO request). Returns how many."""
    permissions.require(actor, "inbox.citizen_data")
    moment = now()
    with transaction.atomic():
        count = _anonymise(Message.objects.filter(author=citizen), moment)
        Conversation.objects.filter(citizen=citizen).update(citizen=None)
        CitizenAccount.objects.filter(pk=citizen.pk).update(
            name="", handle="", remote_id=f"erased-{citizen.pk}", erased_at=moment
        )
        citizen.refresh_from_db()
        # Logged after the erasure, so the audit log keeps no name either.
        audit.log("inbox.citizen.erased", actor=actor, obj=citizen, data={"count": count})
    return count


def find_citizens(query: str, limit: int = 50):
    from django.db.models import Q

    query = query.strip().lstrip("@")
    if not query:
        return CitizenAccount.objects.none()
    return CitizenAccount.objects.filter(
        Q(name__icontains=query) | Q(handle__icontains=query) | Q(remote_id=query),
        erased_at__isnull=True,
    ).order_by("network", "name")[:limit]
