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


def test_it_offers_no_moderation_approval_in_the_admin(client, head, comment,
                                                       comms_department, fake_adapter):
    from accounts.roles import Role
    from accounts.services import grant_membership

    item = moderation.request(actor=head, message=comment, action="hide", reason="spam")
    grant_membership(actor=None, user=head, department=comms_department, role=Role.ADMIN)
    head.is_staff = head.is_superuser = True
    head.save(update_fields=["is_staff", "is_superuser"])
    client.force_login(head)
    url = reverse("admin:inbox_moderationrequest_changelist")
    assert "approve_moderations" not in client.get(url).content.decode()
    client.post(url, {"action": "approve_moderations", "_selected_action": [item.pk]})
    assert ModerationRequest.objects.get(pk=item.pk).status == ModerationStatus.OPEN


def _approved(head, second_head, comment):
    item = moderation.request(actor=head, message=comment, action="hide", reason="spam")
    # Approved, but the task is not run (captured callbacks are dropped).
    moderation.approve(actor=second_head, moderation=item)
    return item


def test_it_executes_once_when_the_task_runs_twice(head, second_head, comment, fake_adapter):
    item = _approved(head, second_head, comment)
    assert moderation.execute(item.pk) == "done"
    assert moderation.execute(item.pk) == "not-claimed"
    assert fake_adapter.moderated == [("c1", "hide")]
    assert AuditLogEntry.objects.filter(action="inbox.moderation.executed").count() == 1


def test_an_unexpected_error_ends_in_failed_not_stuck(head, second_head, comment, fake_adapter):
    fake_adapter.moderate_fault = ValueError("kaputt")
    item = _approved(head, second_head, comment)
    assert moderation.execute(item.pk) == "failed"
    item.refresh_from_db()
    assert item.status == ModerationStatus.FAILED
    assert "Unerwarteter Fehler" in item.last_error and "ValueError" in item.last_error
    assert AuditLogEntry.objects.filter(action="inbox.moderation.failed").count() == 1


def test_the_sweep_requeues_a_lost_or_stuck_moderation(
        head, second_head, comment, fake_adapter, settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from inbox.tasks import dispatch_replies

    item = _approved(head, second_head, comment)
    # Fresh: the task may still be on its way; the sweep leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_replies()["moderations_requeued"] == 0
    assert fake_adapter.moderated == []
    long_ago = timezone.now() - timedelta(hours=1)
    ModerationRequest.objects.filter(pk=item.pk).update(queued_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_replies()["moderations_requeued"] == 1
    assert fake_adapter.moderated == [("c1", "hide")]
    assert ModerationRequest.objects.get(pk=item.pk).status == ModerationStatus.DONE

    # A worker that died while executing: back to approved and executed again.
    other = conversation_of_second_comment(comment)
    stuck = moderation.request(actor=head, message=other, action="hide", reason="spam")
    moderation.approve(actor=second_head, moderation=stuck)
    ModerationRequest.objects.filter(pk=stuck.pk).update(
        status=ModerationStatus.EXECUTING, execution_started_at=long_ago)
    with django_capture_on_commit_callbacks(execute=True):
        assert dispatch_replies()["moderations_stuck"] == 1
    assert ModerationRequest.objects.get(pk=stuck.pk).status == ModerationStatus.DONE


def conversation_of_second_comment(comment):
    from django.utils import timezone

    return Message.objects.create(
        conversation=comment.conversation, channel_account=comment.channel_account,
        direction=comment.direction, kind=comment.kind, remote_id="c2",
        text="Noch ein Kommentar", created_at=timezone.now(),
    )
