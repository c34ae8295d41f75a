"""Citizens' words and names never reach the append-only audit log or notifications: the log
cannot be erased on a DSGVO request, and notifications travel by email and push."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from django.core import mail

from inbox.models import CitizenAccount, Conversation, ModerationReason
from inbox.services import conversations, moderation, privacy, replies
from inbox.services.ingest import ingest_account
from newsroom.models import AuditLogEntry, Notification

from .conftest import item
from .helpers import reply_in_review

pytestmark = pytest.mark.django_db

CITIZEN_TEXT = "Herr Nachbar Krawuttke parkt schon wieder auf dem Radweg"
CITIZEN_NAME = "Erika Beispielbürgerin"
CITIZEN_HANDLE = "erika_b_1970"
REPLY_TEXT = "Sehr geehrte Frau Beispielbürgerin, wir schicken das Ordnungsamt."


def _secrets_in(text: str) -> list[str]:
    return [word for word in ("Krawuttke", "Radweg", CITIZEN_NAME, CITIZEN_HANDLE,
                              "Beispielbürgerin", "Ordnungsamt")
            if word.lower() in text.lower()]


def test_it_keeps_citizens_words_and_names_out_of_audit_and_notifications(
        account, department, head, second_head, community, fake_adapter,
        django_capture_on_commit_callbacks):
    fake_adapter.items = [
        replace(item(number, thread=thread, text=CITIZEN_TEXT, author="citizen-1",
                     author_handle=CITIZEN_HANDLE), author_name=CITIZEN_NAME)
        for number, thread in ((1, "t1"), (2, "t2"))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        ingest_account(account.pk)
        conversation = Conversation.objects.get(thread_key="t1")
        conversation = conversations.route(actor=community, conversation=conversation,
                                           department=department)
        conversations.assign(actor=community, conversation=conversation, assignee=head)
        reply = reply_in_review(head, conversation, text=REPLY_TEXT)
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
        Conversation.objects.filter(thread_key="t2").update(department=department)
        comment = Conversation.objects.get(thread_key="t2").messages.get()
        request = moderation.request(actor=head, message=comment, action="hide",
                                     reason=ModerationReason.INSULT)
        moderation.approve(actor=second_head, moderation=request)
        citizen = CitizenAccount.objects.get(remote_id="citizen-1")
        assert citizen.name == CITIZEN_NAME
        privacy.export_citizen(actor=community, citizen=citizen)
        privacy.erase_citizen(actor=community, citizen=citizen)

    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"inbox.conversation.routed", "inbox.conversation.assigned", "inbox.reply.approved",
            "inbox.reply.sent", "inbox.moderation.requested", "inbox.moderation.executed",
            "inbox.citizen.exported", "inbox.citizen.erased"} <= actions
    for entry in AuditLogEntry.objects.all():
        stored = entry.object_repr + json.dumps(entry.data, ensure_ascii=False)
        assert _secrets_in(stored) == [], (entry.action, stored)
    assert AuditLogEntry.objects.filter(
        action="inbox.citizen.exported", object_repr=f"Bürgerkonto #{citizen.pk} (facebook)"
    ).exists()
    assert AuditLogEntry.objects.filter(object_repr=f"Unterhaltung #{conversation.pk}").exists()

    notifications = list(Notification.objects.all())
    assert notifications
    for notification in notifications:
        assert _secrets_in(notification.message) == [], notification.message
    for message in mail.outbox:
        assert _secrets_in(message.subject + message.body) == [], message.body


def test_notifications_name_the_conversation_by_number_and_channel(
        account, department, head, second_head, community):
    from .helpers import conversation_of

    conversation = conversation_of(account, department, text=CITIZEN_TEXT)
    conversations.assign(actor=community, conversation=conversation, assignee=head)
    reply = reply_in_review(head, conversation, text=REPLY_TEXT)
    replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    label = f"Unterhaltung #{conversation.pk} (Kanal {account.name})"
    messages = list(Notification.objects.values_list("message", flat=True))
    assert len(messages) >= 3
    assert all(label in message for message in messages), messages
