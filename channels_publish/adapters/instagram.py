"""Instagram adapter on the Graph API's content publishing (containers, then publish).

Steps: read ``content_publishing_limit`` (over quota: :class:`~.base.RetryLater`);
create the container (``image_url``, or ``video_url`` with ``media_type=REELS``
and the video's poster as ``cover_url``, or up to ten carousel items with
``is_carousel_item`` and a ``CAROUSEL`` parent);
poll ``status_code`` until ``FINISHED``; ``POST /{ig-user}/media_publish`` with
``creation_id``. Instagram fetches every ``public_url`` itself.

Resumable state: ``{"children": [...], "container_id": ...}``, saved as soon as
each container exists. A retry first asks the saved container for its status: a
``PUBLISHED`` container is never published again, the adapter looks the media up
instead; an expired or unknown container is dropped and built afresh.

Marker: appended invisibly to the caption (zero-width characters, see
:func:`~.base.with_hidden_marker`); :meth:`InstagramAdapter.find_published` looks
for it among the account's recent media.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .base import (
    AccountConfig,
    AdapterError,
    MediaItem,
    OutcomeUnknown,
    PermanentFailure,
    Published,
    PublishRequest,
    RetryLater,
    SaveState,
    carries_marker,
    with_hidden_marker,
)
from .graph import IG_CONTAINER_GONE_CODE, PUBLISH_LIMIT_RETRY_S, GraphClient, error_code

NETWORK = "Instagram"
MAX_CAROUSEL_ITEMS = 10
RECENT_MEDIA = 50
GONE_CODES = {100, IG_CONTAINER_GONE_CODE}  # 100/33: unknown object; 24: expired builder


class _ContainerGone(Exception):
    """The saved container no longer exists or has expired."""


class InstagramAdapter:
    """Publishes images, reels and carousels to an Instagram professional account."""

    network = "instagram"

    def __init__(
        self,
        poll_interval_s: float = 5.0,
        max_polls: int = 60,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.poll_interval_s = poll_interval_s
        self.max_polls = max_polls
        self.sleep = sleep

    def publish(
        self,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Create (or resume) the container, wait for it, publish it once."""
        if not request.media:
            raise PermanentFailure(_("Instagram-Beiträge brauchen mindestens ein Bild oder Video."))
        if len(request.media) > MAX_CAROUSEL_ITEMS:
            raise PermanentFailure(
                _("Instagram erlaubt höchstens %(count)d Bilder oder Videos in einem Beitrag.")
                % {"count": MAX_CAROUSEL_ITEMS}
            )
        user = account.external_id
        with GraphClient.for_account(account, NETWORK) as graph:
            container_id = state.get("container_id")
            if container_id:
                try:
                    status = self._status(graph, container_id)
                except _ContainerGone:
                    status = None
                if status == "PUBLISHED" or status is None:
                    # Published by an earlier attempt, or gone: only a lookup can tell.
                    found = self._find(graph, user, request)
                    if found is not None:
                        return found
                    if status == "PUBLISHED":
                        raise OutcomeUnknown(
                            _("Instagram meldet den Beitrag als veröffentlicht, er ist aber "
                              "(noch) nicht unter den neuesten Beiträgen zu finden.")
                        )
                    state = {}
                    save_state(state)
                    container_id = None
            self._check_quota(graph, user)
            if not container_id:
                container_id = self._create(graph, user, request, state, save_state)
            self._wait_until_finished(graph, container_id, state, save_state)
            try:
                created = graph.post(f"{user}/media_publish", {"creation_id": container_id},
                                     creates=True)
            except PermanentFailure as exc:
                if error_code(exc) == IG_CONTAINER_GONE_CODE:
                    found = self._find(graph, user, request)
                    if found is not None:
                        return found
                raise
            media_id = str(created["id"])
            return Published(remote_id=media_id, url=self._permalink(graph, media_id),
                             raw={**created, "container_id": container_id})

    # steps ---------------------------------------------------------------------

    @staticmethod
    def _check_quota(graph: GraphClient, user: str) -> None:
        data = graph.get(f"{user}/content_publishing_limit",
                         {"fields": "quota_usage,config"}).get("data") or [{}]
        usage = int(data[0].get("quota_usage") or 0)
        total = (data[0].get("config") or {}).get("quota_total")
        if total is not None and usage >= int(total):
            raise RetryLater(
                _("Instagram erlaubt diesem Konto höchstens %(total)d Veröffentlichungen in 24 "
                  "Stunden über die Schnittstelle; %(usage)d sind erreicht. Neuer Versuch "
                  "später.") % {"total": int(total), "usage": usage},
                raw=data[0], retry_after_s=PUBLISH_LIMIT_RETRY_S,
            )

    @staticmethod
    def _caption(request: PublishRequest) -> str:
        text = request.text
        if request.link and request.link not in text:
            text = f"{text}\n\n{request.link}" if text else request.link
        return with_hidden_marker(text, request.marker)

    @staticmethod
    def _item_data(item: MediaItem, *, single: bool) -> dict[str, str]:
        if item.kind == "video":
            data = {"media_type": "REELS" if single else "VIDEO", "video_url": item.public_url}
            if single and item.poster_url:
                # The reel's cover in the grid and feed; Instagram fetches it itself.
                data["cover_url"] = item.poster_url
        else:
            data = {"image_url": item.public_url}
            if item.alt_text:
                data["alt_text"] = item.alt_text
        if not single:
            data["is_carousel_item"] = "true"
        return data

    def _create(
        self,
        graph: GraphClient,
        user: str,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> str:
        """Create the container(s); save each id as soon as it exists."""
        if len(request.media) == 1:
            data = {**self._item_data(request.media[0], single=True),
                    "caption": self._caption(request)}
            container_id = str(graph.post(f"{user}/media", data)["id"])
            save_state({**state, "container_id": container_id})
            return container_id
        children: list[str] = list(state.get("children") or [])
        for item in request.media[len(children) :]:
            children.append(str(graph.post(f"{user}/media",
                                           self._item_data(item, single=False))["id"]))
            state = {**state, "children": children}
            save_state(state)
        for child in children:
            self._wait_until_finished(graph, child, state, save_state)
        data = {"media_type": "CAROUSEL", "children": ",".join(children),
                "caption": self._caption(request)}
        container_id = str(graph.post(f"{user}/media", data)["id"])
        save_state({**state, "container_id": container_id})
        return container_id

    @staticmethod
    def _status(graph: GraphClient, container_id: str) -> str:
        """The container's ``status_code``; :class:`_ContainerGone` if it is no more."""
        try:
            data = graph.get(container_id, {"fields": "status_code,status"})
        except PermanentFailure as exc:
            if error_code(exc) in GONE_CODES:
                raise _ContainerGone(container_id) from exc
            raise
        if data.get("status_code") == "ERROR":
            raise PermanentFailure(
                _("Instagram konnte das Medium nicht verarbeiten: %(reason)s")
                % {"reason": data.get("status") or "ERROR"},
                raw=data,
            )
        if data.get("status_code") == "EXPIRED":
            raise _ContainerGone(container_id)
        return str(data.get("status_code") or "")

    def _wait_until_finished(
        self, graph: GraphClient, container_id: str, state: dict[str, Any], save_state: SaveState
    ) -> None:
        """Poll the container until FINISHED (bounded; the saved state resumes it later)."""
        for poll in range(self.max_polls):
            try:
                status = self._status(graph, container_id)
            except _ContainerGone as exc:
                save_state({})
                raise RetryLater(
                    _("Der Instagram-Medien-Container ist abgelaufen; er wird beim nächsten "
                      "Versuch neu angelegt."), raw=container_id, retry_after_s=0,
                ) from exc
            if status in ("FINISHED", "PUBLISHED"):
                return
            if poll < self.max_polls - 1:
                self.sleep(self.poll_interval_s)
        raise RetryLater(
            _("Instagram verarbeitet das Medium noch; neuer Versuch später."),
            raw=container_id, retry_after_s=60,
        )

    @staticmethod
    def _permalink(graph: GraphClient, media_id: str) -> str:
        """The media's permalink; it is published, so a failing lookup must not fail it."""
        try:
            data = graph.get(media_id, {"fields": "permalink"})
        except AdapterError:
            data = {}
        return data.get("permalink") or f"https://www.instagram.com/{media_id}"

    # looking up ----------------------------------------------------------------

    @staticmethod
    def _find(graph: GraphClient, user: str, request: PublishRequest) -> Published | None:
        media = graph.get(f"{user}/media", {"fields": "id,caption,permalink,timestamp",
                                            "limit": RECENT_MEDIA})
        for item in media.get("data") or []:
            if carries_marker(item.get("caption"), request.marker):
                url = item.get("permalink") or f"https://www.instagram.com/{item['id']}"
                return Published(remote_id=str(item["id"]), url=url, raw=item)
        return None

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        """The account's recent media carrying this request's marker, if any."""
        with GraphClient.for_account(account, NETWORK) as graph:
            return self._find(graph, account.external_id, request)
