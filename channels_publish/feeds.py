"""The website's feeds (Atom and JSON Feed 1.1) for the city's CMS, and public item pages.

Only published website deliveries appear: nothing that has not passed review and gone out.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from .models import ChannelAccount, Delivery, DeliveryStatus, PressRelease
from .networks import Network
from .requests import build_request

FEED_LENGTH = 50


def _items(account: ChannelAccount):
    return (
        Delivery.objects.filter(channel_account=account, status=DeliveryStatus.PUBLISHED)
        .select_related("post")
        .order_by("-post__is_crisis", "-published_at")[:FEED_LENGTH]
    )


def _website_account(account_id: int) -> ChannelAccount:
    return get_object_or_404(ChannelAccount, pk=account_id, network=Network.WEBSITE)


def _absolute(path: str) -> str:
    return settings.NEWSROOM_BASE_URL + path


@require_GET
def website_atom(request, account_id: int):
    account = _website_account(account_id)
    feed = Atom1Feed(
        title=account.name,
        link=_absolute(reverse("feeds:website_atom", kwargs={"account_id": account.pk})),
        description=account.name,
        language="de",
        feed_url=_absolute(reverse("feeds:website_atom", kwargs={"account_id": account.pk})),
    )
    for delivery in _items(account):
        content = build_request(delivery)
        feed.add_item(
            title=content.title,
            link=_absolute(reverse("feeds:website_item", kwargs={"delivery_id": delivery.pk})),
            description=content.text,
            unique_id=f"newsroom-{delivery.pk}",
            pubdate=delivery.published_at,
            updateddate=delivery.published_at,
            categories=["Krise"] if delivery.post.is_crisis else None,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@require_GET
def website_json(request, account_id: int):
    account = _website_account(account_id)
    items = []
    for delivery in _items(account):
        content = build_request(delivery)
        items.append({
            "id": f"newsroom-{delivery.pk}",
            "url": _absolute(reverse("feeds:website_item", kwargs={"delivery_id": delivery.pk})),
            "title": content.title,
            "content_text": content.text,
            "external_url": content.link or None,
            "image": content.media[0].public_url if content.media else None,
            "date_published": delivery.published_at.isoformat(),
            "_newsroom": {"pinned": delivery.post.is_crisis},
        })
    return JsonResponse({
        "version": "https://jsonfeed.org/version/1.1",
        "title": account.name,
        "language": "de",
        "feed_url": _absolute(reverse("feeds:website_json", kwargs={"account_id": account.pk})),
        "items": items,
    }, json_dumps_params={"ensure_ascii": False})


@require_GET
def website_item(request, delivery_id: int):
    delivery = get_object_or_404(
        Delivery.objects.select_related("post", "channel_account"),
        pk=delivery_id, status=DeliveryStatus.PUBLISHED,
        channel_account__network=Network.WEBSITE,
    )
    return render(request, "channels_publish/website_item.html",
                  {"delivery": delivery, "content": build_request(delivery)})


@require_GET
def press_release(request, pk: int):
    release = get_object_or_404(PressRelease, pk=pk, sent_at__isnull=False)
    return render(request, "channels_publish/press_release.html", {"release": release})
