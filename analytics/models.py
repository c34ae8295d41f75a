"""What the newsroom learns from the networks and the inbox.

- ``MetricSnapshot``: a delivery's lifetime figures as read on one day (one row per delivery
  and day, so a second collection on the same day changes nothing).
- ``DeliveryMetrics``: the latest figures of a delivery with what dashboards group by
  (department, account, network, publication time), so a dashboard reads one narrow table.
- ``FollowerSnapshot``: an account's followers on one day.
- ``CollectionState``: per account, until when the network asked us to wait.
- ``TopicCount``: how often a keyword came up in citizens' messages in one hour.
- ``TopicSurge``: a keyword that surged in one hour (the duty editor is alerted once).
- ``MonthlyReport``: the monthly report sent to a department (sent once per month).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIGURE_FIELDS = ("impressions", "reach", "reactions", "comments", "shares", "clicks", "saves")
# What counts as engagement (saves are shown, but not counted, as the networks differ in them).
ENGAGEMENT_FIELDS = ("reactions", "comments", "shares", "clicks")


class Figures(models.Model):
    impressions = models.PositiveBigIntegerField(_("Impressionen"), default=0)
    reach = models.PositiveBigIntegerField(_("Reichweite"), default=0)
    reactions = models.PositiveBigIntegerField(_("Reaktionen"), default=0)
    comments = models.PositiveBigIntegerField(_("Kommentare"), default=0)
    shares = models.PositiveBigIntegerField(_("Geteilt"), default=0)
    clicks = models.PositiveBigIntegerField(_("Klicks"), default=0)
    saves = models.PositiveBigIntegerField(_("Gespeichert"), default=0)

    class Meta:
        abstract = True

    @property
    def engagement(self) -> int:
        return sum(getattr(self, name) for name in ENGAGEMENT_FIELDS)


class MetricSnapshot(Figures):
    """A delivery's lifetime figures as read on one day."""

    delivery = models.ForeignKey(
        "channels_publish.Delivery", on_delete=models.CASCADE, related_name="metric_snapshots"
    )
    day = models.DateField(_("Tag"))
    collected_at = models.DateTimeField(_("gelesen"), default=timezone.now)

    class Meta:
        verbose_name = _("Kennzahlen-Stand")
        verbose_name_plural = _("Kennzahlen-Stände")
        ordering = ["delivery", "day"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "day"], name="snapshot_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.day}"


class DeliveryMetrics(Figures):
    """The latest figures of one delivery, with what dashboards group and filter by."""

    delivery = models.OneToOneField(
        "channels_publish.Delivery", on_delete=models.CASCADE, related_name="metrics",
        primary_key=True,
    )
    post = models.ForeignKey("newsroom.Post", on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, related_name="+"
    )
    channel_account = models.ForeignKey(
        "channels_publish.ChannelAccount", on_delete=models.CASCADE, related_name="+"
    )
    network = models.CharField(max_length=20)
    published_at = models.DateTimeField()
    # When it was published in Berlin (day; ISO weekday 1–7 and hour 0–23 for "best time to
    # post"), so dashboards group without converting time zones row by row.
    published_day = models.DateField(null=True)
    published_weekday = models.PositiveSmallIntegerField(default=1)
    published_hour = models.PositiveSmallIntegerField(default=0)
    collected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Kennzahlen einer Auslieferung")
        verbose_name_plural = _("Kennzahlen der Auslieferungen")
        indexes = [
            models.Index(fields=["published_at"]),
            models.Index(fields=["department", "published_at"]),
            models.Index(fields=["channel_account", "published_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.delivery_id}"


class FollowerSnapshot(models.Model):
    """An account's followers (subscribers) on one day."""

    channel_account = models.ForeignKey(
        "channels_publish.ChannelAccount", on_delete=models.CASCADE,
        related_name="follower_snapshots",
    )
    day = models.DateField(_("Tag"))
    followers = models.PositiveBigIntegerField(_("Follower"))
    collected_at = models.DateTimeField(_("gelesen"), default=timezone.now)

    class Meta:
        verbose_name = _("Follower-Stand")
        verbose_name_plural = _("Follower-Stände")
        ordering = ["channel_account", "day"]
        constraints = [
            models.UniqueConstraint(fields=["channel_account", "day"],
                                    name="followers_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_account_id} {self.day}: {self.followers}"


class CollectionState(models.Model):
    """Per account: when figures were last read and until when the network wants a pause."""

    channel_account = models.OneToOneField(
        "channels_publish.ChannelAccount", on_delete=models.CASCADE,
        related_name="collection_state", primary_key=True,
    )
    paused_until = models.DateTimeField(_("Pause bis"), null=True, blank=True)
    last_run_at = models.DateTimeField(_("zuletzt gelesen"), null=True, blank=True)
    last_error = models.CharField(_("letzter Fehler"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("Abruf der Kennzahlen")
        verbose_name_plural = _("Abrufe der Kennzahlen")

    def __str__(self) -> str:
        return f"{self.channel_account_id}"


class TopicCount(models.Model):
    """How many citizens' messages named a keyword in one hour (per department)."""

    hour = models.DateTimeField(_("Stunde"))
    keyword = models.CharField(_("Stichwort"), max_length=100)
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField(_("Anzahl"))
    # The conversations behind the count (inbox conversation ids).
    conversation_ids = models.JSONField(default=list)

    class Meta:
        verbose_name = _("Themen-Zählung")
        verbose_name_plural = _("Themen-Zählungen")
        ordering = ["-hour", "-count"]
        indexes = [
            models.Index(fields=["hour", "keyword"]),
            models.Index(fields=["keyword", "hour"]),
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.keyword}: {self.count}"


class TopicSurge(models.Model):
    """A keyword that came up far more often than usual in one hour."""

    keyword = models.CharField(_("Stichwort"), max_length=100)
    hour = models.DateTimeField(_("Stunde"))
    count = models.PositiveIntegerField(_("Anzahl"))
    baseline = models.FloatField(_("üblich pro Stunde"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Themen-Anstieg")
        verbose_name_plural = _("Themen-Anstiege")
        ordering = ["-hour", "-count"]
        constraints = [
            models.UniqueConstraint(fields=["keyword", "hour"], name="surge_one_per_hour"),
        ]

    def __str__(self) -> str:
        return f"{self.keyword} {self.hour:%Y-%m-%d %H}h"


class MonthlyReport(models.Model):
    """The monthly report of one department, sent once."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("Monat"))
    recipients = models.JSONField(default=list)
    sent_at = models.DateTimeField(_("versendet"), default=timezone.now)

    class Meta:
        verbose_name = _("Monatsbericht")
        verbose_name_plural = _("Monatsberichte")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["department", "month"],
                                    name="report_one_per_department_and_month"),
        ]

    def __str__(self) -> str:
        return f"{self.department_id} {self.month:%Y-%m}"
