"""The X inbound adapter against the sandbox: mentions, DMs, replies, hiding."""

import pytest

from channels_publish.adapters import (
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)
from channels_publish.adapters.inbound import ReplyRequest, inbound_adapter_for
from channels_publish.adapters.x import XAdapter
from channels_publish.adapters.x_inbound import XInboundAdapter

from .conftest import X_TOKEN, publish_request


@pytest.fixture
def adapter():
    return XInboundAdapter()


@pytest.fixture
def our_post(x_account, saved):
    return XAdapter().publish(x_account, publish_request("Sperrung Marktplatz ab 8 Uhr"), {},
                              saved).remote_id


def reply(item, text="Danke, wir kümmern uns!", number=1):
    return ReplyRequest(reply_id=number, marker=f"rp-{number}", text=text, kind=item.kind,
                        in_reply_to_remote_id=item.remote_id, thread_key=item.thread_key,
                        recipient_id=item.author_id if item.kind == "message" else "")


def test_it_is_the_registered_inbound_adapter():
    assert isinstance(inbound_adapter_for("x"), XInboundAdapter)


def test_it_brings_comments_mentions_and_messages_once(adapter, x_account, sandbox, our_post):
    comment = sandbox.add_inbound("x", "comment", "Wie lange dauert das?", on=our_post,
                                  author={"name": "Anna Weber", "handle": "annaweber"})
    answer = sandbox.add_inbound("x", "comment", "Und warum?", on=comment["id"])
    mention = sandbox.add_inbound("x", "mention", "@stadt Laterne kaputt", account=X_TOKEN)
    message = sandbox.add_inbound("x", "message", "Hallo, eine Frage", account=X_TOKEN)

    first = adapter.fetch_inbound(x_account, {}, [our_post])

    by_id = {item.remote_id: item for item in first.items}
    assert set(by_id) == {comment["id"], answer["id"], mention["id"], message["id"]}
    got = by_id[comment["id"]]
    assert (got.kind, got.post_remote_id, got.thread_key, got.parent_remote_id) == (
        "comment", our_post, our_post, "")
    assert (got.author_name, got.author_handle, got.text) == (
        "Anna Weber", "annaweber", "Wie lange dauert das?")
    assert got.created_at.tzinfo is not None
    assert by_id[answer["id"]].parent_remote_id == comment["id"]
    assert by_id[answer["id"]].thread_key == our_post
    assert (by_id[mention["id"]].kind, by_id[mention["id"]].post_remote_id) == ("mention", "")
    dm = by_id[message["id"]]
    assert (dm.kind, dm.thread_key, dm.author_id) == (
        "message", message["thread"], message["author"]["id"])
    assert first.more is False

    second = adapter.fetch_inbound(x_account, first.cursor, [our_post])
    assert second.items == []
    newer = sandbox.add_inbound("x", "comment", "Noch eine Frage", on=our_post)
    third = adapter.fetch_inbound(x_account, second.cursor, [our_post])
    assert [item.remote_id for item in third.items] == [newer["id"]]


def test_it_pages_mentions_and_messages_without_losing_any(x_account, sandbox, our_post):
    adapter = XInboundAdapter(page_size=5)
    created = set(sandbox.add_inbound_bulk(count=12, network="x", kind="comment", on=our_post))
    created |= set(sandbox.add_inbound_bulk(count=7, network="x", kind="message",
                                            account=X_TOKEN))
    cursor, seen, rounds = {}, [], 0
    while True:
        result = adapter.fetch_inbound(x_account, cursor, [our_post])
        seen.extend(item.remote_id for item in result.items)
        cursor, rounds = result.cursor, rounds + 1
        if not result.more:
            break
    assert rounds == 3
    assert sorted(seen) == sorted(created)
    assert adapter.fetch_inbound(x_account, cursor, [our_post]).items == []


def test_a_reply_lands_as_a_reply_to_the_comment(adapter, x_account, sandbox, our_post, saved):
    comment = sandbox.add_inbound("x", "comment", "Wann ist die Straße frei?", on=our_post)
    (item,) = adapter.fetch_inbound(x_account, {}, [our_post]).items
    published = adapter.send_reply(x_account, reply(item), {}, saved)
    (record,) = sandbox.replies(network="x")
    assert record["id"] == published.remote_id
    assert (record["kind"], record["extra"]["parent"]) == ("reply", comment["id"])
    assert record["text"] == "Danke, wir kümmern uns!"
    assert saved.history == [{"sending": True}]


