"""End to end against the networks sandbox: ingest, reply exactly once, moderation."""

from __future__ import annotations

import pytest
from django.utils import timezone

from channels_publish.adapters.base import PublishRequest
from channels_publish.adapters.facebook import FacebookAdapter
from channels_publish.dispatch import account_config
from channels_publish.models import Delivery, DeliveryStatus
from inbox.models import Conversation, Message, ModerationRequest, Reply, ReplyStatus
from inbox.services import moderation, replies, sending
from inbox.services.ingest import ingest_account
from newsroom.models import Post, PostStatus
from tests.factories import channel

pytestmark = pytest.mark.django_db

PAGE_ID = "104000000000077"
TOKEN = "inbox-page-token"


@pytest.fixture
def page(sandbox, department):
    account = channel("facebook", department, name="Stadt auf Facebook",
                      external_id=PAGE_ID, api_base_url=sandbox.base_url)
    account.set_credentials({"access_token": TOKEN})
    account.save()
    return account


@pytest.fixture
def our_post(page, department):
    """A post we published on the page (through the publishing adapter)."""
    published = FacebookAdapter().publish(
        account_config(page), PublishRequest(delivery_id=1, marker="inbox-1",
                                             text="Stadtfest am Samstag"),
        {}, lambda state: None,
    )
    post = Post.objects.create(department=department, title="Stadtfest", body="Samstag",
                               status=PostStatus.PUBLISHED)
    Delivery.objects.create(post=post, channel_account=page, post_version=1,
                            due_at=timezone.now(), next_attempt_at=timezone.now(),
                            status=DeliveryStatus.PUBLISHED, remote_id=published.remote_id,
                            published_at=timezone.now())
    return post, published.remote_id


def test_ingest_against_the_sandbox_is_idempotent(sandbox, page, our_post, department):
    post, remote_id = our_post
    comment = sandbox.add_inbound("facebook", "comment", "Gibt es Parkplätze?", on=remote_id,
                                  author={"name": "Jonas Koch"})
    sandbox.add_inbound("facebook", "comment", "Am Bahnhof!", on=comment["id"])
    sandbox.add_inbound("facebook", "message", "Hallo Stadt", account=PAGE_ID)
    first = ingest_account(page.pk)
    assert first.created == 3, first
    assert ingest_account(page.pk).created == 0
    assert Message.objects.count() == 3
    thread = Conversation.objects.get(thread_key=comment["id"])
    assert thread.messages.count() == 2
    assert thread.post == post and thread.department == department
    sandbox.add_inbound("facebook", "comment", "Noch eine Frage", on=remote_id)
    assert ingest_account(page.pk).created == 1
    assert Conversation.objects.count() == 3


def test_a_reply_is_sent_exactly_once_despite_a_timeout(
        sandbox, page, our_post, head, second_head, django_capture_on_commit_callbacks):
    _post, remote_id = our_post
    comment = sandbox.add_inbound("facebook", "comment", "Wann beginnt es?", on=remote_id)
    ingest_account(page.pk)
    conversation = Conversation.objects.get()
    reply = replies.submit(actor=head, reply=replies.draft(
        actor=head, conversation=conversation, text="Um 14 Uhr am Rathaus."))
    # The network takes the reply but the answer never reaches us.
    sandbox.inject_fault(TOKEN, "timeout_after_create", network="facebook",
                         operation="create", drop=True)
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.OUTCOME_UNKNOWN
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        sending.claim_due()
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT
    (record,) = sandbox.replies(network="facebook")
    assert record["id"] == reply.remote_id
    assert sandbox.inbound_item(comment["id"])["answers"]
    # Fetching again brings our own reply back: still one message for it.
    ingest_account(page.pk)
    assert Message.objects.filter(remote_id=reply.remote_id).count() == 1


def test_moderation_hides_the_comment_on_the_network(
        sandbox, page, our_post, head, second_head, django_capture_on_commit_callbacks):
    _post, remote_id = our_post
    comment = sandbox.add_inbound("facebook", "comment", "Spam spam", on=remote_id)
    ingest_account(page.pk)
    message = Message.objects.get()
    item = moderation.request(actor=head, message=message, action="hide", reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(actor=second_head, moderation=item)
    assert ModerationRequest.objects.get().status == "done"
    assert sandbox.inbound_item(comment["id"])["hidden"] is True


def test_x_mentions_and_messages_are_ingested_once_and_answered(
        sandbox, department, head, second_head, django_capture_on_commit_callbacks):
    token = "inbox-x-token"
    account = channel("x", department, name="@Stadt auf X", api_base_url=sandbox.base_url)
    account.set_credentials({"consumer_key": "ck", "consumer_secret": "cs",
                             "access_token": token, "access_token_secret": "ts"})
    account.save()
    sandbox.add_inbound("x", "mention", "@stadt Laterne kaputt", account=token)
    message = sandbox.add_inbound("x", "message", "Hallo, eine Frage", account=token)
    assert ingest_account(account.pk).created == 2
    assert ingest_account(account.pk).created == 0
    conversation = Conversation.objects.get(kind="message")
    Conversation.objects.filter(pk=conversation.pk).update(department=department)
    conversation.refresh_from_db()
    reply = replies.submit(actor=head, reply=replies.draft(
        actor=head, conversation=conversation, text="Gerne, worum geht es?"))
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT, reply.last_error
    (record,) = sandbox.replies(network="x")
    assert record["id"] == reply.remote_id
    assert message["author"]["id"] in str(record)
