"""Writing posts: create, edit, variants per network, media, comments.

An edit of a post that was submitted or approved opens a new review of the new version: nothing
that a second person has not checked goes out. Review decisions live in ``approvals.services``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.models import Department
from channels_publish.models import ChannelAccount
from newsroom import audit
from newsroom.errors import Conflict, DomainError, InvalidState
from newsroom.models import (
    APPROVED_STATES,
    EDITABLE_STATES,
    MediaAsset,
    Post,
    PostComment,
    PostMedia,
    PostStatus,
    PostVariant,
    Tag,
    VariantMedia,
)

audit.register_actions({
    "newsroom.post.created": gettext_lazy("%(actor)s hat den Beitrag „%(object)s“ angelegt."),
    "newsroom.post.edited": gettext_lazy(
        "%(actor)s hat den Beitrag „%(object)s“ bearbeitet (Fassung %(version)s)."
    ),
    "newsroom.post.rescheduled": gettext_lazy(
        "%(actor)s hat den freigegebenen Beitrag „%(object)s“ ohne neue Prüfung auf "
        "%(scheduled_at)s verschoben."
    ),
    "newsroom.post.deleted": gettext_lazy("%(actor)s hat den Beitrag „%(object)s“ gelöscht."),
    "newsroom.post.commented": gettext_lazy(
        "%(actor)s hat den Beitrag „%(object)s“ kommentiert."
    ),
})

DELETABLE_STATES = frozenset({PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED, PostStatus.WITHDRAWN})


@dataclass
class VariantData:
    """What the editor set for one network. ``None`` means: follow the main post."""

    text: str | None = None
    title: str = ""
    teaser: str = ""
    media_ids: list[int] | None = None


@dataclass
class PostData:
    title: str
    body: str = ""
    link: str = ""
    campaign: str = ""
    tags: list[str] = field(default_factory=list)
    channel_account_ids: list[int] = field(default_factory=list)
    media_ids: list[int] = field(default_factory=list)
    scheduled_at: datetime | None = None
    is_crisis: bool = False
    variants: dict[str, VariantData] = field(default_factory=dict)


def data_from_post(post: Post) -> PostData:
    """The post's current content as ``PostData``, e.g. to change one field and save again."""
    variants = {}
    for variant in post.variants.all():
        variants[variant.network] = VariantData(
            text=variant.text if variant.text_customised else None,
            title=variant.title,
            teaser=variant.teaser,
            media_ids=[m.asset_id for m in variant.variant_media.all()]
            if variant.media_customised
            else None,
        )
    return PostData(
        title=post.title,
        body=post.body,
        link=post.link,
        campaign=post.campaign,
        tags=[tag.name for tag in post.tags.all()],
        channel_account_ids=[account.pk for account in post.channel_accounts.all()],
        media_ids=[m.asset_id for m in post.post_media.all()],
        scheduled_at=post.scheduled_at,
        is_crisis=post.is_crisis,
        variants=variants,
    )


def allowed_channel_accounts(department: Department):
    """The channel accounts a department may post to."""
    return ChannelAccount.objects.usable().granted_to(department)


def _check_content(actor, department: Department, data: PostData) -> None:
    if not data.title.strip():
        raise DomainError(_("Bitte geben Sie einen internen Titel an."), field="title")
    allowed = set(allowed_channel_accounts(department).values_list("pk", flat=True))
    refused = [pk for pk in data.channel_account_ids if pk not in allowed]
    if refused:
        raise DomainError(
            _("Ihr Amt darf nicht in alle gewählten Kanäle veröffentlichen."),
            field="channel_account_ids",
        )
    media_ids = set(data.media_ids)
    for variant in data.variants.values():
        media_ids.update(variant.media_ids or [])
    if media_ids:
        found = set(
            MediaAsset.objects.filter(pk__in=media_ids, department=department).values_list(
                "pk", flat=True
            )
        )
        if found != media_ids:
            raise DomainError(
                _("Einige gewählte Medien gehören nicht zur Mediathek Ihres Amts."),
                field="media_ids",
            )
    if data.scheduled_at is not None and timezone.is_naive(data.scheduled_at):
        raise DomainError(_("Die geplante Zeit braucht eine Zeitzone."), field="scheduled_at")


def _write_content(post: Post, data: PostData) -> None:
    """Store ``data`` on the saved ``post``: fields, tags, channels, media and variants."""
    post.title = data.title.strip()
    post.body = data.body
    post.link = data.link
    post.campaign = data.campaign.strip()
    post.scheduled_at = data.scheduled_at
    post.is_crisis = data.is_crisis
    post.tags.set(Tag.objects.for_names(data.tags))
    post.channel_accounts.set(data.channel_account_ids)
    PostMedia.objects.filter(post=post).delete()
    PostMedia.objects.bulk_create(
        PostMedia(post=post, asset_id=asset_id, position=position)
        for position, asset_id in enumerate(dict.fromkeys(data.media_ids))
    )
    networks = set(
        ChannelAccount.objects.filter(pk__in=data.channel_account_ids).values_list(
            "network", flat=True
        )
    )
    post.variants.exclude(network__in=networks).delete()
    for network in sorted(networks):
        wanted = data.variants.get(network, VariantData())
        variant, _created = PostVariant.objects.get_or_create(post=post, network=network)
        variant.text_customised = wanted.text is not None and wanted.text != data.body
        variant.text = wanted.text if variant.text_customised else data.body
        variant.title = wanted.title.strip()
        variant.teaser = wanted.teaser.strip()
        variant.media_customised = wanted.media_ids is not None and list(
            dict.fromkeys(wanted.media_ids)
        ) != list(dict.fromkeys(data.media_ids))
        variant.save()
        VariantMedia.objects.filter(variant=variant).delete()
        if variant.media_customised:
            VariantMedia.objects.bulk_create(
                VariantMedia(variant=variant, asset_id=asset_id, position=position)
                for position, asset_id in enumerate(dict.fromkeys(wanted.media_ids or []))
            )


