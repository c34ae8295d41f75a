"""The four-eyes review of replies, from every door: service, page, API, admin."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.roles import Role
from inbox.models import Conversation, ConversationStatus, Reply, ReplyStatus
from inbox.services import replies
from newsroom.errors import Conflict, InvalidState
from newsroom.models import Notification, NotificationKind
from tests.factories import member

from .helpers import conversation_of, reply_in_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(account, department):
    return conversation_of(account, department)


def test_it_sends_a_reply_for_review_and_asks_approvers(head, second_head, conversation):
    reply = reply_in_review(head, conversation)
    assert reply.status == ReplyStatus.IN_REVIEW
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.AWAITING_APPROVAL
    asked = Notification.objects.filter(kind=NotificationKind.REPLY_REVIEW_REQUESTED)
    assert second_head.pk in set(asked.values_list("recipient_id", flat=True))
    assert head.pk not in set(asked.values_list("recipient_id", flat=True))


def test_the_author_may_not_approve(head, conversation):
    reply = reply_in_review(head, conversation)
    with pytest.raises(PermissionDenied):
        replies.approve(actor=head, reply=reply, expected_version=reply.version)


def test_whoever_changed_it_last_may_not_approve(head, second_head, conversation):
    reply = reply_in_review(head, conversation)
    reply = replies.edit(actor=second_head, reply=reply, text="Im März.")
    with pytest.raises(PermissionDenied):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)


def test_another_departments_head_may_not_approve(head, other_head, conversation):
    reply = reply_in_review(head, conversation)
    with pytest.raises(PermissionDenied):
        replies.approve(actor=other_head, reply=reply, expected_version=reply.version)


def test_an_editor_without_the_right_may_not_approve(head, editor, conversation):
    reply = reply_in_review(head, conversation)
    with pytest.raises(PermissionDenied):
        replies.approve(actor=editor, reply=reply, expected_version=reply.version)


def test_a_second_person_approves_and_sending_is_queued(head, second_head, conversation,
                                                        django_capture_on_commit_callbacks,
                                                        fake_adapter):
    reply = reply_in_review(head, conversation)
    with django_capture_on_commit_callbacks(execute=True):
        replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.SENT
    assert reply.approved_by == second_head
    assert len(fake_adapter.sent) == 1
    assert fake_adapter.sent[0].in_reply_to_remote_id == "c1"


def test_the_community_management_approves_in_any_department(head, other_department,
                                                             account, fake_adapter):
    community_elsewhere = member(Role.COMMUNITY, other_department, username="cm-elsewhere")
    conversation = conversation_of(account, head.memberships.first().department)
    reply = reply_in_review(head, conversation)
    replies.approve(actor=community_elsewhere, reply=reply, expected_version=reply.version)
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.QUEUED


def test_an_approval_of_an_outdated_version_is_refused(head, second_head, community,
                                                       conversation):
    reply = reply_in_review(head, conversation)
    replies.edit(actor=community, reply=reply, text="Neue Fassung")
    with pytest.raises(Conflict):
        replies.approve(actor=second_head, reply=reply, expected_version=1)


def test_an_edit_after_approval_needs_a_new_approval(head, second_head, conversation):
    reply = reply_in_review(head, conversation)
    replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    reply = replies.edit(actor=head, reply=reply, text="Geänderte Antwort")
    assert reply.status == ReplyStatus.IN_REVIEW
    assert reply.approved_by is None
    assert reply.version == 2
    assert Conversation.objects.get(pk=conversation.pk).status == \
        ConversationStatus.AWAITING_APPROVAL


def test_a_reply_being_sent_can_no_longer_be_edited(head, second_head, conversation):
    reply = reply_in_review(head, conversation)
    replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    Reply.objects.filter(pk=reply.pk).update(status=ReplyStatus.SENDING)
    with pytest.raises(InvalidState):
        replies.edit(actor=head, reply=reply, text="Zu spät")


def test_requesting_changes_sends_it_back_with_the_comment(head, second_head, conversation):
    reply = reply_in_review(head, conversation)
    replies.request_changes(actor=second_head, reply=reply, comment="Bitte freundlicher.",
                            expected_version=reply.version)
    reply.refresh_from_db()
    assert reply.status == ReplyStatus.CHANGES_REQUESTED
    assert reply.review_comment == "Bitte freundlicher."
    assert Notification.objects.filter(recipient=head,
                                       kind=NotificationKind.REPLY_CHANGES_REQUESTED).exists()
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.NEW


def test_only_one_open_reply_per_conversation(head, conversation):
    replies.draft(actor=head, conversation=conversation, text="Eins")
    with pytest.raises(Conflict):
        replies.draft(actor=head, conversation=conversation, text="Zwei")


# --- Doors ----------------------------------------------------------------------------------
def test_the_page_refuses_the_author_and_lets_a_second_person_approve(client, head, second_head,
                                                                     conversation):
    reply = reply_in_review(head, conversation)
    url = reverse("inbox:review_reply", kwargs={"pk": reply.pk})
    client.force_login(head)
    response = client.get(url)
    assert "Eigene Antwort" in response.content.decode()
    assert client.post(url, {"decision": "approve", "expected_version": 1}).status_code == 403
    client.force_login(second_head)
    response = client.post(url, {"decision": "approve", "expected_version": 1})
    assert response.status_code == 302
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.QUEUED


def test_the_page_drafts_and_submits_a_reply(client, head, conversation):
    client.force_login(head)
    response = client.post(reverse("inbox:save_reply", kwargs={"pk": conversation.pk}),
                           {"text": "Wir kümmern uns.", "submit": "on"})
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.status == ReplyStatus.IN_REVIEW and reply.author == head


def test_the_api_refuses_the_author_and_lets_a_second_person_approve(head, second_head,
                                                                    conversation):
    reply = reply_in_review(head, conversation)
    api = APIClient()
    url = reverse("api:inbox-reply-approve", kwargs={"pk": reply.pk})
    api.force_authenticate(head)
    assert api.post(url, {"expected_version": 1}, format="json").status_code == 403
    queue = api.get(reverse("api:inbox-reply-review-queue")).json()
    assert queue["count"] == 0
    api.force_authenticate(second_head)
    queue = api.get(reverse("api:inbox-reply-review-queue")).json()
    assert [entry["id"] for entry in queue["results"]] == [reply.pk]
    response = api.post(url, {"expected_version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReplyStatus.QUEUED


def test_the_api_requests_changes_and_hides_other_departments(head, second_head, other_head,
                                                             conversation):
    reply = reply_in_review(head, conversation)
    api = APIClient()
    url = reverse("api:inbox-reply-request-changes", kwargs={"pk": reply.pk})
    api.force_authenticate(other_head)
    assert api.post(url, {"expected_version": 1, "comment": "x"},
                    format="json").status_code == 404
    api.force_authenticate(second_head)
    response = api.post(url, {"expected_version": 1, "comment": "Kürzer"}, format="json")
    assert response.status_code == 200
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.CHANGES_REQUESTED
    assert api.post(reverse("api:inbox-reply-approve", kwargs={"pk": reply.pk}),
                    {"expected_version": 1}, format="json").status_code == 409


def test_it_offers_no_approval_in_the_admin(client, head, conversation, comms_department):
    """Approving means reading the exact text: the admin's bulk actions never approve."""
    from accounts.services import grant_membership

    reply = reply_in_review(head, conversation)
    approver = member(Role.DUTY_EDITOR, comms_department, username="cvd-admin", is_staff=True,
                      is_superuser=True)
    grant_membership(actor=None, user=approver, department=comms_department, role=Role.ADMIN)
    client.force_login(approver)
    url = reverse("admin:inbox_reply_changelist")
    page = client.get(url)
    assert page.status_code == 200
    assert "approve_replies" not in page.content.decode()
    client.post(url, {"action": "approve_replies", "_selected_action": [reply.pk]})
    assert Reply.objects.get(pk=reply.pk).status == ReplyStatus.IN_REVIEW
