"""The Facebook inbound adapter against the sandbox: comments, Messenger, replies, moderation."""

import httpx
import pytest

from channels_publish.adapters import (
    AuthorizationFailed,
    OutcomeUnknown,
    RetryLater,
)
from channels_publish.adapters.base import hidden_markers_in
from channels_publish.adapters.facebook import FacebookAdapter
from channels_publish.adapters.facebook_inbound import FacebookInboundAdapter
from channels_publish.adapters.inbound import ReplyRequest, inbound_adapter_for

from .conftest import PAGE_ID, PAGE_TOKEN, publish_request


@pytest.fixture
def adapter():
    return FacebookInboundAdapter()


@pytest.fixture
def our_post(page_account, saved):
    return FacebookAdapter().publish(page_account, publish_request("Stadtfest am Samstag"), {},
                                     saved).remote_id


def reply(item, text="Danke für den Hinweis!", number=1):
    return ReplyRequest(reply_id=number, marker=f"fb-{number}", text=text, kind=item.kind,
                        in_reply_to_remote_id=item.remote_id, thread_key=item.thread_key,
                        recipient_id=item.author_id if item.kind == "message" else "")


def test_it_is_the_registered_inbound_adapter():
    assert isinstance(inbound_adapter_for("facebook"), FacebookInboundAdapter)


def test_it_brings_comments_answers_and_messages_once(adapter, page_account, sandbox, our_post):
    comment = sandbox.add_inbound("facebook", "comment", "Gibt es Parkplätze?", on=our_post,
                                  author={"name": "Jonas Koch"})
    answer = sandbox.add_inbound("facebook", "comment", "Am Bahnhof!", on=comment["id"])
    message = sandbox.add_inbound("facebook", "message", "Hallo Stadt", account=PAGE_ID)

    first = adapter.fetch_inbound(page_account, {}, [our_post])

    by_id = {item.remote_id: item for item in first.items}
    assert set(by_id) == {comment["id"], answer["id"], message["id"]}
    got = by_id[comment["id"]]
    assert (got.kind, got.post_remote_id, got.thread_key, got.parent_remote_id) == (
        "comment", our_post, comment["id"], "")
    assert (got.author_name, got.text, got.from_us) == ("Jonas Koch", "Gibt es Parkplätze?",
                                                        False)
    got = by_id[answer["id"]]
    assert (got.thread_key, got.parent_remote_id) == (comment["id"], comment["id"])
    dm = by_id[message["id"]]
    assert (dm.kind, dm.thread_key, dm.author_id, dm.post_remote_id) == (
        "message", message["thread"], message["author"]["id"], "")

    second = adapter.fetch_inbound(page_account, first.cursor, [our_post])
    assert second.items == []
    newer = sandbox.add_inbound("facebook", "comment", "Noch was", on=our_post)
    newer_dm = sandbox.add_inbound("facebook", "message", "Und noch was", account=PAGE_ID,
                                   author=message["author"])
    third = adapter.fetch_inbound(page_account, second.cursor, [our_post])
    assert {item.remote_id for item in third.items} == {newer["id"], newer_dm["id"]}


def test_it_pages_with_more(adapter, page_account, sandbox, our_post):
    created = sandbox.add_inbound_bulk(count=230, network="facebook", on=our_post)
    cursor, seen, rounds = {}, [], 0
    while True:
        result = adapter.fetch_inbound(page_account, cursor, [our_post])
        seen.extend(item.remote_id for item in result.items)
        cursor, rounds = result.cursor, rounds + 1
        if not result.more:
            break
    assert rounds == 3
    assert sorted(seen) == sorted(created)
    assert adapter.fetch_inbound(page_account, cursor, [our_post]).items == []


def test_items_in_the_same_second_are_neither_lost_nor_repeated(
    adapter, page_account, sandbox, our_post
):
    moment = "2026-05-01T10:00:00+00:00"
    first = sandbox.add_inbound("facebook", "comment", "Eins", on=our_post, created_at=moment)
    result = adapter.fetch_inbound(page_account, {}, [our_post])
    assert [item.remote_id for item in result.items] == [first["id"]]
    second = sandbox.add_inbound("facebook", "comment", "Zwei", on=our_post, created_at=moment)
    again = adapter.fetch_inbound(page_account, result.cursor, [our_post])
    assert [item.remote_id for item in again.items] == [second["id"]]


