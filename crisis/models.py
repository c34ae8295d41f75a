"""Crises, the messages sent during them, and holding statements prepared for them.

Decision: **at most one crisis is active at a time.** The database forbids a second active
crisis (a conditional unique constraint on ``status``); a wider emergency widens the running
crisis' scope instead of starting a second one. That keeps "is this delivery held?" a question
about one scope, and the banner about one reason.

Scope: ``all_channels``, or the union of the chosen departments (every post of theirs, on any
channel) and the chosen channel accounts (every post on them, of any department). Crisis posts
(``Post.is_crisis``) are never held.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Delivery.hold_reason of deliveries held by a crisis.
HOLD_REASON = "crisis"


class CrisisType(models.TextChoices):
    STORM = "storm", _("Unwetter")
    FIRE = "fire", _("Großbrand")
    BOMB_DISPOSAL = "bomb_disposal", _("Bombenentschärfung")
    OTHER = "other", _("Sonstiges")


class CrisisStatus(models.TextChoices):
    ACTIVE = "active", _("aktiv")
    ENDED = "ended", _("beendet")


class CrisisQuerySet(models.QuerySet):
    def active(self) -> CrisisQuerySet:
        return self.filter(status=CrisisStatus.ACTIVE)


class Crisis(models.Model):
    """A period in which the city speaks only through crisis messages on the channels in scope."""

    reason = models.CharField(_("Anlass"), max_length=300)
    type = models.CharField(_("Art"), max_length=20, choices=CrisisType.choices)
    all_channels = models.BooleanField(
        _("Alle Kanäle"), default=True,
        help_text=_("Sonst nur die gewählten Ämter und Kanäle."),
    )
    departments = models.ManyToManyField(
        "accounts.Department", verbose_name=_("Ämter"), blank=True, related_name="+"
    )
    channel_accounts = models.ManyToManyField(
        "channels_publish.ChannelAccount", verbose_name=_("Kanäle"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=CrisisStatus.choices, default=CrisisStatus.ACTIVE,
        db_index=True,
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("begonnen von"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    started_at = models.DateTimeField(_("begonnen am"), default=timezone.now)
    planned_end_at = models.DateTimeField(_("Geplantes Ende"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beendet von"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    ended_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    objects = CrisisQuerySet.as_manager()

    class Meta:
        verbose_name = _("Krise")
        verbose_name_plural = _("Krisen")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=models.Q(status="active"),
                name="crisis_at_most_one_active",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CrisisStatus.values), name="crisis_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active", ended_at__isnull=True)
                | models.Q(status="ended", ended_at__isnull=False),
                name="crisis_ended_at_iff_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.reason

    @property
    def is_active(self) -> bool:
        return self.status == CrisisStatus.ACTIVE


class CrisisMessage(models.Model):
    """A crisis post sent during a crisis (composed, or sent from a holding statement)."""

    crisis = models.ForeignKey(Crisis, on_delete=models.CASCADE, related_name="messages")
    post = models.OneToOneField(
        "newsroom.Post", on_delete=models.CASCADE, related_name="crisis_message"
    )
    holding_statement = models.ForeignKey(
        "HoldingStatement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Krisenmeldung")
        verbose_name_plural = _("Krisenmeldungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.post)


class HoldingStatementStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    APPROVED = "approved", _("freigegeben")


class HoldingStatement(models.Model):
    """A prepared first statement for a type of crisis, approved in advance by a second person."""

    crisis_type = models.CharField(_("Art der Krise"), max_length=20, choices=CrisisType.choices)
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Text"))
    channel_accounts = models.ManyToManyField(
        "channels_publish.ChannelAccount", verbose_name=_("Kanäle"), related_name="+"
    )
    # From the crisis department's media library; sent with the statement.
    media = models.ManyToManyField(
        "newsroom.MediaAsset", verbose_name=_("Bilder und Videos"), blank=True, related_name="+"
    )
    status = models.CharField(
        _("Status"), max_length=10, choices=HoldingStatementStatus.choices,
        default=HoldingStatementStatus.DRAFT,
    )
    # Raised by every edit; an approval names the version the approver read.
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verfasst von"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("freigegeben von"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    approved_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Vorbereitete Erklärung")
        verbose_name_plural = _("Vorbereitete Erklärungen")
        ordering = ["crisis_type", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=HoldingStatementStatus.values),
                name="holding_statement_status_valid",
            ),
            # Four eyes, kept by the database too: nobody approves their own statement.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("author")),
                name="holding_statement_not_approved_by_author",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", approved_at__isnull=True)
                | models.Q(status="approved", approved_at__isnull=False),
                name="holding_statement_approved_at_iff_approved",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_approved(self) -> bool:
        return self.status == HoldingStatementStatus.APPROVED
