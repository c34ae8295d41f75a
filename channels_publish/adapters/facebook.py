"""Facebook Page adapter on the Graph API.

What is posted:

- text (and link): ``POST /{page}/feed`` with ``message`` and ``link``;
- one image: ``POST /{page}/photos`` with ``url`` (Facebook fetches ``public_url``)
  and ``caption``;
- several images: each one ``POST /{page}/photos`` with ``published=false``, then one
  ``POST /{page}/feed`` with ``attached_media`` so they appear as one post with all
  pictures (the photo ids are saved as they are uploaded, so a retry does not upload
  them again; unpublished photos are invisible, repeating them duplicates nothing);
- one video: ``POST /{page}/videos`` with ``file_url``, ``description`` and ``title``.
  A video cannot be combined with images in one page post: that is refused.

For photos and videos, which carry no separate link, the link is appended to the
text unless it already contains it.

Marker: appended invisibly to the message/caption/description as zero-width
characters (:func:`~.base.with_hidden_marker`); :meth:`FacebookAdapter.find_published`
looks for it among the page's ``published_posts``. The hidden marker also makes a
retry of the same delivery meet Facebook's duplicate check (506), which the
adapter answers by looking the post up instead of failing.
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from .base import (
    AccountConfig,
    AdapterError,
    MediaItem,
    PermanentFailure,
    Published,
    PublishRequest,
    SaveState,
    carries_marker,
    with_hidden_marker,
)
from .graph import DUPLICATE_CODE, GraphClient, error_code

NETWORK = "Facebook"
RECENT_POSTS = 50


class FacebookAdapter:
    """Publishes posts to a Facebook Page."""

    network = "facebook"

    def publish(
        self,
        account: AccountConfig,
        request: PublishRequest,
        state: dict[str, Any],
        save_state: SaveState,
    ) -> Published:
        """Publish the request as a feed, photo or video post."""
        videos = [item for item in request.media if item.kind == "video"]
        images = [item for item in request.media if item.kind == "image"]
        if videos and (images or len(videos) > 1):
            raise PermanentFailure(
                _("Facebook-Seitenbeiträge können nur ein Video ohne weitere Bilder enthalten.")
            )
        page = account.external_id
        with GraphClient.for_account(account, NETWORK) as graph:
            if videos:
                created = self._video(graph, page, request, videos[0])
                remote_id = str(created["id"])
            elif len(images) == 1:
                created = self._photo(graph, page, request, images[0])
                remote_id = str(created.get("post_id") or created["id"])
            else:
                created = self._feed(graph, account, page, request, images, state, save_state)
                if isinstance(created, Published):
                    return created
                remote_id = str(created["id"])
            return Published(remote_id=remote_id, url=self._permalink(graph, remote_id),
                             raw=created)

    @staticmethod
    def _text(request: PublishRequest, with_link: bool) -> str:
        text = request.text
        if with_link and request.link and request.link not in text:
            text = f"{text}\n\n{request.link}" if text else request.link
        return with_hidden_marker(text, request.marker)

    def _video(
        self, graph: GraphClient, page: str, request: PublishRequest, video: MediaItem
    ) -> dict[str, Any]:
        data = {"file_url": video.public_url, "description": self._text(request, True)}
        if request.title:
            data["title"] = request.title
        return graph.post(f"{page}/videos", data, creates=True)

    def _photo(
        self, graph: GraphClient, page: str, request: PublishRequest, image: MediaItem
    ) -> dict[str, Any]:
        data = {"url": image.public_url, "caption": self._text(request, True)}
        if image.alt_text:
            data["alt_text_custom"] = image.alt_text
        return graph.post(f"{page}/photos", data, creates=True)

    def _feed(
        self,
        graph: GraphClient,
        account: AccountConfig,
        page: str,
        request: PublishRequest,
        images: list[MediaItem],
        state: dict[str, Any],
        save_state: SaveState,
    ) -> dict[str, Any] | Published:
        photo_ids: list[str] = list(state.get("photo_ids") or [])
        for image in images[len(photo_ids) :]:
            data = {"url": image.public_url, "published": "false"}
            if image.alt_text:
                data["alt_text_custom"] = image.alt_text
            photo_ids.append(str(graph.post(f"{page}/photos", data)["id"]))
            save_state({**state, "photo_ids": photo_ids})
        # A link parameter would replace the pictures' preview: with pictures, it goes in the text.
        data = {"message": self._text(request, with_link=bool(images))}
        if request.link and not images:
            data["link"] = request.link
        for index, photo_id in enumerate(photo_ids):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        try:
            return graph.post(f"{page}/feed", data, creates=True)
        except PermanentFailure as exc:
            if error_code(exc) == DUPLICATE_CODE:
                # Same text and marker: an earlier attempt of this delivery got through.
                found = self.find_published(account, request)
                if found is not None:
                    return found
            raise

    @staticmethod
    def _permalink(graph: GraphClient, remote_id: str) -> str:
        """The post's permalink; the post exists, so a failing lookup must not fail it."""
        try:
            data = graph.get(remote_id, {"fields": "permalink_url"})
        except AdapterError:
            data = {}
        return data.get("permalink_url") or f"https://www.facebook.com/{remote_id}"

    def find_published(self, account: AccountConfig, request: PublishRequest) -> Published | None:
        """The page's recent post carrying this request's marker, if any."""
        with GraphClient.for_account(account, NETWORK) as graph:
            posts = graph.get(
                f"{account.external_id}/published_posts",
                {"fields": "id,message,permalink_url,created_time", "limit": RECENT_POSTS},
            )
        for post in posts.get("data") or []:
            if carries_marker(post.get("message"), request.marker):
                url = post.get("permalink_url") or f"https://www.facebook.com/{post['id']}"
                return Published(remote_id=str(post["id"]), url=url, raw=post)
        return None