def create_post(*, actor, department: Department, data: PostData) -> Post:
    """A new draft of ``department``, written by ``actor``."""
    permissions.require(actor, "post.create", department)
    _check_content(actor, department, data)
    with transaction.atomic():
        post = Post.objects.create(department=department, author=actor, title=data.title.strip())
        _write_content(post, data)
        post.save()
        post.editors.add(actor)
        audit.log("newsroom.post.created", actor=actor, obj=post)
    return post


def _content_key(post: Post) -> dict:
    from approvals.snapshots import snapshot_of

    snapshot = snapshot_of(post)
    snapshot.pop("version", None)
    return snapshot


def update_post(*, actor, post: Post, data: PostData, expected_version: int | None = None) -> Post:
    """Change a post's content.

    ``expected_version`` is the version the editor started from; if someone else saved in
    between, the edit is refused instead of silently overwriting theirs. A submitted or approved
    post goes (back) to review with the new version; a duty editor who moves only the time of an
    approved post does not need a new review.
    """
    from approvals import services as approvals

    permissions.require(actor, "post.edit", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(
                _(
                    "Der Beitrag wurde inzwischen von jemand anderem geändert. Bitte laden Sie "
                    "ihn neu und übernehmen Sie Ihre Änderungen erneut."
                )
            )
        if locked.status not in EDITABLE_STATES:
            raise InvalidState(
                _("Ein Beitrag im Status „%(status)s“ kann nicht mehr bearbeitet werden.")
                % {"status": locked.get_status_display()}
            )
        _check_content(actor, locked.department, data)
        before = _content_key(locked)
        old_time = locked.scheduled_at
        _write_content(locked, data)
        after = _content_key(locked)
        if before == after:
            return locked
        only_time_changed = {k for k in after if before.get(k) != after[k]} == {"scheduled_at"}
        if (
            locked.status in APPROVED_STATES
            and only_time_changed
            and permissions.can(actor, "post.reschedule_approved", locked)
        ):
            _reschedule(actor, locked, old_time)
            return locked
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.save(update_fields=["version", "updated_at", "title", "body", "link", "campaign",
                                   "scheduled_at", "is_crisis"])
        locked.editors.add(actor)
        audit.log("newsroom.post.edited", actor=actor, obj=locked,
                  data={"version": locked.version, "previous_status": locked.status})
        if locked.status == PostStatus.CHANGES_REQUESTED:
            approvals.set_status(locked, PostStatus.DRAFT)
        elif locked.status in approvals.UNDER_REVIEW_OR_APPROVED:
            approvals.resubmit_after_edit(actor=actor, post=locked)
    post.refresh_from_db()
    return post


def require_future_time(scheduled_at: datetime | None) -> None:
    """A post is moved only to a time still ahead (``None``, "on approval", is always fine)."""
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise DomainError(_("Die neue Zeit liegt in der Vergangenheit."), field="scheduled_at")


def _reschedule(actor, post: Post, old_time) -> None:
    from approvals import services as approvals

    require_future_time(post.scheduled_at)
    post.updated_at = timezone.now()
    post.save(update_fields=["scheduled_at", "updated_at"])
    audit.log(
        "newsroom.post.rescheduled",
        actor=actor,
        obj=post,
        data={
            "scheduled_at": timezone.localtime(post.scheduled_at).strftime("%d.%m.%Y %H:%M")
            if post.scheduled_at else _("sofort"),
            "previous": old_time.isoformat() if old_time else None,
        },
    )
    approvals.after_reschedule(post)


def reschedule_post(*, actor, post: Post, scheduled_at: datetime | None,
                    expected_version: int | None = None) -> Post:
    """Move a post in time (calendar, post page, crisis follow-up). Follows the review rules of
    ``update_post``; the new time must lie ahead."""
    require_future_time(scheduled_at)
    data = data_from_post(post)
    data.scheduled_at = scheduled_at
    return update_post(actor=actor, post=post, data=data, expected_version=expected_version)


def delete_post(*, actor, post: Post) -> None:
    """Delete a post that never went out. Published posts are archived instead."""
    permissions.require(actor, "post.edit", post)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status not in DELETABLE_STATES or locked.approved_at is not None:
            raise InvalidState(
                _("Nur Entwürfe und zurückgezogene, nie freigegebene Beiträge können gelöscht "
                  "werden; alle anderen werden archiviert.")
            )
        audit.log("newsroom.post.deleted", actor=actor, obj=locked,
                  data={"title": locked.title})
        locked.delete()


def add_comment(*, actor, post: Post, text: str) -> PostComment:
    """An internal comment in the post's discussion."""
    permissions.require(actor, "post.comment", post)
    if not text.strip():
        raise DomainError(_("Der Kommentar ist leer."), field="text")
    with transaction.atomic():
        comment = PostComment.objects.create(post=post, author=actor, text=text.strip())
        audit.log("newsroom.post.commented", actor=actor, obj=post)
    return comment

