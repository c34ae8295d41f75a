"""The YouTube adapter against the sandbox."""

import dataclasses
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from channels_publish.adapters import AuthorizationFailed, MediaItem, PermanentFailure, RetryLater
from channels_publish.adapters.youtube import YouTubeAdapter, seconds_until_quota_reset

from .conftest import PNG, YT_TOKEN, YT_VIDEO, publish_request

CHUNK = 256 * 1024


@pytest.fixture
def adapter():
    return YouTubeAdapter(chunk_size=CHUNK)


@pytest.fixture
def talk(media_files):
    return MediaItem(kind="video", path=media_files["talk.mp4"], public_url="",
                     mime_type="video/mp4")


@pytest.fixture
def talk_with_thumbnail(talk, media_files):
    return dataclasses.replace(talk, thumbnail_path=media_files["thumb.png"])


def thumbnail_url(sandbox, video_id):
    # Read through the API: the sandbox's records endpoint cannot serialise a set thumbnail.
    response = requests.get(sandbox.url("/youtube/v3/videos"), timeout=5,
                            params={"part": "snippet", "id": video_id},
                            headers={"Authorization": f"Bearer {YT_TOKEN}"})
    thumbnails = response.json()["items"][0]["snippet"]["thumbnails"]
    return thumbnails.get("default", {}).get("url")


def videos(sandbox):
    return sandbox.records(network="youtube", kind="video")


def test_it_uploads_resumably_with_the_marker_as_tag(adapter, yt_account, sandbox, saved, talk):
    request = publish_request("Ratssitzung vom 3. März\nTagesordnung …", media=[talk],
                              privacy_status="unlisted")
    published = adapter.publish(yt_account, request, {}, saved)
    (record,) = videos(sandbox)
    assert record["id"] == published.remote_id
    assert record["extra"]["title"] == "Ratssitzung vom 3. März"
    assert record["extra"]["tags"] == [request.marker]
    assert record["extra"]["privacy_status"] == "unlisted"
    assert requests.get(record["media"][0]["url"], timeout=5).content == YT_VIDEO
    assert saved.history[0]["upload_uri"].startswith(sandbox.base_url)
    assert saved.current == {"video_id": published.remote_id}
    assert adapter.find_published(yt_account, request).remote_id == published.remote_id


def test_it_sets_the_thumbnail(adapter, yt_account, sandbox, saved, talk_with_thumbnail):
    request = publish_request(media=[talk_with_thumbnail])
    published = adapter.publish(yt_account, request, {}, saved)
    assert "thumbnail_error" not in published.raw
    stored = requests.get(thumbnail_url(sandbox, published.remote_id), timeout=5).content
    assert stored == PNG


def test_a_retry_after_a_server_error_mid_upload_resumes_the_session(
    adapter, yt_account, sandbox, saved, talk
):
    def save_and_break(state):
        saved(state)
        if "upload_uri" in state:  # the session exists: now the first chunk fails
            sandbox.inject_fault(YT_TOKEN, "server_error", network="youtube", operation="upload")

    request = publish_request(media=[talk])
    with pytest.raises(RetryLater) as caught:
        adapter.publish(yt_account, request, {}, save_and_break)
    assert caught.value.http_status == 503
    assert videos(sandbox) == []
    assert adapter.find_published(yt_account, request) is None
    published = adapter.publish(yt_account, request, saved.current, saved)
    (record,) = videos(sandbox)
    assert record["id"] == published.remote_id
    assert requests.get(record["media"][0]["url"], timeout=5).content == YT_VIDEO
    assert len({s.get("upload_uri") for s in saved.history if "upload_uri" in s}) == 1


def test_a_lost_answer_to_the_last_chunk_resumes_to_the_same_video(
    adapter, yt_account, sandbox, saved, talk
):
    sandbox.inject_fault(YT_TOKEN, "timeout_after_create", network="youtube",
                         operation="create", delay_s=3)
    quick = dataclasses.replace(yt_account, timeout_s=0.5)
    with pytest.raises(RetryLater):
        adapter.publish(quick, publish_request(media=[talk]), {}, saved)
    (record,) = videos(sandbox)
    published = adapter.publish(yt_account, publish_request(media=[talk]), saved.current, saved)
    assert published.remote_id == record["id"]
    assert len(videos(sandbox)) == 1


def test_quota_exceeded_is_retry_later_until_tomorrow(adapter, yt_account, sandbox, saved, talk):
    sandbox.inject_fault(YT_TOKEN, "youtube_quota")
    with pytest.raises(RetryLater) as caught:
        adapter.publish(yt_account, publish_request(media=[talk]), {}, saved)
    assert "Tageskontingent" in caught.value.message_de
    assert 60 < caught.value.retry_after_s <= 24 * 3600 + 60


def test_the_quota_resets_at_midnight_pacific():
    evening = datetime(2026, 3, 2, 23, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    assert seconds_until_quota_reset(evening) == 3600 + 60


def test_an_expired_token_needs_reconnecting(adapter, yt_account, sandbox, saved, talk):
    sandbox.inject_fault(YT_TOKEN, "expired_token")
    with pytest.raises(AuthorizationFailed):
        adapter.publish(yt_account, publish_request(media=[talk]), {}, saved)


def test_a_failing_thumbnail_does_not_fail_the_delivery(
    adapter, yt_account, sandbox, saved, talk_with_thumbnail
):
    sandbox.inject_fault(YT_TOKEN, "server_error", network="youtube", operation="thumbnail")
    request = publish_request(media=[talk_with_thumbnail])
    published = adapter.publish(yt_account, request, {}, saved)
    assert "Vorschaubild" in published.raw["thumbnail_error"]
    assert len(videos(sandbox)) == 1
    assert saved.current == {"video_id": published.remote_id}


def test_a_saved_video_is_not_uploaded_again(adapter, yt_account, sandbox, saved, talk):
    first = adapter.publish(yt_account, publish_request(media=[talk]), {}, saved)
    again = adapter.publish(yt_account, publish_request(media=[talk]), saved.current, saved)
    assert again.remote_id == first.remote_id
    assert len(videos(sandbox)) == 1


def test_an_expired_session_starts_over(adapter, yt_account, sandbox, saved, talk):
    gone = {"upload_uri": sandbox.url("/upload/youtube/v3/videos?uploadType=resumable"
                                      "&upload_id=expired")}
    with pytest.raises(RetryLater):
        adapter.publish(yt_account, publish_request(media=[talk]), gone, saved)
    assert saved.current == {}
    adapter.publish(yt_account, publish_request(media=[talk]), saved.current, saved)
    assert len(videos(sandbox)) == 1


def test_it_needs_exactly_one_video(adapter, yt_account, saved, image):
    with pytest.raises(PermanentFailure):
        adapter.publish(yt_account, publish_request(media=[image]), {}, saved)
