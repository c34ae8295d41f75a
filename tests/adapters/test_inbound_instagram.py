"""The Instagram inbound adapter against the sandbox: comments, DMs, replies, moderation."""

import pytest

from channels_publish.adapters import AuthorizationFailed, OutcomeUnknown, RetryLater
from channels_publish.adapters.base import hidden_markers_in
from channels_publish.adapters.inbound import ReplyRequest, inbound_adapter_for
from channels_publish.adapters.instagram import InstagramAdapter
from channels_publish.adapters.instagram_inbound import InstagramInboundAdapter

from .conftest import IG_TOKEN, IG_USER, publish_request


@pytest.fixture
def adapter():
    return InstagramInboundAdapter()


@pytest.fixture
def our_media(ig_account, saved, image):
    publisher = InstagramAdapter(poll_interval_s=0.01, max_polls=10)
    return publisher.publish(ig_account, publish_request("Rathaus im Winter", media=[image]),
                             {}, saved).remote_id


def reply(item, text="Danke dir!", number=1):
    return ReplyRequest(reply_id=number, marker=f"ig-{number}", text=text, kind=item.kind,
                        in_reply_to_remote_id=item.remote_id, thread_key=item.thread_key,
                        recipient_id=item.author_id if item.kind == "message" else "")


def test_it_is_the_registered_inbound_adapter():
    assert isinstance(inbound_adapter_for("instagram"), InstagramInboundAdapter)


def test_it_brings_comments_answers_and_messages_once(adapter, ig_account, sandbox, our_media):
    comment = sandbox.add_inbound("instagram", "comment", "Schönes Foto!", on=our_media,
                                  author={"name": "Leonie", "handle": "leonie.k"})
    answer = sandbox.add_inbound("instagram", "comment", "Finde ich auch", on=comment["id"])
    message = sandbox.add_inbound("instagram", "message", "Hi!", account=IG_USER)

    first = adapter.fetch_inbound(ig_account, {}, [our_media])

    by_id = {item.remote_id: item for item in first.items}
    assert set(by_id) == {comment["id"], answer["id"], message["id"]}
    got = by_id[comment["id"]]
    assert (got.kind, got.post_remote_id, got.thread_key, got.parent_remote_id) == (
        "comment", our_media, comment["id"], "")
    assert (got.author_handle, got.text) == ("leonie.k", "Schönes Foto!")
    assert (by_id[answer["id"]].thread_key, by_id[answer["id"]].parent_remote_id) == (
        comment["id"], comment["id"])
    assert (by_id[message["id"]].kind, by_id[message["id"]].thread_key) == (
        "message", message["thread"])

    second = adapter.fetch_inbound(ig_account, first.cursor, [our_media])
    assert second.items == []
    # A new answer on an old comment is found too.
    late = sandbox.add_inbound("instagram", "comment", "Spät, aber ja", on=comment["id"])
    third = adapter.fetch_inbound(ig_account, second.cursor, [our_media])
    assert [item.remote_id for item in third.items] == [late["id"]]


def test_it_reads_every_page(adapter, ig_account, sandbox, our_media):
    created = sandbox.add_inbound_bulk(count=120, network="instagram", on=our_media)
    result = adapter.fetch_inbound(ig_account, {}, [our_media])
    assert sorted(item.remote_id for item in result.items) == sorted(created)
    assert adapter.fetch_inbound(ig_account, result.cursor, [our_media]).items == []


def test_a_reply_lands_under_the_comment_with_the_hidden_marker(
    adapter, ig_account, sandbox, our_media, saved
):
    comment = sandbox.add_inbound("instagram", "comment", "Wo ist das?", on=our_media)
    (item,) = adapter.fetch_inbound(ig_account, {}, [our_media]).items
    published = adapter.send_reply(ig_account, reply(item), {}, saved)
    (record,) = sandbox.replies(network="instagram")
    assert (record["id"], record["kind"], record["extra"]["parent"]) == (
        published.remote_id, "reply", comment["id"])
    assert hidden_markers_in(record["text"]) == ["ig-1"]


def test_a_dm_answer_lands_in_the_conversation(adapter, ig_account, sandbox, saved):
    message = sandbox.add_inbound("instagram", "message", "Frage", account=IG_USER)
    (item,) = adapter.fetch_inbound(ig_account, {}, []).items
    adapter.send_reply(ig_account, reply(item, "Antwort"), {}, saved)
    (record,) = sandbox.replies(network="instagram")
    assert (record["kind"], record["extra"]["thread"]) == ("direct_message", message["thread"])


@pytest.mark.parametrize("kind", ["comment", "message"])
def test_find_reply_finds_it_after_a_timeout_after_the_write(
    adapter, ig_account, sandbox, our_media, saved, kind
):
    extra = {"on": our_media} if kind == "comment" else {"account": IG_USER}
    sandbox.add_inbound("instagram", kind, "Frage", **extra)
    (item,) = adapter.fetch_inbound(ig_account, {}, [our_media]).items
    request = reply(item)
    sandbox.inject_fault(IG_TOKEN, "timeout_after_create", network="instagram",
                         operation="create", drop=True)
    with pytest.raises(OutcomeUnknown):
        adapter.send_reply(ig_account, request, {}, saved)
    (record,) = sandbox.replies(network="instagram")
    assert adapter.find_reply(ig_account, request).remote_id == record["id"]
    assert adapter.send_reply(ig_account, request, saved.current, saved).remote_id == record["id"]
    assert len(sandbox.replies(network="instagram")) == 1


def test_it_hides_and_deletes_comments(adapter, ig_account, sandbox, our_media):
    rude = sandbox.add_inbound("instagram", "comment", "Beleidigung", on=our_media)
    spam = sandbox.add_inbound("instagram", "comment", "Folgt mir", on=our_media)
    adapter.moderate(ig_account, rude["id"], "hide")
    adapter.moderate(ig_account, spam["id"], "delete")
    actions = [(m["extra"]["action"], m["extra"]["target"])
               for m in sandbox.moderations(network="instagram")]
    assert actions == [("hide", rude["id"]), ("delete", spam["id"])]
    items = adapter.fetch_inbound(ig_account, {}, [our_media]).items
    assert [(item.remote_id, item.is_hidden) for item in items] == [(rude["id"], True)]


def test_errors_are_classified(adapter, ig_account, sandbox, our_media):
    sandbox.inject_fault(IG_TOKEN, "rate_limit", network="instagram", operation="read",
                         retry_after=30)
    with pytest.raises(RetryLater) as limited:
        adapter.fetch_inbound(ig_account, {}, [our_media])
    assert limited.value.retry_after_s == 30
    sandbox.inject_fault(IG_TOKEN, "server_error", network="instagram", operation="read")
    with pytest.raises(RetryLater):
        adapter.fetch_inbound(ig_account, {}, [our_media])
    sandbox.inject_fault(IG_TOKEN, "expired_token", network="instagram")
    with pytest.raises(AuthorizationFailed):
        adapter.fetch_inbound(ig_account, {}, [our_media])
