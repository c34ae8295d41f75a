"""Hiding or deleting a citizen's comment: a reason, a second person, the adapter, the log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from channels_publish.adapters.base import PermanentFailure
from inbox.models import Message, ModerationReason, ModerationRequest, ModerationStatus
from inbox.services import moderation
from newsroom.errors import Conflict, DomainError
from newsroom.models import AuditLogEntry, Notification, NotificationKind

from .helpers import conversation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(account, department):
    return conversation_of(account, department).messages.get()


def test_it_needs_a_reason_from_the_policy(head, comment):
    with pytest.raises(DomainError):
        moderation.request(actor=head, message=comment, action="hide", reason="weil")


def test_a_second_person_approves_and_the_adapter_hides_it(
        head, second_head, comment, fake_adapter, django_capture_on_commit_callbacks):
    item = moderation.request(actor=head, message=comment, action="hide",
                              reason=ModerationReason.INSULT, explanation="Beleidigung")
    assert Notification.objects.filter(recipient=second_head,
                                       kind=NotificationKind.MODERATION_REQUESTED).exists()
    with pytest.raises(PermissionDenied):
        moderation.approve(actor=head, moderation=item)
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(actor=second_head, moderation=item)
    assert fake_adapter.moderated == [("c1", "hide")]
    assert Message.objects.get(pk=comment.pk).is_hidden
    assert ModerationRequest.objects.get(pk=item.pk).status == ModerationStatus.DONE
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {"inbox.moderation.requested", "inbox.moderation.approved",
            "inbox.moderation.executed"} <= actions


def test_only_one_open_request_per_comment(head, comment):
    moderation.request(actor=head, message=comment, action="delete", reason="spam")
    with pytest.raises(Conflict):
        moderation.request(actor=head, message=comment, action="hide", reason="spam")


def test_a_refusal_of_the_network_is_recorded(head, second_head, comment, fake_adapter,
                                             django_capture_on_commit_callbacks):
    fake_adapter.moderate_fault = PermanentFailure("Nicht erlaubt")
    item = moderation.request(actor=head, message=comment, action="delete", reason="spam")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(actor=second_head, moderation=item)
    item.refresh_from_db()
    assert item.status == ModerationStatus.FAILED and "Nicht erlaubt" in item.last_error
    assert not Message.objects.get(pk=comment.pk).is_deleted


def test_the_pages_request_and_approve(client, head, second_head, comment, fake_adapter):
    client.force_login(head)
    client.post(reverse("inbox:request_moderation", kwargs={"pk": comment.pk}),
                {"action": "delete", "reason": "spam"})
    item = ModerationRequest.objects.get()
    assert client.post(reverse("inbox:decide_moderation", kwargs={"pk": item.pk}),
                       {"decision": "approve"}).status_code == 403
    client.force_login(second_head)
    client.post(reverse("inbox:decide_moderation", kwargs={"pk": item.pk}),
                {"decision": "reject"})
    assert ModerationRequest.objects.get().status == ModerationStatus.REJECTED


def test_the_admin_action_approves_for_a_second_person_only(client, head, comment,
                                                            comms_department, fake_adapter):
    from accounts.roles import Role
    from accounts.services import grant_membership

    item = moderation.request(actor=head, message=comment, action="hide", reason="spam")
    grant_membership(actor=None, user=head, department=comms_department, role=Role.ADMIN)
    head.is_staff = head.is_superuser = True
    head.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(head)
    url = reverse("admin:inbox_moderationrequest_changelist")
    client.post(url, {"action": "approve_moderations", "_selected_action": [item.pk]})
    assert ModerationRequest.objects.get(pk=item.pk).status == ModerationStatus.OPEN
