"""Exactly once: an approved reply reaches the network once, whatever fails on the way."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from django.utils import timezone

from channels_publish.adapters.base import (
    AuthorizationFailed,
    OutcomeUnknown,
    PermanentFailure,
    RetryLater,
)
from channels_publish.models import AccountHealth, ChannelAccount
from inbox.models import Conversation, ConversationStatus, Message, Reply, ReplyStatus
from inbox.services import replies, sending
from inbox.services.ingest import ingest_account
from inbox.tasks import dispatch_replies, send_reply
from newsroom.errors import InvalidState

from .conftest import item
from .helpers import conversation_of, reply_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(head, second_head, account, department):
    conversation = conversation_of(account, department)
    reply = reply_in_review(head, conversation)
    return replies.approve(actor=second_head, reply=reply, expected_version=reply.version)


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """The beat's tick, with the tasks it enqueues after commit run at once."""

    def tick():
        with django_capture_on_commit_callbacks(execute=True):
            dispatch_replies.delay()

    return tick


def _due_now(reply):
    Reply.objects.filter(pk=reply.pk).update(next_attempt_at=timezone.now())


def test_it_sends_once_and_marks_the_conversation_answered(approved, fake_adapter):
    assert sending.send(approved.pk) == "sent"
    assert sending.send(approved.pk) == "not-claimed"
    assert len(fake_adapter.sent) == 1
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT and approved.remote_id == "reply-1"
    conversation = Conversation.objects.get(pk=approved.conversation_id)
    assert conversation.status == ConversationStatus.ANSWERED
    assert conversation.waiting_since is None
    assert conversation.first_answered_at is not None
    assert conversation.messages.filter(direction="out", remote_id="reply-1").exists()


def test_the_same_reply_fetched_back_from_the_network_is_not_a_second_message(
        approved, fake_adapter, account):
    sending.send(approved.pk)
    ours = replace(item(99, text=approved.text, author="page", from_us=True),
                   remote_id="reply-1")
    fake_adapter.items = [item(1), ours]
    ingest_account(account.pk)
    assert Message.objects.filter(remote_id="reply-1").count() == 1


def test_retry_later_waits_with_backoff_then_sends(approved, fake_adapter, dispatch):
    fake_adapter.faults = [RetryLater("Zu viele Anfragen", retry_after_s=60)]
    assert sending.send(approved.pk) == "retry"
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.RETRY
    assert approved.next_attempt_at >= timezone.now() + timedelta(seconds=59)
    assert sending.claim_due() == []  # not due yet
    _due_now(approved)
    dispatch()
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT
    assert len(fake_adapter.sent) == 1


def test_an_unclear_outcome_looks_first_and_does_not_send_again(approved, fake_adapter, dispatch):
    fake_adapter.faults = [OutcomeUnknown("Zeitüberschreitung")]
    fake_adapter.sent_before_fault = True  # the reply did reach the network
    assert sending.send(approved.pk) == "outcome_unknown"
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.OUTCOME_UNKNOWN and approved.lookup_before_retry
    _due_now(approved)
    dispatch()
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT
    assert len(fake_adapter.sent) == 1


def test_an_unclear_outcome_that_did_not_arrive_is_sent_again(approved, fake_adapter, dispatch):
    fake_adapter.faults = [OutcomeUnknown("Verbindung abgebrochen")]
    sending.send(approved.pk)
    _due_now(approved)
    dispatch()
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT
    assert len(fake_adapter.sent) == 1


def test_a_permanent_failure_stops_and_can_be_discarded(approved, fake_adapter, head):
    fake_adapter.faults = [PermanentFailure("Kommentar existiert nicht mehr")]
    assert sending.send(approved.pk) == "failed"
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.FAILED
    assert "existiert nicht mehr" in approved.last_error
    assert sending.claim_due() == []
    replies.discard(actor=head, reply=approved)
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.DISCARDED


def test_a_revoked_token_holds_the_reply_until_someone_retries(approved, fake_adapter, head,
                                                                 account):
    fake_adapter.faults = [AuthorizationFailed("Token abgelaufen")]
    assert sending.send(approved.pk) == "held"
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.HELD
    assert ChannelAccount.objects.get(pk=account.pk).health == AccountHealth.RECONNECT_NEEDED
    ChannelAccount.objects.filter(pk=account.pk).update(health=AccountHealth.OK)
    sending.retry(actor=head, reply=approved)  # task runs eagerly after commit in real life
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.QUEUED
    send_reply.delay(approved.pk)
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.SENT
    assert len(fake_adapter.sent) == 1


