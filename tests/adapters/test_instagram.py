"""The Instagram adapter against the sandbox."""

import dataclasses

import pytest
import requests

from channels_publish.adapters import OutcomeUnknown, PermanentFailure, RetryLater
from channels_publish.adapters.base import hidden_markers_in
from channels_publish.adapters.instagram import InstagramAdapter

from .conftest import IG_TOKEN, IG_USER, publish_request


@pytest.fixture
def adapter():
    return InstagramAdapter(poll_interval_s=0.01, max_polls=10)


def media(sandbox):
    return sandbox.records(network="instagram", kind="ig_media")


def test_it_publishes_one_image(adapter, ig_account, sandbox, saved, image):
    request = publish_request("Rathaus im Winter", media=[image])
    published = adapter.publish(ig_account, request, {}, saved)
    (record,) = media(sandbox)
    assert record["id"] == published.remote_id
    assert record["extra"]["media_type"] == "IMAGE"
    assert hidden_markers_in(record["text"]) == [request.marker]
    (container,) = sandbox.records(kind="ig_container")
    assert saved.history == [{"container_id": container["id"]}]
    assert container["request"]["form"]["alt_text"] == ["Rathaus im Schnee"]
    assert published.raw["container_id"] == container["id"]


def test_it_publishes_a_carousel(adapter, ig_account, sandbox, saved, image, video):
    published = adapter.publish(ig_account, publish_request(media=[image, video, image]), {},
                                saved)
    (record,) = media(sandbox)
    assert (record["id"], record["extra"]["media_type"]) == (published.remote_id,
                                                            "CAROUSEL_ALBUM")
    assert len(record["media"]) == 3
    assert len(saved.current["children"]) == 3
    assert saved.current["container_id"] not in saved.current["children"]


def test_it_publishes_a_reel_after_processing(adapter, ig_account, sandbox, saved, video):
    adapter.publish(ig_account, publish_request(media=[video]), {}, saved)
    (record,) = media(sandbox)
    assert record["extra"]["media_product_type"] == "REELS"


def test_a_reel_gets_the_videos_poster_as_its_cover(
    adapter, ig_account, sandbox, saved, video, media_server
):
    reel = dataclasses.replace(video, poster_url=f"{media_server}/thumb.png")
    adapter.publish(ig_account, publish_request(media=[reel]), {}, saved)
    (container,) = sandbox.records(kind="ig_container")
    assert container["request"]["form"]["cover_url"] == [f"{media_server}/thumb.png"]
    (record,) = media(sandbox)
    assert record["extra"]["cover"]["content_type"] == "image/png"
    assert record["extra"]["cover"]["source_url"] == f"{media_server}/thumb.png"
    page = requests.get(sandbox.url("/_sandbox/instagram"), timeout=5).text
    assert f'poster="{record["extra"]["cover"]["path"]}"' in page


def test_a_reel_whose_cover_cannot_be_fetched_fails(adapter, ig_account, sandbox, saved, video,
                                                    media_server):
    reel = dataclasses.replace(video, poster_url=f"{media_server}/page.html")
    with pytest.raises(PermanentFailure) as caught:
        adapter.publish(ig_account, publish_request(media=[reel]), {}, saved)
    assert "Cover" in caught.value.message_de
    assert media(sandbox) == []


def test_carousel_videos_carry_no_cover(adapter, ig_account, sandbox, saved, image, video,
                                        media_server):
    clip = dataclasses.replace(video, poster_url=f"{media_server}/thumb.png")
    adapter.publish(ig_account, publish_request(media=[image, clip]), {}, saved)
    assert all("cover_url" not in c["request"]["form"]
               for c in sandbox.records(kind="ig_container"))


def test_a_container_error_is_permanent(adapter, ig_account, sandbox, saved, video):
    sandbox.inject_fault(IG_TOKEN, "ig_container_error")
    with pytest.raises(PermanentFailure) as caught:
        adapter.publish(ig_account, publish_request(media=[video]), {}, saved)
    assert "2207001" in caught.value.message_de
    assert media(sandbox) == []


def test_an_unfetchable_image_is_permanent(adapter, ig_account, saved, not_an_image):
    with pytest.raises(PermanentFailure) as caught:
        adapter.publish(ig_account, publish_request(media=[not_an_image]), {}, saved)
    assert caught.value.message_de.startswith(
        "Instagram hat das Bild nicht abrufen können (Code 9004/2207052)")


def test_a_retry_with_a_published_container_does_not_publish_again(
    adapter, ig_account, sandbox, saved, image
):
    request = publish_request("Einmal", media=[image])
    first = adapter.publish(ig_account, request, {}, saved)
    # The worker died after media_publish, before the result was stored.
    again = adapter.publish(ig_account, request, saved.current, saved)
    assert again.remote_id == first.remote_id
    assert len(media(sandbox)) == 1
    assert len(sandbox.records(kind="ig_container")) == 1


def test_a_retry_after_a_lost_publish_answer_finds_the_media(
    adapter, ig_account, sandbox, saved, image
):
    sandbox.inject_fault(IG_TOKEN, "timeout_after_create", operation="create", drop=True)
    request = publish_request("Verschluckt", media=[image])
    with pytest.raises(OutcomeUnknown):
        adapter.publish(ig_account, request, {}, saved)
    assert adapter.find_published(ig_account, request).remote_id == media(sandbox)[0]["id"]
    adapter.publish(ig_account, request, saved.current, saved)
    assert len(media(sandbox)) == 1


def test_a_retry_resumes_a_container_still_processing(ig_account, sandbox, saved, video):
    impatient = InstagramAdapter(poll_interval_s=0, max_polls=1)
    with pytest.raises(RetryLater):
        impatient.publish(ig_account, publish_request(media=[video]), {}, saved)
    InstagramAdapter(poll_interval_s=0.01).publish(ig_account, publish_request(media=[video]),
                                                   saved.current, saved)
    assert len(sandbox.records(kind="ig_container")) == 1
    assert len(media(sandbox)) == 1


def test_the_publishing_limit_is_retry_later(adapter, ig_account, sandbox, saved, image):
    sandbox.register_account("instagram", IG_USER, publishing_limit=1)
    adapter.publish(ig_account, publish_request(media=[image]), {}, saved)
    with pytest.raises(RetryLater) as caught:
        adapter.publish(ig_account, publish_request("Zweiter", media=[image]), {}, saved)
    assert "höchstens 1 Veröffentlichungen" in caught.value.message_de
    assert caught.value.retry_after_s == 3600
    assert len(sandbox.records(kind="ig_container")) == 1
