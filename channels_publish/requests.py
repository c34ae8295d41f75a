"""What a delivery sends: the post's variant for the account's network, as an adapter request."""

from __future__ import annotations

from django.conf import settings

from newsroom.models import MediaAsset, PostVariant

from .adapters.base import MediaItem, PublishRequest


def public_media_url(path: str) -> str:
    """The address the networks fetch a stored file from (must be reachable from outside)."""
    return settings.NEWSROOM_PUBLIC_MEDIA_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def media_item(asset: MediaAsset) -> MediaItem:
    return MediaItem(
        kind=asset.kind,
        path=asset.file.path,
        public_url=public_media_url(asset.file.name),
        alt_text=asset.alt_text,
        mime_type=asset.mime_type,
        width=asset.width,
        height=asset.height,
        duration_s=asset.duration_s,
        thumbnail_path=asset.poster.path if asset.poster else None,
        poster_url=public_media_url(asset.poster.name) if asset.poster else "",
    )


def build_request(delivery) -> PublishRequest:
    post = delivery.post
    network = delivery.channel_account.network
    variant = PostVariant.objects.filter(post=post, network=network).first()
    # One query for the media either way (the variant's own, or the post's).
    if variant is not None and variant.media_customised:
        assets = [m.asset for m in variant.variant_media.select_related("asset")]
    else:
        assets = [m.asset for m in post.post_media.select_related("asset")]
    text = variant.text if variant is not None and variant.text_customised else post.body
    title = (variant.title if variant is not None else "") or post.title
    return PublishRequest(
        delivery_id=delivery.pk,
        marker=delivery.marker,
        text=text,
        title=title,
        link=post.link,
        media=[media_item(asset) for asset in assets],
    )