def test_a_dm_answer_lands_in_the_conversation(adapter, x_account, sandbox, saved):
    message = sandbox.add_inbound("x", "message", "Wo beantrage ich das?", account=X_TOKEN)
    (item,) = adapter.fetch_inbound(x_account, {}, []).items
    published = adapter.send_reply(x_account, reply(item, "Im Bürgerbüro."), {}, saved)
    (record,) = sandbox.replies(network="x")
    assert (record["kind"], record["id"], record["extra"]["thread"]) == (
        "direct_message", published.remote_id, message["thread"])
    assert record["extra"]["recipient"] == message["author"]["id"]


@pytest.mark.parametrize("kind", ["comment", "message"])
def test_find_reply_finds_it_after_a_timeout_after_the_write(
    adapter, x_account, sandbox, our_post, saved, kind
):
    extra = {"on": our_post} if kind == "comment" else {"account": X_TOKEN}
    sandbox.add_inbound("x", kind, "Frage", **extra)
    (item,) = adapter.fetch_inbound(x_account, {}, [our_post]).items
    request = reply(item)
    sandbox.inject_fault(X_TOKEN, "timeout_after_create", network="x", operation="create",
                         drop=True)
    with pytest.raises(OutcomeUnknown):
        adapter.send_reply(x_account, request, {}, saved)
    (record,) = sandbox.replies(network="x")
    found = adapter.find_reply(x_account, request)
    assert found is not None and found.remote_id == record["id"]
    # The retry with the saved state finds it instead of sending twice.
    again = adapter.send_reply(x_account, request, saved.current, saved)
    assert again.remote_id == record["id"]
    assert len(sandbox.replies(network="x")) == 1


def test_find_reply_finds_nothing_before_sending(adapter, x_account, sandbox, our_post):
    sandbox.add_inbound("x", "comment", "Frage", on=our_post)
    (item,) = adapter.fetch_inbound(x_account, {}, [our_post]).items
    assert adapter.find_reply(x_account, reply(item)) is None


def test_it_hides_a_reply_and_refuses_to_delete(adapter, x_account, sandbox, our_post):
    comment = sandbox.add_inbound("x", "comment", "Spam spam", on=our_post)
    adapter.moderate(x_account, comment["id"], "hide")
    (moderation,) = sandbox.moderations(network="x")
    assert (moderation["extra"]["action"], moderation["extra"]["target"]) == (
        "hide", comment["id"])
    assert sandbox.inbound_item(comment["id"])["hidden"] is True
    with pytest.raises(PermanentFailure) as refused:
        adapter.moderate(x_account, comment["id"], "delete")
    assert "löschen" in refused.value.message_de
    assert sandbox.inbound_item(comment["id"])["deleted"] is False


def test_hiding_a_free_mention_is_refused(adapter, x_account, sandbox):
    mention = sandbox.add_inbound("x", "mention", "@stadt hallo", account=X_TOKEN)
    with pytest.raises(PermanentFailure) as refused:
        adapter.moderate(x_account, mention["id"], "hide")
    assert refused.value.http_status == 403


def test_a_rate_limit_is_retry_later_with_the_wait(adapter, x_account, sandbox):
    sandbox.inject_fault(X_TOKEN, "rate_limit", network="x", operation="read", retry_after=90)
    with pytest.raises(RetryLater) as error:
        adapter.fetch_inbound(x_account, {}, [])
    assert 85 <= error.value.retry_after_s <= 90
    assert "429" in error.value.message_de


def test_an_expired_token_is_authorization_failed(adapter, x_account, sandbox):
    sandbox.inject_fault(X_TOKEN, "expired_token", network="x")
    with pytest.raises(AuthorizationFailed):
        adapter.fetch_inbound(x_account, {}, [])


def test_a_server_error_on_reading_is_retry_later(adapter, x_account, sandbox):
    sandbox.inject_fault(X_TOKEN, "server_error", network="x", operation="read")
    with pytest.raises(RetryLater) as error:
        adapter.fetch_inbound(x_account, {}, [])
    assert error.value.http_status == 503


def test_a_server_error_on_sending_is_unclear_and_the_retry_sends_once(
    adapter, x_account, sandbox, our_post, saved
):
    sandbox.add_inbound("x", "comment", "Frage", on=our_post)
    (item,) = adapter.fetch_inbound(x_account, {}, [our_post]).items
    sandbox.inject_fault(X_TOKEN, "server_error", network="x", operation="create")
    with pytest.raises(OutcomeUnknown):
        adapter.send_reply(x_account, reply(item), {}, saved)
    assert sandbox.replies(network="x") == []
    adapter.send_reply(x_account, reply(item), saved.current, saved)
    assert len(sandbox.replies(network="x")) == 1