def test_a_reply_lands_under_the_comment_with_the_hidden_marker(
    adapter, page_account, sandbox, our_post, saved
):
    comment = sandbox.add_inbound("facebook", "comment", "Wann?", on=our_post)
    (item,) = adapter.fetch_inbound(page_account, {}, [our_post]).items
    published = adapter.send_reply(page_account, reply(item), {}, saved)
    (record,) = sandbox.replies(network="facebook")
    assert (record["id"], record["kind"], record["extra"]["parent"]) == (
        published.remote_id, "reply", comment["id"])
    assert hidden_markers_in(record["text"]) == ["fb-1"]
    assert record["text"].startswith("Danke für den Hinweis!")
    # Our own reply comes back once, marked as ours.
    (ours,) = adapter.fetch_inbound(page_account, {}, [our_post]).items[1:]
    assert ours.from_us and ours.remote_id == published.remote_id


def test_a_messenger_answer_lands_in_the_conversation(adapter, page_account, sandbox, saved):
    message = sandbox.add_inbound("facebook", "message", "Frage zum Ausweis", account=PAGE_ID)
    (item,) = adapter.fetch_inbound(page_account, {}, []).items
    published = adapter.send_reply(page_account, reply(item, "Bitte Termin buchen."), {}, saved)
    (record,) = sandbox.replies(network="facebook")
    assert (record["kind"], record["id"], record["extra"]["thread"]) == (
        "direct_message", published.remote_id, message["thread"])
    assert hidden_markers_in(record["text"]) == ["fb-1"]


@pytest.mark.parametrize("kind", ["comment", "message"])
def test_find_reply_finds_it_after_a_timeout_after_the_write(
    adapter, page_account, sandbox, our_post, saved, kind
):
    extra = {"on": our_post} if kind == "comment" else {"account": PAGE_ID}
    sandbox.add_inbound("facebook", kind, "Frage", **extra)
    (item,) = adapter.fetch_inbound(page_account, {}, [our_post]).items
    request = reply(item)
    sandbox.inject_fault(PAGE_TOKEN, "timeout_after_create", network="facebook",
                         operation="create", drop=True)
    with pytest.raises(OutcomeUnknown):
        adapter.send_reply(page_account, request, {}, saved)
    (record,) = sandbox.replies(network="facebook")
    assert adapter.find_reply(page_account, request).remote_id == record["id"]
    again = adapter.send_reply(page_account, request, saved.current, saved)
    assert again.remote_id == record["id"]
    assert len(sandbox.replies(network="facebook")) == 1


def test_it_hides_and_deletes_comments(adapter, page_account, sandbox, our_post):
    rude = sandbox.add_inbound("facebook", "comment", "Beleidigung", on=our_post)
    spam = sandbox.add_inbound("facebook", "comment", "Kauft Krypto", on=our_post)
    adapter.moderate(page_account, rude["id"], "hide")
    adapter.moderate(page_account, spam["id"], "delete")
    actions = [(m["extra"]["action"], m["extra"]["target"])
               for m in sandbox.moderations(network="facebook")]
    assert actions == [("hide", rude["id"]), ("delete", spam["id"])]
    items = adapter.fetch_inbound(page_account, {}, [our_post]).items
    assert [(item.remote_id, item.is_hidden) for item in items] == [(rude["id"], True)]


def test_a_rate_limit_is_retry_later_with_the_wait(adapter, page_account, sandbox, our_post):
    sandbox.inject_fault(PAGE_TOKEN, "rate_limit", network="facebook", operation="read",
                         retry_after=120)
    with pytest.raises(RetryLater) as error:
        adapter.fetch_inbound(page_account, {}, [our_post])
    assert error.value.retry_after_s == 120


def test_an_expired_token_is_authorization_failed(adapter, page_account, sandbox, our_post):
    sandbox.inject_fault(PAGE_TOKEN, "expired_token", network="facebook")
    with pytest.raises(AuthorizationFailed):
        adapter.fetch_inbound(page_account, {}, [our_post])


def test_a_server_error_is_retry_later(adapter, page_account, sandbox, our_post):
    sandbox.add_inbound("facebook", "comment", "Frage", on=our_post)
    sandbox.inject_fault(PAGE_TOKEN, "server_error", network="facebook", operation="moderate")
    comment = sandbox.inbound(network="facebook")[0]
    with pytest.raises(RetryLater):
        adapter.moderate(page_account, comment["id"], "hide")
    sandbox.inject_fault(PAGE_TOKEN, "server_error", network="facebook", operation="read")
    with pytest.raises(RetryLater):
        adapter.fetch_inbound(page_account, {}, [our_post])


def test_a_post_deleted_on_the_network_is_skipped(adapter, page_account, sandbox, our_post):
    message = sandbox.add_inbound("facebook", "message", "Hallo", account=PAGE_ID)
    # The post is deleted by someone on Facebook itself.
    httpx.delete(sandbox.graph_url() + f"/{our_post}", params={"access_token": PAGE_TOKEN})
    result = adapter.fetch_inbound(page_account, {}, [our_post])
    assert [item.remote_id for item in result.items] == [message["id"]]
