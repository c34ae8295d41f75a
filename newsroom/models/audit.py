"""The audit log: one append-only, hash-chained record of every change in the newsroom."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditLogEntry(models.Model):
    """What happened, to which object, by whom, from where, when.

    Entries are never changed or deleted. Each carries the hash of its predecessor, so a change
    made behind the application's back (directly in the database) breaks the chain and
    ``verify_audit_chain`` names the first broken link.
    """

    created_at = models.DateTimeField(_("Zeit"), default=timezone.now, db_index=True)
    action = models.CharField(_("Aktion"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Kept beside the foreign key so the record stays readable if the account is erased.
    actor_display = models.CharField(_("Person (Anzeige)"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-Adresse"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("Objekt"), max_length=300, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("Amt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    data = models.JSONField(_("Details"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def compute_hash(self) -> str:
        payload = json.dumps(
            {
                "previous": self.previous_hash,
                "created_at": self.created_at.isoformat(),
                "action": self.action,
                "actor": self.actor_id,
                "actor_display": self.actor_display,
                "ip": self.ip_address,
                "content_type": self.content_type_id,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "department": self.department_id,
                "data": self.data,
            },
            sort_keys=True,
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    @property
    def target_model(self) -> type[models.Model] | None:
        return self.content_type.model_class() if self.content_type_id else None

    def message(self) -> str:
        """The entry as a translated sentence for people."""
        from newsroom.audit import describe

        return describe(self)

    @classmethod
    def for_object(cls, obj: models.Model) -> models.QuerySet[AuditLogEntry]:
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
