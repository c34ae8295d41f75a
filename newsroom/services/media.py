"""The media library: upload (cleaned, checked, nothing stored on rejection) and renditions."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from newsroom import audit
from newsroom.errors import DomainError
from newsroom.media_processing import (
    MediaRejected,
    extract_poster,
    make_renditions,
    probe_video,
    sanitize_image,
)
from newsroom.media_processing.videos import sniff_video_container
from newsroom.models import MediaAsset, MediaKind, RenditionStatus, Tag

audit.register_actions({
    "newsroom.media.uploaded": gettext_lazy("%(actor)s hat „%(object)s“ hochgeladen."),
    "newsroom.media.alt_text_changed": gettext_lazy(
        "%(actor)s hat den Alternativtext von „%(object)s“ geändert."
    ),
})

_SNIFF_BYTES = 64


class MediaUploadRejected(DomainError):
    code = "media_rejected"


def library_for(user) -> QuerySet[MediaAsset]:
    """The media the person may see and use: their departments' libraries."""
    return permissions.filter_by_department(
        MediaAsset.objects.select_related("department"), user, DepartmentPermission.VIEW_WORK
    )


def search(queryset: QuerySet[MediaAsset], query: str = "", kind: str = "",
           department_id: int | None = None) -> QuerySet[MediaAsset]:
    if query:
        queryset = queryset.filter(
            Q(name__icontains=query) | Q(tags__name__icontains=query.lstrip("#").lower())
            | Q(alt_text__icontains=query)
        ).distinct()
    if kind in MediaKind.values:
        queryset = queryset.filter(kind=kind)
    if department_id:
        queryset = queryset.filter(department_id=department_id)
    return queryset


def upload(*, actor, department: Department, uploaded_file, name: str = "", alt_text: str = "",
           tags: list[str] | None = None) -> MediaAsset:
    """Check, clean and store one uploaded image or video; nothing is stored if it is refused."""
    permissions.require(actor, "media.upload", department)
    head = uploaded_file.read(_SNIFF_BYTES)
    uploaded_file.seek(0)
    try:
        if sniff_video_container(head):
            fields, poster = _accept_video(uploaded_file)
        else:
            fields, poster = _accept_image(uploaded_file), None
    except MediaRejected as exc:
        raise MediaUploadRejected(exc.message, field="file") from None
    if fields["kind"] == MediaKind.IMAGE and not alt_text.strip():
        raise DomainError(
            _("Bitte beschreiben Sie das Bild im Alternativtext (Pflicht für Barrierefreiheit)."),
            field="alt_text",
        )
    original_name = Path(getattr(uploaded_file, "name", "") or "upload").name[:255]
    content: bytes = fields.pop("content")
    with transaction.atomic():
        asset = MediaAsset(
            department=department,
            uploaded_by=actor,
            name=(name.strip() or Path(original_name).stem)[:200],
            original_filename=original_name,
            alt_text=alt_text.strip(),
            sha256=hashlib.sha256(content).hexdigest(),
            size_bytes=len(content),
            **fields,
        )
        asset.file.save(f"upload.{_extension(asset.mime_type)}", ContentFile(content), save=False)
        if poster:
            asset.poster.save("poster.jpg", ContentFile(poster), save=False)
        if asset.kind == MediaKind.VIDEO:
            asset.rendition_status = RenditionStatus.READY
        asset.save()
        asset.tags.set(Tag.objects.for_names(tags or []))
        audit.log("newsroom.media.uploaded", actor=actor, obj=asset,
                  data={"kind": asset.kind, "size_bytes": asset.size_bytes})
        if asset.kind == MediaKind.IMAGE:
            from newsroom.tasks import make_media_renditions

            transaction.on_commit(lambda: make_media_renditions.delay(asset.pk))
    return asset


_EXTENSIONS = {
    "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif",
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
}


def _extension(mime_type: str) -> str:
    return _EXTENSIONS.get(mime_type, "bin")


def _accept_image(uploaded_file) -> dict:
    image = sanitize_image(
        uploaded_file,
        max_bytes=settings.MEDIA_MAX_IMAGE_BYTES,
        max_pixels=settings.MEDIA_MAX_IMAGE_PIXELS,
    )
    return {
        "kind": MediaKind.IMAGE,
        "content": image.content,
        "mime_type": image.mime_type,
        "width": image.width,
        "height": image.height,
    }


def _accept_video(uploaded_file) -> tuple[dict, bytes]:
    with tempfile.NamedTemporaryFile(suffix=".video") as temporary:
        for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [
            uploaded_file.read()
        ]:
            temporary.write(chunk)
        temporary.flush()
        info = probe_video(
            temporary.name,
            max_bytes=settings.MEDIA_MAX_VIDEO_BYTES,
            max_duration_s=settings.MEDIA_MAX_VIDEO_SECONDS,
        )
        poster = extract_poster(temporary.name)
        content = Path(temporary.name).read_bytes()
    return {
        "kind": MediaKind.VIDEO,
        "content": content,
        "mime_type": info.mime_type,
        "width": info.width,
        "height": info.height,
        "duration_s": info.duration_s,
    }, poster


def set_alt_text(*, actor, asset: MediaAsset, alt_text: str) -> MediaAsset:
    permissions.require(actor, "media.upload", asset.department)
    if asset.is_image and not alt_text.strip():
        raise DomainError(_("Der Alternativtext darf bei Bildern nicht leer sein."),
                          field="alt_text")
    with transaction.atomic():
        asset.alt_text = alt_text.strip()
        asset.save(update_fields=["alt_text"])
        audit.log("newsroom.media.alt_text_changed", actor=actor, obj=asset)
    return asset


def build_renditions(asset_id: int) -> None:
    """Make the per-network renditions of an image (run by a Celery task)."""
    asset = MediaAsset.objects.filter(pk=asset_id, kind=MediaKind.IMAGE).first()
    if asset is None:
        return
    try:
        with asset.file.open("rb") as source:
            content = source.read()
        results = make_renditions(content, max_pixels=settings.MEDIA_MAX_IMAGE_PIXELS)
    except MediaRejected:
        MediaAsset.objects.filter(pk=asset.pk).update(rendition_status=RenditionStatus.FAILED)
        return
    storage = asset.file.storage
    stem = asset.file.name.rsplit(".", 1)[0]
    renditions = {}
    for name, result in results.items():
        path = storage.save(f"{stem}-{name}.{result.extension}", ContentFile(result.content))
        renditions[name] = {"path": path, "width": result.width, "height": result.height}
    MediaAsset.objects.filter(pk=asset.pk).update(
        renditions=renditions, rendition_status=RenditionStatus.READY
    )
