"""The media library: images and videos, uploaded once and reused across posts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TagQuerySet(models.QuerySet):
    def for_names(self, names) -> list[Tag]:
        """The tags for ``names`` as people type them ("#Radweg", " radweg "), created as needed."""
        cleaned = sorted({name.strip().lstrip("#").lower()[:60] for name in names if name.strip()})
        return [self.get_or_create(name=name)[0] for name in cleaned]


class Tag(models.Model):
    """A keyword for posts (campaigns, topics) and media."""

    name = models.CharField(_("Schlagwort"), max_length=60, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("Schlagwort")
        verbose_name_plural = _("Schlagwörter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _asset_path(asset: MediaAsset, filename: str) -> str:
    # Unguessable names: the networks fetch media by URL before a post is public.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"library/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class MediaKind(models.TextChoices):
    IMAGE = "image", _("Bild")
    VIDEO = "video", _("Video")


class RenditionStatus(models.TextChoices):
    PENDING = "pending", _("wird erstellt")
    READY = "ready", _("fertig")
    FAILED = "failed", _("fehlgeschlagen")


class MediaAssetQuerySet(models.QuerySet):
    def images(self) -> MediaAssetQuerySet:
        return self.filter(kind=MediaKind.IMAGE)

    def videos(self) -> MediaAssetQuerySet:
        return self.filter(kind=MediaKind.VIDEO)


class MediaAsset(models.Model):
    """An image or video of a department, cleaned on upload (no EXIF/GPS), with renditions."""

    department = models.ForeignKey(
        "accounts.Department", verbose_name=_("Amt"), on_delete=models.PROTECT,
        related_name="media_assets",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("hochgeladen von"), null=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    kind = models.CharField(_("Art"), max_length=10, choices=MediaKind.choices)
    name = models.CharField(_("Name"), max_length=200)
    file = models.FileField(_("Datei"), upload_to=_asset_path, max_length=300)
    original_filename = models.CharField(_("Original-Dateiname"), max_length=255, blank=True)
    mime_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    duration_s = models.FloatField(_("Dauer (Sekunden)"), null=True, blank=True)
    alt_text = models.TextField(
        _("Alternativtext"), blank=True,
        help_text=_(
            "Beschreibt das Bild für Menschen, die es nicht sehen können. Pflicht für Bilder."
        ),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("Schlagwörter"), blank=True)
    poster = models.FileField(_("Vorschaubild"), upload_to=_asset_path, blank=True, max_length=300)
    # {"instagram_portrait": {"path": "...", "width": 1080, "height": 1350}, ...}
    renditions = models.JSONField(default=dict, blank=True)
    rendition_status = models.CharField(
        max_length=10, choices=RenditionStatus.choices, default=RenditionStatus.PENDING
    )
    created_at = models.DateTimeField(_("hochgeladen"), default=timezone.now)

    objects = MediaAssetQuerySet.as_manager()

    class Meta:
        verbose_name = _("Medium")
        verbose_name_plural = _("Medien")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["image", "video"]), name="media_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.kind == MediaKind.IMAGE

    @property
    def is_video(self) -> bool:
        return self.kind == MediaKind.VIDEO

    def rendition_url(self, name: str) -> str | None:
        rendition = self.renditions.get(name)
        if not rendition:
            return None
        return self.file.storage.url(rendition["path"])

    @property
    def thumbnail_url(self) -> str | None:
        if self.is_video:
            return self.poster.url if self.poster else None
        return self.rendition_url("thumbnail") or self.file.url
