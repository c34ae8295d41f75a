"""Push subscriptions of people's devices and how each person wants to be told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.models import NotificationKind


class PushSubscription(models.Model):
    """One browser on one device that may receive push messages for its person.

    ``session_hash`` ties the subscription to the login session it was made in, so that logging
    out on that device removes it (and only it).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions",
        verbose_name=_("Person"),
    )
    endpoint = models.URLField(_("Push-Dienst-Adresse"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("Browser"), max_length=300, blank=True)
    session_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("eingerichtet"), default=timezone.now)
    last_success_at = models.DateTimeField(_("zuletzt zugestellt"), null=True, blank=True)

    class Meta:
        verbose_name = _("Push-Abonnement")
        verbose_name_plural = _("Push-Abonnements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:60] or self.endpoint[:60]}"

    def subscription_info(self) -> dict:
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class NotificationPreference(models.Model):
    """Whether one kind of notification reaches a person by push and by email.

    A missing row means both are on; the bell in the app always shows every notification.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    push = models.BooleanField(_("Push"), default=True)
    email = models.BooleanField(_("E-Mail"), default=True)

    class Meta:
        verbose_name = _("Benachrichtigungseinstellung")
        verbose_name_plural = _("Benachrichtigungseinstellungen")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="pwa_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class QuietHours(models.Model):
    """A person's nightly rest from push messages (Europe/Berlin); crisis alerts still come."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiet_hours",
    )
    starts = models.TimeField(_("Ruhezeit von"))
    ends = models.TimeField(_("Ruhezeit bis"))

    class Meta:
        verbose_name = _("Ruhezeit")
        verbose_name_plural = _("Ruhezeiten")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(starts=models.F("ends")), name="pwa_quiet_hours_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.starts:%H:%M}–{self.ends:%H:%M}"

    def covers(self, moment) -> bool:
        """Whether ``moment`` (aware) falls into the quiet hours, which may span midnight."""
        local = timezone.localtime(moment, timezone=_berlin()).time()
        if self.starts < self.ends:
            return self.starts <= local < self.ends
        return local >= self.starts or local < self.ends


class PushReceipt(models.Model):
    """That a notification's push was handled (sent, skipped or nobody to send to).

    Created before sending, so a task that runs twice does not push twice.
    """

    notification = models.OneToOneField(
        "newsroom.Notification", on_delete=models.CASCADE, primary_key=True, related_name="+",
    )
    handled_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=20, blank=True)
    delivered = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Push-Zustellung")
        verbose_name_plural = _("Push-Zustellungen")

    def __str__(self) -> str:
        return f"{self.notification_id}: {self.outcome}"


def _berlin():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Berlin")
