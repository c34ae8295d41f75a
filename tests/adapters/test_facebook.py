"""The Facebook Page adapter against the sandbox."""

import pytest

from channels_publish.adapters import OutcomeUnknown, PermanentFailure, RetryLater
from channels_publish.adapters.base import hidden_markers_in
from channels_publish.adapters.facebook import FacebookAdapter

from .conftest import PAGE_TOKEN, publish_request

adapter = FacebookAdapter()


def posts(sandbox):
    return [r for r in sandbox.records(network="facebook") if r["extra"].get("published", True)]


def test_it_posts_text_and_link_with_a_hidden_marker(page_account, sandbox, saved):
    request = publish_request("Neue Öffnungszeiten", link="https://stadt.example/buergeramt")
    published = adapter.publish(page_account, request, {}, saved)
    (record,) = posts(sandbox)
    assert record["kind"] == "post" and record["id"] == published.remote_id
    assert record["extra"]["link"] == "https://stadt.example/buergeramt"
    assert record["text"].startswith("Neue Öffnungszeiten")
    assert hidden_markers_in(record["text"]) == [request.marker]
    assert published.url.endswith(published.remote_id)


def test_it_posts_one_photo_by_url(page_account, sandbox, saved, image):
    published = adapter.publish(page_account, publish_request(media=[image]), {}, saved)
    (record,) = posts(sandbox)
    assert record["kind"] == "photo"
    assert record["extra"]["post_id"] == published.remote_id
    assert record["media"][0]["content_type"] == "image/jpeg"


def test_it_posts_several_photos_as_one_post(page_account, sandbox, saved, image):
    request = publish_request("Bilder vom Stadtfest", media=[image, image])
    published = adapter.publish(page_account, request, {}, saved)
    photos = sandbox.records(network="facebook", kind="photo")
    (post,) = sandbox.records(network="facebook", kind="post")
    assert [p["extra"]["published"] for p in photos] == [False, False]
    assert post["id"] == published.remote_id
    assert post["extra"]["attached_media"] == [p["id"] for p in photos]
    assert saved.current["photo_ids"] == [p["id"] for p in photos]


def test_it_posts_a_video_by_url(page_account, sandbox, saved, video):
    request = publish_request("Rede der Oberbürgermeisterin", title="Rede", media=[video])
    published = adapter.publish(page_account, request, {}, saved)
    (record,) = posts(sandbox)
    assert (record["kind"], record["id"]) == ("video", published.remote_id)
    assert record["extra"]["title"] == "Rede"


def test_it_refuses_a_video_with_images(page_account, saved, video, image):
    with pytest.raises(PermanentFailure):
        adapter.publish(page_account, publish_request(media=[video, image]), {}, saved)


def test_an_unfetchable_image_is_permanent(page_account, saved, not_an_image, media_server):
    import dataclasses

    missing = dataclasses.replace(not_an_image, public_url=f"{media_server}/missing.jpg")
    with pytest.raises(PermanentFailure) as caught:
        adapter.publish(page_account, publish_request(media=[missing]), {}, saved)
    assert "Facebook hat das Bild nicht abrufen können (Code 324)" in caught.value.message_de


def test_a_server_error_on_create_is_unknown_and_find_published_tells(
    page_account, sandbox, saved
):
    sandbox.inject_fault(PAGE_TOKEN, "server_error", network="facebook", operation="create")
    request = publish_request("Wahlergebnis")
    with pytest.raises(OutcomeUnknown):
        adapter.publish(page_account, request, {}, saved)
    assert adapter.find_published(page_account, request) is None
    adapter.publish(page_account, request, saved.current, saved)
    assert len(posts(sandbox)) == 1


def test_a_dropped_answer_is_found_and_a_retry_does_not_post_again(
    page_account, sandbox, saved
):
    sandbox.inject_fault(PAGE_TOKEN, "timeout_after_create", drop=True)
    request = publish_request("Hitzewarnung")
    with pytest.raises(OutcomeUnknown):
        adapter.publish(page_account, request, {}, saved)
    found = adapter.find_published(page_account, request)
    (record,) = posts(sandbox)
    assert found is not None and found.remote_id == record["id"]
    # Even a blind retry meets the duplicate check and returns the existing post.
    again = adapter.publish(page_account, request, saved.current, saved)
    assert again.remote_id == record["id"]
    assert len(posts(sandbox)) == 1


def test_a_rate_limit_is_retry_later(page_account, sandbox, saved):
    sandbox.inject_fault(PAGE_TOKEN, "rate_limit", network="facebook", retry_after=120)
    with pytest.raises(RetryLater) as caught:
        adapter.publish(page_account, publish_request(), {}, saved)
    assert caught.value.retry_after_s == 120
    assert "Code 32" in caught.value.message_de
