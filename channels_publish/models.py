"""Channel accounts (the city's pages and profiles) and deliveries (one post to one account)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from . import crypto
from .networks import Network

PUBLISH_PERMISSION = "publish_to_channel"

# Where each network's API lives when an account does not name another base URL (the sandbox).
DEFAULT_API_BASE_URLS = {
    Network.X: "https://api.x.com",
    Network.FACEBOOK: "https://graph.facebook.com",
    Network.INSTAGRAM: "https://graph.facebook.com",
    Network.YOUTUBE: "https://www.googleapis.com/",
}


class AccountHealth(models.TextChoices):
    OK = "ok", _("in Ordnung")
    RECONNECT_NEEDED = "reconnect_needed", _("Neu verbinden nötig")
    DISABLED = "disabled", _("deaktiviert")


class ChannelAccountQuerySet(models.QuerySet):
    def usable(self) -> ChannelAccountQuerySet:
        return self.exclude(health=AccountHealth.DISABLED)

    def granted_to(self, department) -> ChannelAccountQuerySet:
        """Accounts the department may post to (a guardian permission on its group)."""
        return self.filter(
            channelaccountgroupobjectpermission__group_id=department.group_id,
            channelaccountgroupobjectpermission__permission__codename=PUBLISH_PERMISSION,
        ).distinct()


class ChannelAccount(models.Model):
    """One page, profile or outlet of the city on one network."""

    network = models.CharField(_("Netzwerk"), max_length=20, choices=Network.choices)
    name = models.CharField(_("Name"), max_length=200)
    external_id = models.CharField(
        _("Externe ID"), max_length=200, blank=True,
        help_text=_("Die ID der Seite oder des Profils beim Netzwerk."),
    )
    api_base_url = models.URLField(
        _("API-Adresse"), blank=True,
        help_text=_("Leer: die echte Adresse des Netzwerks. Für Tests und Demo: die Sandbox."),
    )
    # Encrypted JSON (MultiFernet); never shown again after entry, never logged.
    credentials_encrypted = models.TextField(blank=True, editable=False)
    credentials_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    token_expires_at = models.DateTimeField(_("Zugang läuft ab"), null=True, blank=True)
    health = models.CharField(
        _("Zustand"), max_length=20, choices=AccountHealth.choices, default=AccountHealth.OK
    )
    health_message = models.CharField(_("Hinweis"), max_length=500, blank=True)
    health_changed_at = models.DateTimeField(null=True, blank=True)

    objects = ChannelAccountQuerySet.as_manager()

    class Meta:
        verbose_name = _("Kanal")
        verbose_name_plural = _("Kanäle")
        ordering = ["network", "name"]
        permissions = [(PUBLISH_PERMISSION, _("In diesen Kanal veröffentlichen"))]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.name}"

    @property
    def base_url(self) -> str:
        return self.api_base_url or DEFAULT_API_BASE_URLS.get(self.network, "")

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials_encrypted)

    def set_credentials(self, credentials: dict) -> None:
        self.credentials_encrypted = crypto.encrypt(credentials)
        self.credentials_updated_at = timezone.now()

    def get_credentials(self) -> dict:
        return crypto.decrypt(self.credentials_encrypted)


class ChannelAccountUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE)


class ChannelAccountGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ChannelAccount, on_delete=models.CASCADE)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("geplant")
    QUEUED = "queued", _("in der Warteschlange")
    SENDING = "sending", _("wird gesendet")
    PUBLISHED = "published", _("veröffentlicht")
    FAILED = "failed", _("fehlgeschlagen")
    OUTCOME_UNKNOWN = "outcome_unknown", _("Ergebnis unklar")
    HELD = "held", _("angehalten")
    CANCELLED = "cancelled", _("abgebrochen")


# Deliveries that still have work ahead of them (the outbox).
OPEN_DELIVERY_STATES = frozenset({
    DeliveryStatus.PENDING, DeliveryStatus.QUEUED, DeliveryStatus.SENDING,
    DeliveryStatus.OUTCOME_UNKNOWN, DeliveryStatus.HELD,
})


def _new_marker() -> str:
    return secrets.token_hex(4)


class Delivery(models.Model):
    """One post to one channel account: the outbox entry, its retry state and its history.

    The database is the schedule: the scheduler claims due rows, a worker claims one row with a
    conditional update before it talks to the network, and every outcome is written here.
    """

    post = models.ForeignKey("newsroom.Post", on_delete=models.CASCADE, related_name="deliveries")
    channel_account = models.ForeignKey(
        ChannelAccount, on_delete=models.PROTECT, related_name="deliveries"
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING, db_index=True,
    )
    # The post version this delivery sends; a newer version means the post was edited.
    post_version = models.PositiveIntegerField()
    due_at = models.DateTimeField(_("fällig"), db_index=True)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), db_index=True)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_started_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    remote_id = models.CharField(_("ID beim Netzwerk"), max_length=200, blank=True)
    remote_url = models.URLField(_("Link"), blank=True, max_length=500)
    last_error = models.TextField(_("Fehler"), blank=True)
    last_error_raw = models.TextField(blank=True)
    hold_reason = models.CharField(max_length=30, blank=True)
    # After an ambiguous failure the next attempt first looks for the post on the network.
    lookup_before_retry = models.BooleanField(default=False)
    # What a retry needs to resume instead of repeating (upload session, container id …).
    adapter_state = models.JSONField(default=dict, blank=True)
    # Lets an adapter find our post again after an ambiguous failure.
    marker = models.CharField(max_length=16, default=_new_marker)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Auslieferung")
        verbose_name_plural = _("Auslieferungen")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "channel_account"], name="delivery_one_per_post_and_account"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.post} → {self.channel_account}"


class DeliveryAttempt(models.Model):
    """One try of a delivery: when, how it ended, and what the network said."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, blank=True)
    message = models.TextField(blank=True)
    raw = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number} {self.outcome}"


class DistributionList(models.Model):
    """Recipients of press releases (newsrooms, agencies), kept in the app."""

    channel_account = models.ForeignKey(
        ChannelAccount, verbose_name=_("Presseverteiler-Kanal"), on_delete=models.CASCADE,
        related_name="distribution_lists", limit_choices_to={"network": Network.PRESS},
    )
    name = models.CharField(_("Name"), max_length=200)
    emails = models.TextField(
        _("E-Mail-Adressen"), help_text=_("Eine Adresse pro Zeile."),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Presseverteiler")
        verbose_name_plural = _("Presseverteiler")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def addresses(self) -> list[str]:
        return sorted({line.strip() for line in self.emails.splitlines() if "@" in line})


class PressRelease(models.Model):
    """The archive of every press release sent: what went to whom, when."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.PROTECT, related_name="press_release"
    )
    subject = models.CharField(_("Betreff"), max_length=300)
    body = models.TextField(_("Text"))
    recipients = models.JSONField(_("Empfänger"), default=list)
    attachments = models.JSONField(_("Anhänge"), default=list)
    message_id = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(_("versendet"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Pressemitteilung")
        verbose_name_plural = _("Pressemitteilungen")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject
