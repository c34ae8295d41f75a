"""Personal calendar subscriptions: a secret address per person for their calendar app."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    """Only the hash is stored: a leaked database does not leak working subscription URLs."""
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedTokenQuerySet(models.QuerySet):
    def active(self) -> CalendarFeedTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeedToken(models.Model):
    """The secret in a person's ICS subscription URL. Shown once, stored as a hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("erstellt"), default=timezone.now)
    revoked_at = models.DateTimeField(_("widerrufen"), null=True, blank=True)

    objects = CalendarFeedTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kalender-Abo")
        verbose_name_plural = _("Kalender-Abos")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    @classmethod
    def issue(cls, user) -> tuple[CalendarFeedToken, str]:
        """A new token for ``user``; returns the row and the secret (never stored in clear)."""
        secret = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, token_hash=hash_token(secret)), secret

    @classmethod
    def find(cls, secret: str) -> CalendarFeedToken | None:
        """The active token for ``secret``, with its user, or ``None``."""
        return (
            cls.objects.active().select_related("user")
            .filter(token_hash=hash_token(secret), user__is_active=True).first()
        )
