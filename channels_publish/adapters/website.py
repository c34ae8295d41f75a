"""The city's website: posts appear in an Atom and a JSON feed the CMS imports (see
``channels_publish.feeds``); optionally a signed webhook tells the CMS at once.

Publishing a website delivery makes the item part of the feed. If the account has a webhook
URL (its API base URL) and a ``webhook_secret`` credential, the item is also POSTed there as
JSON with ``X-Newsroom-Signature: sha256=<HMAC of the body>``. The item's ``id`` is stable, so a
CMS that receives it twice keeps one copy.
"""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from .base import (
    AccountConfig,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    PublishRequest,
    RetryLater,
    SaveState,
)


def item_url(request: PublishRequest) -> str:
    return settings.NEWSROOM_BASE_URL + reverse(
        "feeds:website_item", kwargs={"delivery_id": request.delivery_id}
    )


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebsiteAdapter:
    def publish(self, account: AccountConfig, request: PublishRequest, state: dict,
                save_state: SaveState) -> Published:
        url = item_url(request)
        secret = account.credentials.get("webhook_secret", "")
        if account.base_url and secret:
            self._notify_cms(account, request, url, secret)
        return Published(remote_id=f"website-{request.delivery_id}", url=url)

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        # The feed is ours: an item is published once its delivery says so; the webhook is
        # idempotent by item id, so sending it again is harmless.
        return None

    def _notify_cms(self, account: AccountConfig, request: PublishRequest, url: str,
                    secret: str) -> None:
        body = json.dumps({
            "id": f"newsroom-{request.delivery_id}",
            "url": url,
            "title": request.title,
            "content_text": request.text,
            "external_url": request.link or None,
            "image": request.media[0].public_url if request.media else None,
        }, ensure_ascii=False).encode()
        try:
            response = httpx.post(
                account.base_url, content=body, timeout=account.timeout_s,
                headers={"Content-Type": "application/json",
                         "X-Newsroom-Signature": signature(secret, body)},
            )
        except httpx.ConnectError as exc:
            raise RetryLater(_("Die Website ist nicht erreichbar (%(error)s).")
                             % {"error": exc}, raw=repr(exc)) from exc
        except httpx.TimeoutException as exc:
            raise OutcomeUnknown(_("Die Website hat nicht rechtzeitig geantwortet."),
                                 raw=repr(exc)) from exc
        if response.status_code >= 500:
            raise RetryLater(_("Die Website meldet einen Serverfehler (%(status)s).")
                             % {"status": response.status_code}, raw=response.text,
                             http_status=response.status_code)
        if response.status_code >= 400:
            raise PermanentFailure(_("Die Website hat den Beitrag abgelehnt (%(status)s): "
                                     "%(body)s") % {"status": response.status_code,
                                                   "body": response.text[:200]},
                                   raw=response.text, http_status=response.status_code)
