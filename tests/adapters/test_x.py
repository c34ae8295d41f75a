"""The X adapter against the sandbox; the sandbox's records are the judge."""

import dataclasses
import os
import socket

import pytest

from channels_publish.adapters import (
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)
from channels_publish.adapters.x import XAdapter

from .conftest import X_TOKEN, publish_request


@pytest.fixture
def adapter():
    return XAdapter(chunk_size=100, max_poll_interval_s=0.01)


def tweets(sandbox):
    return sandbox.records(network="x", kind="tweet")


def test_it_posts_a_text(adapter, x_account, sandbox, saved):
    published = adapter.publish(x_account, publish_request("Sperrung Marktplatz"), {}, saved)
    (record,) = tweets(sandbox)
    assert (record["id"], record["text"]) == (published.remote_id, "Sperrung Marktplatz")
    assert record["request"]["headers"]["Authorization"].startswith("OAuth")
    assert published.url.endswith(published.remote_id)
    assert saved.history == []


def test_it_uploads_an_image_in_chunks_and_saves_the_media_id(
    adapter, x_account, sandbox, saved, image
):
    published = adapter.publish(x_account, publish_request(media=[image]), {}, saved)
    (media,) = sandbox.records(network="x", kind="media")
    (record,) = tweets(sandbox)
    assert record["id"] == published.remote_id
    assert record["extra"]["media_ids"] == [media["id"]]
    assert media["media"][0]["size"] == os.path.getsize(image.path)
    assert [item["id"] for item in saved.current["media"]] == [media["id"]]


def test_it_waits_for_video_processing(adapter, x_account, sandbox, saved, video):
    adapter.publish(x_account, publish_request("Video", media=[video]), {}, saved)
    assert tweets(sandbox)[0]["extra"]["media_keys"][0].startswith("7_")


def test_a_retry_reuses_the_saved_media(adapter, x_account, sandbox, saved, image):
    sandbox.inject_fault(X_TOKEN, "server_error", network="x", operation="create")
    with pytest.raises(OutcomeUnknown):
        adapter.publish(x_account, publish_request(media=[image]), {}, saved)
    assert tweets(sandbox) == []
    adapter.publish(x_account, publish_request(media=[image]), saved.current, saved)
    assert len(sandbox.records(network="x", kind="media")) == 1
    assert len(tweets(sandbox)) == 1


def test_a_duplicate_is_a_permanent_failure(adapter, x_account, saved):
    adapter.publish(x_account, publish_request("Doppelt"), {}, saved)
    with pytest.raises(PermanentFailure) as caught:
        adapter.publish(x_account, publish_request("Doppelt"), {}, saved)
    assert caught.value.message_de.startswith("X lehnt doppelte Inhalte ab")
    assert caught.value.http_status == 403


def test_a_rate_limit_is_retry_later_with_the_reset_time(adapter, x_account, sandbox, saved):
    sandbox.inject_fault(X_TOKEN, "rate_limit", retry_after=30)
    with pytest.raises(RetryLater) as caught:
        adapter.publish(x_account, publish_request(), {}, saved)
    assert 25 <= caught.value.retry_after_s <= 31
    assert tweets(sandbox) == []


def test_an_expired_token_needs_reconnecting(adapter, x_account, sandbox, saved):
    sandbox.inject_fault(X_TOKEN, "expired_token")
    with pytest.raises(AuthorizationFailed) as caught:
        adapter.publish(x_account, publish_request(), {}, saved)
    assert "neu verbinden" in caught.value.message_de


def test_a_timeout_after_create_is_found_so_a_retry_does_not_post_again(
    adapter, x_account, sandbox, saved
):
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", delay_s=3)
    request = publish_request("Angekommen? https://stadt.example/info")
    quick = dataclasses.replace(x_account, timeout_s=0.5)
    with pytest.raises(OutcomeUnknown):
        adapter.publish(quick, request, {}, saved)
    found = adapter.find_published(x_account, request)
    (record,) = tweets(sandbox)
    assert found is not None and found.remote_id == record["id"]


def test_find_published_is_none_when_nothing_was_posted(adapter, x_account, saved):
    adapter.publish(x_account, publish_request("Etwas anderes"), {}, saved)
    assert adapter.find_published(x_account, publish_request("Nie gesendet")) is None


def test_a_refused_connection_is_retry_later(adapter, x_account, saved):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    closed = dataclasses.replace(x_account, base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(RetryLater):
        adapter.publish(closed, publish_request(), {}, saved)


def test_it_sends_each_attachments_alt_text(adapter, x_account, sandbox, saved, image, video):
    described = dataclasses.replace(video, alt_text="Feuerwehr löscht Brand am Hafen")
    adapter.publish(x_account, publish_request("Mit Beschreibung", media=[image, described]),
                    {}, saved)
    (record,) = tweets(sandbox)
    assert record["extra"]["alt_texts"] == ["Rathaus im Schnee",
                                           "Feuerwehr löscht Brand am Hafen"]
    media = {m["id"]: m["extra"].get("alt_text") for m in sandbox.records(kind="media")}
    assert sorted(media.values()) == ["Feuerwehr löscht Brand am Hafen", "Rathaus im Schnee"]
    assert [item["alt"] for item in saved.current["media"]] == [True, True]


def test_an_attachment_without_alt_text_gets_no_metadata(adapter, x_account, sandbox, saved,
                                                         video):
    adapter.publish(x_account, publish_request("Ohne Beschreibung", media=[video]), {}, saved)
    assert tweets(sandbox)[0]["extra"]["alt_texts"] == [""]
    (media,) = sandbox.records(network="x", kind="media")
    assert "alt_text" not in media["extra"]


def test_a_failed_alt_text_resumes_without_uploading_again(
    adapter, x_account, sandbox, saved, image, monkeypatch
):
    import requests

    real = XAdapter._set_alt_text
    calls = []

    def flaky(self, client, account, media_id, alt_text):
        calls.append(media_id)
        if len(calls) == 1:
            raise requests.ConnectTimeout("metadata not reachable")
        return real(self, client, account, media_id, alt_text)

    monkeypatch.setattr(XAdapter, "_set_alt_text", flaky)
    with pytest.raises(RetryLater):
        adapter.publish(x_account, publish_request("Zweiter Anlauf", media=[image]), {}, saved)
    assert tweets(sandbox) == []
    assert [item["alt"] for item in saved.current["media"]] == [False]
    adapter.publish(x_account, publish_request("Zweiter Anlauf", media=[image]),
                    saved.current, saved)
    (media,) = sandbox.records(network="x", kind="media")
    assert calls == [media["id"], media["id"]]
    assert tweets(sandbox)[0]["extra"]["alt_texts"] == ["Rathaus im Schnee"]