def test_a_killed_worker_is_recovered_by_looking_first(approved, fake_adapter, dispatch, settings):
    # The worker died after the network accepted the reply but before we recorded it.
    Reply.objects.filter(pk=approved.pk).update(
        status=ReplyStatus.SENDING, sending_started_at=timezone.now() - timedelta(hours=1))
    fake_adapter.sent.append(sending.reply_request(Reply.objects.get(pk=approved.pk)))
    assert sending.sweep()["stuck"] == 1
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.OUTCOME_UNKNOWN and approved.lookup_before_retry
    dispatch()
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT
    assert len(fake_adapter.sent) == 1


def test_a_lost_task_is_queued_again(approved, fake_adapter, dispatch):
    Reply.objects.filter(pk=approved.pk).update(
        queued_at=timezone.now() - timedelta(hours=1))
    dispatch()
    approved.refresh_from_db()
    assert approved.status == ReplyStatus.SENT


def test_an_unexpected_error_counts_as_unclear(approved, fake_adapter):
    fake_adapter.faults = [ValueError("boom")]
    assert sending.send(approved.pk) == "outcome_unknown"


def test_a_sent_reply_cannot_be_retried(approved, fake_adapter, head):
    sending.send(approved.pk)
    with pytest.raises(InvalidState):
        sending.retry(actor=head, reply=approved)


def test_after_too_many_attempts_it_gives_up(approved, fake_adapter, settings):
    settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS = 2
    fake_adapter.faults = [RetryLater("eins"), RetryLater("zwei")]
    sending.send(approved.pk)
    _due_now(approved)
    sending.claim_due()
    assert sending.send(approved.pk) == "failed"
    assert fake_adapter.sent == []


def test_a_message_written_after_the_answered_one_still_waits(approved, fake_adapter, account):
    from inbox.services.ingest import store_page

    store_page(account, [item(2, text="Und noch eine Frage", hours_ago=0.1)], None, {})
    sending.send(approved.pk)
    conversation = Conversation.objects.get(pk=approved.conversation_id)
    assert conversation.status == ConversationStatus.NEW
    assert conversation.waiting_since is not None
    assert conversation.first_answered_at is not None


def _unknown_after_last_attempt(reply, settings):
    Reply.objects.filter(pk=reply.pk).update(
        status=ReplyStatus.OUTCOME_UNKNOWN, attempts=settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS,
        next_attempt_at=timezone.now() + timedelta(days=3650), lookup_before_retry=True,
        last_error="Zeitüberschreitung")


def test_a_reply_stuck_unclear_is_discarded_after_checking_and_the_conversation_closes(
        approved, head, client, settings):
    from django.urls import reverse

    from inbox.services import conversations
    from newsroom.errors import DomainError
    from newsroom.models import AuditLogEntry

    _unknown_after_last_attempt(approved, settings)
    conversation = Conversation.objects.get(pk=approved.conversation_id)
    with pytest.raises(InvalidState):
        conversations.close(actor=head, conversation=conversation)
    with pytest.raises(InvalidState):
        replies.discard(actor=head, reply=approved)
    with pytest.raises(DomainError):
        replies.discard_unknown(actor=head, reply=approved, checked_network=False)

    client.force_login(head)
    page = client.get(reverse("inbox:conversation", kwargs={"pk": conversation.pk}))
    url = reverse("inbox:discard_unknown_reply", kwargs={"pk": approved.pk})
    assert url in page.content.decode()
    client.post(url, {})  # without the confirmation nothing happens
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.OUTCOME_UNKNOWN
    client.post(url, {"checked_network": "on"})
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.DISCARDED
    entry = AuditLogEntry.objects.get(action="inbox.reply.discarded_unknown")
    assert entry.actor == head
    assert "nachgesehen" in entry.data["confirmation"]
    assert entry.data["attempts"] == settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS
    conversation.refresh_from_db()
    conversations.close(actor=head, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.CLOSED


def test_an_unclear_reply_with_attempts_left_is_not_discarded(approved, head, settings):
    Reply.objects.filter(pk=approved.pk).update(status=ReplyStatus.OUTCOME_UNKNOWN, attempts=1)
    approved.refresh_from_db()
    assert not replies.may_discard_unknown(approved)
    with pytest.raises(InvalidState):
        replies.discard_unknown(actor=head, reply=approved, checked_network=True)
    assert Reply.objects.get(pk=approved.pk).status == ReplyStatus.OUTCOME_UNKNOWN
