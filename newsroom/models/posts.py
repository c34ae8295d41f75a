"""Posts: one message of a department, with a variant per network it goes out on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from channels_publish.networks import Network

from .media import MediaAsset, Tag


class PostStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    IN_REVIEW = "in_review", _("In Prüfung")
    CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
    APPROVED = "approved", _("Freigegeben")
    SCHEDULED = "scheduled", _("Geplant")
    PUBLISHING = "publishing", _("Wird veröffentlicht")
    PUBLISHED = "published", _("Veröffentlicht")
    PARTLY_FAILED = "partly_failed", _("Teilweise fehlgeschlagen")
    FAILED = "failed", _("Fehlgeschlagen")
    WITHDRAWN = "withdrawn", _("Zurückgezogen")
    ARCHIVED = "archived", _("Archiviert")


# Approved states: the content has passed the four-eyes review and must not change silently.
APPROVED_STATES = frozenset({PostStatus.APPROVED, PostStatus.SCHEDULED})
# States in which the content may still be edited (an approved post goes back to review).
EDITABLE_STATES = frozenset({
    PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.IN_REVIEW,
    PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.FAILED,
})


class PostQuerySet(models.QuerySet):
    def with_list_data(self) -> PostQuerySet:
        """Everything a list row shows, in a constant number of queries."""
        return self.select_related("department", "author").prefetch_related(
            "channel_accounts", "variants"
        )


class Post(models.Model):
    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("Amt"), on_delete=models.PROTECT,
        related_name="posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Autor/in"), null=True,
        on_delete=models.SET_NULL, related_name="authored_posts",
    )
    title = models.CharField(
        _("Interner Titel"), max_length=200,
        help_text=_("Nur intern sichtbar: so erscheint der Beitrag in Listen und im Kalender."),
    )
    body = models.TextField(_("Haupttext"), blank=True)
    link = models.URLField(_("Link"), blank=True, max_length=500)
    campaign = models.CharField(_("Kampagne"), max_length=100, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("Schlagwörter"), blank=True)
    channel_accounts = models.ManyToManyField(
        "channels_publish.ChannelAccount", verbose_name=_("Kanäle"), blank=True,
        related_name="posts",
    )
    media = models.ManyToManyField(
        MediaAsset, verbose_name=_("Medien"), through="PostMedia", blank=True, related_name="+"
    )
    scheduled_at = models.DateTimeField(
        _("Geplante Veröffentlichung"), null=True, blank=True, db_index=True,
        help_text=_("Leer lassen, um sofort nach der Freigabe zu veröffentlichen."),
    )
    is_crisis = models.BooleanField(_("Krisenkommunikation"), default=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=PostStatus.choices, default=PostStatus.DRAFT,
        db_index=True,
    )
    # Raised by every change of content; reviews and concurrent edits are checked against it.
    version = models.PositiveIntegerField(default=1)
    # People who changed the content since the last approval: none of them may approve it.
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name=_("Bearbeitet von")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("Freigegeben von"),
    )
    approved_at = models.DateTimeField(_("Freigegeben am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt"), default=timezone.now)
    updated_at = models.DateTimeField(_("geändert"), default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("Beitrag")
        verbose_name_plural = _("Beiträge")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PostStatus.values), name="post_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["department", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def networks(self) -> list[str]:
        return sorted({account.network for account in self.channel_accounts.all()})


class PostMedia(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_media")
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "asset"], name="post_media_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}:{self.asset_id}@{self.position}"


class PostVariant(models.Model):
    """The post as it goes out on one network: its own text, title and media."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    network = models.CharField(_("Netzwerk"), max_length=20, choices=Network.choices)
    text = models.TextField(_("Text"), blank=True)
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    teaser = models.TextField(_("Teaser"), blank=True)
    # False while the variant follows the main text; True once edited for this network.
    text_customised = models.BooleanField(default=False)
    media_customised = models.BooleanField(default=False)
    media = models.ManyToManyField(
        MediaAsset, through="VariantMedia", blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Kanalvariante")
        verbose_name_plural = _("Kanalvarianten")
        ordering = ["network"]
        constraints = [
            models.UniqueConstraint(fields=["post", "network"], name="variant_one_per_network"),
        ]

    def __str__(self) -> str:
        return f"{self.post} ({self.get_network_display()})"


class VariantMedia(models.Model):
    variant = models.ForeignKey(
        PostVariant, on_delete=models.CASCADE, related_name="variant_media"
    )
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "asset"], name="variant_media_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.variant_id}:{self.asset_id}@{self.position}"


class PostComment(models.Model):
    """Internal discussion on a post between editors and reviewers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("Kommentar"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:50]
