"""In-app notifications (the bell), mirrored by email."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    REVIEW_REQUESTED = "review_requested", _("Beitrag wartet auf Freigabe")
    REVIEW_REMINDER = "review_reminder", _("Freigabe bald fällig")
    POST_APPROVED = "post_approved", _("Beitrag freigegeben")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    ACCOUNT_RECONNECT = "account_reconnect", _("Kanal muss neu verbunden werden")
    DELIVERY_FAILED = "delivery_failed", _("Veröffentlichung fehlgeschlagen")
    CRISIS = "crisis", _("Krise")
    DELIVERY_UNKNOWN = "delivery_unknown", _("Veröffentlichung unklar")
    REPLY_REVIEW_REQUESTED = "reply_review_requested", _("Antwort wartet auf Freigabe")
    REPLY_APPROVED = "reply_approved", _("Antwort freigegeben")
    REPLY_CHANGES_REQUESTED = "reply_changes_requested", _("Antwort: Änderungen erbeten")
    MODERATION_REQUESTED = "moderation_requested", _("Moderation wartet auf Freigabe")
    CONVERSATION_ASSIGNED = "conversation_assigned", _("Unterhaltung zugewiesen")
    CONVERSATION_OVERDUE = "conversation_overdue", _("Unterhaltung wartet zu lange")
    TOPIC_SURGE = "topic_surge", _("Thema nimmt stark zu")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    post = models.ForeignKey(
        "newsroom.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message

    @property
    def target_url(self) -> str:
        """Where the notification leads: its own URL, or the page of its kind for the post."""
        if self.url:
            return self.url
        name = TARGET_URL_NAMES.get(self.kind)
        if name is None or self.post_id is None:
            return reverse("home")
        return reverse(name, kwargs={"pk": self.post_id})


# Review requests lead to the review page; news for authors to the post itself.
TARGET_URL_NAMES = {
    NotificationKind.REVIEW_REQUESTED: "approvals:review",
    NotificationKind.REVIEW_REMINDER: "approvals:review",
    NotificationKind.POST_APPROVED: "newsroom:post_detail",
    NotificationKind.CHANGES_REQUESTED: "newsroom:post_detail",
}
