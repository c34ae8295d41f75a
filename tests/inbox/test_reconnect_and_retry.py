"""Replies held for a revoked token go out after the reconnect; a failed moderation can be
tried again (service, page, admin)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.roles import Role
from channels_publish.adapters.base import AuthorizationFailed, PermanentFailure
from channels_publish.models import AccountHealth, ChannelAccount
from channels_publish.services import reconnect_account
from inbox.models import Message, ModerationRequest, ModerationStatus, Reply, ReplyStatus
from inbox.services import moderation, replies, sending
from newsroom.errors import InvalidState
from newsroom.models import AuditLogEntry
from tests.factories import member

from .helpers import conversation_of, reply_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def channel_admin(department):
    return member(Role.ADMIN, department, username="kanal-admin")


def _held_reply(account, department, head, second_head, fake_adapter, capture, *, thread="t1",
                number=1, revoked_now=True):
    conversation = conversation_of(account, department, thread=thread, number=number)
    reply = reply_in_review(head, conversation)
    if revoked_now:
        fake_adapter.faults.append(AuthorizationFailed("Token widerrufen"))
    with capture(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    return reply


def test_held_replies_go_out_once_the_account_is_reconnected(
        account, department, head, second_head, channel_admin, fake_adapter,
        django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first = _held_reply(account, department, head, second_head, fake_adapter, capture)
    assert first.status == ReplyStatus.HELD
    account.refresh_from_db()
    assert account.health == AccountHealth.RECONNECT_NEEDED
    # A second reply approved while the account waits is held without asking the network.
    second = _held_reply(account, department, head, second_head, fake_adapter, capture,
                         thread="t2", number=2, revoked_now=False)
    assert second.status == ReplyStatus.HELD and len(fake_adapter.sent) == 0

    with capture(execute=True):
        reconnect_account(actor=channel_admin, account=account,
                          credentials={"access_token": "neu"})

    assert set(Reply.objects.values_list("status", flat=True)) == {ReplyStatus.SENT}
    assert len(fake_adapter.sent) == 2
    released = AuditLogEntry.objects.filter(action="inbox.reply.released")
    assert released.count() == 2
    assert {entry.actor_id for entry in released} == {channel_admin.pk}


def test_a_reconnect_leaves_other_accounts_replies_held(
        account, department, head, second_head, channel_admin, fake_adapter,
        django_capture_on_commit_callbacks):
    from tests.factories import channel

    reply = _held_reply(account, department, head, second_head, fake_adapter,
                        django_capture_on_commit_callbacks)
    other = channel("facebook", department, name="Zweite Seite")
    with django_capture_on_commit_callbacks(execute=True):
        reconnect_account(actor=channel_admin, account=other, credentials={"access_token": "x"})
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.HELD
    assert not AuditLogEntry.objects.filter(action="inbox.reply.released").exists()


def test_a_revoked_token_on_the_sandbox_holds_the_reply_until_the_reconnect(
        sandbox, department, head, second_head, channel_admin,
        django_capture_on_commit_callbacks):
    from inbox.models import Conversation
    from inbox.services.ingest import ingest_account
    from tests.factories import channel

    token = "inbox-held-token"
    account = channel("x", department, name="@Stadt auf X", api_base_url=sandbox.base_url)
    account.set_credentials({"consumer_key": "ck", "consumer_secret": "cs",
                             "access_token": token, "access_token_secret": "ts"})
    account.save()
    sandbox.add_inbound("x", "message", "Wann öffnet das Bürgerbüro?", account=token)
    ingest_account(account.pk)
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(department=department)
    conversation.refresh_from_db()
    reply = reply_in_review(head, conversation, text="Montags ab 8 Uhr.")
    sandbox.inject_fault(token, "expired_token", network="x")
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.HELD, reply.last_error
    assert sandbox.replies(network="x") == []

    sandbox.clear_faults(token)
    with django_capture_on_commit_callbacks(execute=True):
        reconnect_account(actor=channel_admin, account=ChannelAccount.objects.get(pk=account.pk),
                          credentials={"consumer_key": "ck", "consumer_secret": "cs",
                                       "access_token": token, "access_token_secret": "ts"})
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT, reply.last_error
    (record,) = sandbox.replies(network="x")
    assert record["id"] == reply.remote_id and record["text"] == "Montags ab 8 Uhr."


# --- failed moderation ----------------------------------------------------------------------
@pytest.fixture
def failed_moderation(account, department, head, second_head, fake_adapter,
                      django_capture_on_commit_callbacks):
    comment = conversation_of(account, department).messages.get()
    fake_adapter.moderate_fault = PermanentFailure("Netzwerk nicht erreichbar")
    item = moderation.request(actor=head, message=comment, action="hide", reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(actor=second_head, moderation=item)
    item.refresh_from_db()
    assert item.status == ModerationStatus.FAILED
    fake_adapter.moderate_fault = None
    return item


def test_a_failed_moderation_is_tried_again(head, failed_moderation, fake_adapter,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        moderation.retry(actor=head, moderation=failed_moderation)
    failed_moderation.refresh_from_db()
    assert failed_moderation.status == ModerationStatus.DONE
    assert failed_moderation.last_error == ""
    assert fake_adapter.moderated == [("c1", "hide")]
    assert Message.objects.get(pk=failed_moderation.message_id).is_hidden
    assert AuditLogEntry.objects.filter(action="inbox.moderation.retry_requested",
                                        actor=head).exists()
    with pytest.raises(InvalidState):
        moderation.retry(actor=head, moderation=failed_moderation)


def test_only_people_handling_the_conversation_retry(failed_moderation, other_head, editor):
    for person in (other_head, editor):
        with pytest.raises(PermissionDenied):
            moderation.retry(actor=person, moderation=failed_moderation)
    assert ModerationRequest.objects.get(pk=failed_moderation.pk).status == "failed"


def test_the_conversation_page_offers_the_retry_and_runs_it(
        client, head, failed_moderation, fake_adapter, django_capture_on_commit_callbacks):
    client.force_login(head)
    conversation = failed_moderation.message.conversation
    page = client.get(reverse("inbox:conversation", kwargs={"pk": conversation.pk}))
    url = reverse("inbox:retry_moderation", kwargs={"pk": failed_moderation.pk})
    content = page.content.decode()
    assert url in content and "Netzwerk nicht erreichbar" in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert ModerationRequest.objects.get(pk=failed_moderation.pk).status == "done"
    page = client.get(reverse("inbox:conversation", kwargs={"pk": conversation.pk}))
    assert url not in page.content.decode()


def test_the_admin_action_retries(client, head, failed_moderation, comms_department,
                                  fake_adapter, django_capture_on_commit_callbacks):
    from accounts.services import grant_membership

    grant_membership(actor=None, user=head, department=comms_department, role=Role.ADMIN)
    head.is_staff = head.is_superuser = True
    head.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(head)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:inbox_moderationrequest_changelist"),
                    {"action": "retry_moderations", "_selected_action": [failed_moderation.pk]})
    assert ModerationRequest.objects.get(pk=failed_moderation.pk).status == "done"


# --- failed reply ---------------------------------------------------------------------------
def test_a_failed_reply_is_tried_again_from_the_conversation_page(
        client, account, department, head, second_head, fake_adapter,
        django_capture_on_commit_callbacks):
    conversation = conversation_of(account, department)
    reply = reply_in_review(head, conversation)
    fake_adapter.faults.append(PermanentFailure("Text abgelehnt"))
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.FAILED
    client.force_login(head)
    url = reverse("inbox:retry_reply", kwargs={"pk": reply.pk})
    page = client.get(reverse("inbox:conversation", kwargs={"pk": conversation.pk}))
    assert url in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT and len(fake_adapter.sent) == 1


def test_a_failed_reply_cannot_come_back_once_a_new_one_is_open(
        account, department, head, second_head, fake_adapter,
        django_capture_on_commit_callbacks):
    from newsroom.errors import Conflict

    conversation = conversation_of(account, department)
    reply = reply_in_review(head, conversation)
    fake_adapter.faults.append(PermanentFailure("Text abgelehnt"))
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    replies.draft(actor=head, conversation=conversation, text="Neuer Anlauf")
    with pytest.raises(Conflict):
        sending.retry(actor=head, reply=Reply.objects.get(pk=reply.pk))
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.FAILED
