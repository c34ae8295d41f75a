"""The YouTube inbound adapter against the sandbox: comment threads, replies, moderation."""

import dataclasses

import pytest

from channels_publish.adapters import (
    AuthorizationFailed,
    MediaItem,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)
from channels_publish.adapters.base import hidden_markers_in
from channels_publish.adapters.inbound import ReplyRequest, inbound_adapter_for
from channels_publish.adapters.youtube import YouTubeAdapter
from channels_publish.adapters.youtube_inbound import YouTubeInboundAdapter

from .conftest import YT_TOKEN, publish_request


@pytest.fixture
def adapter():
    return YouTubeInboundAdapter()


@pytest.fixture
def our_video(yt_account, saved, media_files):
    clip = MediaItem(kind="video", path=media_files["clip.mp4"], public_url="",
                     mime_type="video/mp4")
    return YouTubeAdapter().publish(yt_account, publish_request("Ratssitzung", media=[clip]),
                                    {}, saved).remote_id


def reply(item, text="Danke für die Frage!", number=1):
    return ReplyRequest(reply_id=number, marker=f"yt-{number}", text=text, kind=item.kind,
                        in_reply_to_remote_id=item.remote_id, thread_key=item.thread_key)


def test_it_is_the_registered_inbound_adapter():
    assert isinstance(inbound_adapter_for("youtube"), YouTubeInboundAdapter)


def test_it_brings_comments_and_answers_once(adapter, yt_account, sandbox, our_video):
    comment = sandbox.add_inbound("youtube", "comment", "Wann ist die nächste Sitzung?",
                                  on=our_video, author={"name": "Paul Wolf"})
    answer = sandbox.add_inbound("youtube", "comment", "Im Mai", on=comment["id"])

    first = adapter.fetch_inbound(yt_account, {}, [our_video])

    by_id = {item.remote_id: item for item in first.items}
    assert set(by_id) == {comment["id"], answer["id"]}
    got = by_id[comment["id"]]
    assert (got.kind, got.post_remote_id, got.thread_key, got.parent_remote_id) == (
        "comment", our_video, comment["id"], "")
    assert (got.author_name, got.author_id) == ("Paul Wolf", comment["author"]["id"])
    assert (by_id[answer["id"]].thread_key, by_id[answer["id"]].parent_remote_id) == (
        comment["id"], comment["id"])

    second = adapter.fetch_inbound(yt_account, first.cursor, [our_video])
    assert second.items == []
    late = sandbox.add_inbound("youtube", "comment", "Danke!", on=comment["id"])
    third = adapter.fetch_inbound(yt_account, second.cursor, [our_video])
    assert [item.remote_id for item in third.items] == [late["id"]]


def test_it_reads_every_page_and_every_answer(adapter, yt_account, sandbox, our_video):
    created = sandbox.add_inbound_bulk(count=150, network="youtube", on=our_video)
    answers = sandbox.add_inbound_bulk(count=8, network="youtube", on=created[0])
    result = adapter.fetch_inbound(yt_account, {}, [our_video])
    assert sorted(item.remote_id for item in result.items) == sorted(created + answers)
    assert adapter.fetch_inbound(yt_account, result.cursor, [our_video]).items == []


def test_a_reply_lands_in_the_thread_with_the_hidden_marker(
    adapter, yt_account, sandbox, our_video, saved
):
    comment = sandbox.add_inbound("youtube", "comment", "Frage", on=our_video)
    answer = sandbox.add_inbound("youtube", "comment", "Gegenfrage", on=comment["id"])
    items = adapter.fetch_inbound(yt_account, {}, [our_video]).items
    (to_answer,) = [item for item in items if item.remote_id == answer["id"]]
    published = adapter.send_reply(yt_account, reply(to_answer), {}, saved)
    (record,) = sandbox.replies(network="youtube")
    assert (record["id"], record["kind"], record["extra"]["parent"]) == (
        published.remote_id, "reply", comment["id"])
    assert hidden_markers_in(record["text"]) == ["yt-1"]


def test_there_are_no_direct_messages(adapter, yt_account, saved):
    request = ReplyRequest(reply_id=1, marker="m", text="Hallo", kind="message",
                           in_reply_to_remote_id="x")
    with pytest.raises(PermanentFailure):
        adapter.send_reply(yt_account, request, {}, saved)


def test_find_reply_finds_it_after_a_timeout_after_the_write(
    adapter, yt_account, sandbox, our_video, saved
):
    sandbox.add_inbound("youtube", "comment", "Frage", on=our_video)
    (item,) = adapter.fetch_inbound(yt_account, {}, [our_video]).items
    request = reply(item)
    sandbox.inject_fault(YT_TOKEN, "timeout_after_create", network="youtube",
                         operation="create", delay_s=8)
    fast = dataclasses.replace(yt_account, timeout_s=1)
    with pytest.raises(OutcomeUnknown):
        adapter.send_reply(fast, request, {}, saved)
    (record,) = sandbox.replies(network="youtube")
    assert adapter.find_reply(yt_account, request).remote_id == record["id"]
    assert adapter.send_reply(yt_account, request, saved.current, saved).remote_id == record["id"]
    assert len(sandbox.replies(network="youtube")) == 1


def test_it_holds_for_review_and_rejects(adapter, yt_account, sandbox, our_video):
    doubtful = sandbox.add_inbound("youtube", "comment", "Hmm", on=our_video)
    spam = sandbox.add_inbound("youtube", "comment", "Spam", on=our_video)
    adapter.moderate(yt_account, doubtful["id"], "hide")
    adapter.moderate(yt_account, spam["id"], "delete")
    actions = [(m["extra"]["action"], m["extra"]["target"])
               for m in sandbox.moderations(network="youtube")]
    assert actions == [("heldForReview", doubtful["id"]), ("rejected", spam["id"])]
    assert adapter.fetch_inbound(yt_account, {}, [our_video]).items == []


def test_errors_are_classified(adapter, yt_account, sandbox, our_video):
    sandbox.inject_fault(YT_TOKEN, "rate_limit", network="youtube", operation="read",
                         retry_after=45)
    with pytest.raises(RetryLater) as limited:
        adapter.fetch_inbound(yt_account, {}, [our_video])
    assert limited.value.retry_after_s == 45
    sandbox.inject_fault(YT_TOKEN, "server_error", network="youtube", operation="read")
    with pytest.raises(RetryLater) as failed:
        adapter.fetch_inbound(yt_account, {}, [our_video])
    assert failed.value.http_status == 503
    sandbox.inject_fault(YT_TOKEN, "expired_token", network="youtube")
    with pytest.raises(AuthorizationFailed):
        adapter.fetch_inbound(yt_account, {}, [our_video])
