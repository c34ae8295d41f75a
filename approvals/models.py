"""Reviews: the four-eyes check of one version of a post."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("offen")
    APPROVED = "approved", _("freigegeben")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    SUPERSEDED = "superseded", _("durch neue Fassung ersetzt")
    WITHDRAWN = "withdrawn", _("zurückgezogen")


class ReviewQuerySet(models.QuerySet):
    def open(self) -> ReviewQuerySet:
        return self.filter(status=ReviewStatus.OPEN)


class Review(models.Model):
    """One submitted version of a post and the decision on it.

    The snapshot keeps exactly what was submitted, so the reviewer decides on what they saw and
    the next reviewer sees the difference to the last approved version.
    """

    post = models.ForeignKey("newsroom.Post", on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    status = models.CharField(
        max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("Prüfung")
        verbose_name_plural = _("Prüfungen")
        ordering = ["-submitted_at"]
        constraints = [
            # The database itself forbids two open reviews of one post.
            models.UniqueConstraint(
                fields=["post"], condition=models.Q(status="open"), name="one_open_review_per_post"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReviewStatus.values), name="review_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} v{self.version} ({self.get_status_display()})"
