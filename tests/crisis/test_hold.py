"""A crisis holds what is planned in its scope; afterwards each held post goes out exactly once
when a person confirms it, never by itself. The sandbox's record is the judge."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from channels_publish import dispatch
from channels_publish.adapters import adapter_for as real_adapter_for
from channels_publish.models import Delivery, DeliveryStatus
from crisis import services, tasks
from crisis.models import Crisis, CrisisStatus
from newsroom.errors import Conflict, InvalidState
from newsroom.models import AuditLogEntry, PostStatus

from . import bulk_due_posts, run_scheduler, run_until_idle, tweets, x_account

pytestmark = pytest.mark.django_db


def _start(actor, **scope):
    scope.setdefault("all_channels", not scope.get("department_ids"))
    return services.start_crisis(actor=actor, reason="Unwetter über der Stadt",
                                 crisis_type="storm", **scope)


def test_it_holds_500_due_deliveries_in_scope_and_sends_each_released_one_exactly_once(
    department, other_department, duty_editor, sandbox
):
    in_scope_account = x_account(department, sandbox, "x-umweltamt")
    other_account = x_account(other_department, sandbox, "x-verkehr")
    held_posts = bulk_due_posts(department, in_scope_account, 400, prefix="Umwelt")
    bulk_due_posts(other_department, other_account, 100, prefix="Verkehr")

    crisis = _start(duty_editor, department_ids=[department.pk])

    assert Delivery.objects.filter(status=DeliveryStatus.HELD, hold_reason="crisis").count() \
        == 400
    # The scheduler runs during the crisis: only the other department's posts go out.
    outcomes = run_until_idle()
    assert Counter(outcomes) == {"published": 100}
    sent = Counter(t["text"] for t in tweets(sandbox))
    assert len(sent) == 100 and set(sent.values()) == {1}
    assert all(text.startswith("Verkehr") for text in sent)

    services.end_crisis(actor=duty_editor, crisis=crisis)
    # Ended, but nothing goes out silently.
    assert run_until_idle() == []
    assert Delivery.objects.filter(status=DeliveryStatus.HELD).count() == 400

    released, cancelled = held_posts[:380], held_posts[380:]
    for post in released:
        assert services.release_held_post(actor=duty_editor, post=post) == 1
    for post in cancelled:
        assert services.cancel_held_post(actor=duty_editor, post=post) == 1
    # A second confirmation of the same post changes nothing.
    with pytest.raises(InvalidState):
        services.release_held_post(actor=duty_editor, post=released[0])

    assert Counter(run_until_idle()) == {"published": 380}
    assert run_until_idle() == []
    sent = Counter(t["text"] for t in tweets(sandbox))
    assert len(sent) == 480 and set(sent.values()) == {1}
    for post in released:
        assert sent[post.body] == 1
    for post in cancelled:
        assert post.body not in sent
        post.refresh_from_db()
        assert post.status == PostStatus.WITHDRAWN
    assert not Delivery.objects.filter(status=DeliveryStatus.HELD).exists()
    assert Delivery.objects.filter(status=DeliveryStatus.CANCELLED).count() == 20
    actions = Counter(AuditLogEntry.objects.filter(action__startswith="crisis.")
                      .values_list("action", flat=True))
    assert actions == {"crisis.crisis.started": 1, "crisis.crisis.ended": 1,
                       "crisis.post.released": 380, "crisis.post.cancelled": 20}


def test_it_does_not_send_a_queued_delivery_whose_worker_has_not_started(
    department, duty_editor, sandbox
):
    account = x_account(department, sandbox, "x-umweltamt")
    [_post] = bulk_due_posts(department, account, 1, prefix="Radweg")
    [delivery_id] = dispatch.claim_due()
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.QUEUED

    _start(duty_editor)

    assert dispatch.send(delivery_id) == "not-claimed"
    delivery = Delivery.objects.get(pk=delivery_id)
    assert delivery.status == DeliveryStatus.HELD and delivery.hold_reason == "crisis"
    assert tweets(sandbox) == []


def test_it_lets_a_delivery_that_is_already_sending_finish(
    department, duty_editor, sandbox, monkeypatch
):
    account = x_account(department, sandbox, "x-umweltamt")
    [_post] = bulk_due_posts(department, account, 1, prefix="Radweg")
    [delivery_id] = dispatch.claim_due()

    class StartsCrisisMidway:
        """The crisis is started while the worker talks to the network."""

        def __init__(self, adapter):
            self.adapter = adapter

        def publish(self, *args, **kwargs):
            _start(duty_editor)
            return self.adapter.publish(*args, **kwargs)

        def __getattr__(self, name):
            return getattr(self.adapter, name)

    monkeypatch.setattr(dispatch, "adapter_for",
                        lambda network: StartsCrisisMidway(real_adapter_for(network)))
    assert dispatch.send(delivery_id) == "published"
    assert Crisis.objects.active().exists()
    assert Delivery.objects.get(pk=delivery_id).status == DeliveryStatus.PUBLISHED
    assert len(tweets(sandbox)) == 1


def test_the_scheduler_skips_in_scope_deliveries_that_became_due_during_the_crisis(
    department, duty_editor, sandbox
):
    account = x_account(department, sandbox, "x-umweltamt")
    crisis = _start(duty_editor)
    # A delivery that slipped back to pending (e.g. a retry asked for during the crisis).
    [post] = bulk_due_posts(department, account, 1, prefix="Radweg")
    assert run_until_idle() == []
    services.end_crisis(actor=duty_editor, crisis=crisis)
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.HELD and delivery.hold_reason == "crisis"
    assert run_until_idle() == []


def test_a_post_approved_during_the_crisis_is_held_at_once(
    department, duty_editor, editor, head, sandbox
):
    from approvals import services as review
    from newsroom.services import posts

    account = x_account(department, sandbox, "x-umweltamt")
    _start(duty_editor)
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Stadtfest", body="Das Stadtfest beginnt.", channel_account_ids=[account.pk],
    ))
    review.submit_for_review(actor=editor, post=post)
    review.approve(actor=head, post=post)
    delivery = Delivery.objects.get(post=post)
    assert delivery.status == DeliveryStatus.HELD and delivery.hold_reason == "crisis"
    assert run_until_idle() == []


def test_the_database_forbids_two_active_crises(duty_editor, administrator):
    _start(duty_editor)
    with pytest.raises(Conflict):
        _start(administrator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Crisis.objects.create(reason="Zweite", type="other")


def test_only_duty_editors_and_administrators_start_a_crisis(head, editor, administrator):
    for person in (head, editor):
        with pytest.raises(PermissionDenied):
            _start(person)
    assert _start(administrator).status == CrisisStatus.ACTIVE


def test_starting_notifies_everyone_with_a_role_and_writes_the_audit_log(
    duty_editor, editor, head, other_editor, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from newsroom.models import Notification
    from tests.factories import UserFactory

    nobody = UserFactory(username="ohne-rolle")
    with django_capture_on_commit_callbacks(execute=True):
        crisis = _start(duty_editor)
    notified = set(Notification.objects.filter(kind="crisis").values_list("recipient", flat=True))
    assert {duty_editor.pk, editor.pk, head.pk, other_editor.pk} <= notified
    assert nobody.pk not in notified
    assert get_user_model().objects.count() > len(notified)
    entry = AuditLogEntry.objects.get(action="crisis.crisis.started")
    assert entry.object_id == str(crisis.pk)


def test_the_task_ends_a_crisis_at_its_planned_end_and_releases_nothing(
    department, duty_editor, sandbox
):
    account = x_account(department, sandbox, "x-umweltamt")
    [post] = bulk_due_posts(department, account, 1, prefix="Radweg")
    crisis = services.start_crisis(
        actor=duty_editor, reason="Bombenentschärfung Hauptbahnhof", crisis_type="bomb_disposal",
        planned_end_at=timezone.now() + timedelta(hours=2),
    )
    assert tasks.end_due_crises() == []
    Crisis.objects.filter(pk=crisis.pk).update(planned_end_at=timezone.now() - timedelta(seconds=1))

    assert tasks.end_due_crises() == [crisis.pk]

    crisis.refresh_from_db()
    assert crisis.status == CrisisStatus.ENDED and crisis.ended_by is None
    assert Delivery.objects.get(post=post).status == DeliveryStatus.HELD
    assert run_until_idle() == []
    assert tweets(sandbox) == []
    assert tasks.end_due_crises() == []


def _approved(editor, head, department, account, title, when):
    from approvals import services as review
    from newsroom.services import posts

    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title=title, body=f"{title}: alle Infos.", channel_account_ids=[account.pk],
        scheduled_at=when,
    ))
    review.submit_for_review(actor=editor, post=post)
    review.approve(actor=head, post=post)
    post.refresh_from_db()
    return post


def test_release_keeps_a_future_time_and_reschedule_moves_it(
    department, duty_editor, editor, head, sandbox
):
    account = x_account(department, sandbox, "x-umweltamt")
    later = timezone.now() + timedelta(hours=3)
    future = _approved(editor, head, department, account, "Später", later)
    moved = _approved(editor, head, department, account, "Verschoben",
                      timezone.now() + timedelta(minutes=30))
    crisis = _start(duty_editor)
    services.end_crisis(actor=duty_editor, crisis=crisis)

    services.release_held_post(actor=duty_editor, post=future)
    delivery = Delivery.objects.get(post=future)
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at == later

    new_time = timezone.now() + timedelta(hours=5)
    services.reschedule_held_post(actor=duty_editor, post=moved, scheduled_at=new_time)
    delivery = Delivery.objects.get(post=moved)
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at == new_time
    assert run_scheduler(at=later - timedelta(seconds=1)) == []
    assert sorted(run_scheduler(at=new_time + timedelta(seconds=1))) == ["published"] * 2
    moved.refresh_from_db()
    assert moved.status == PostStatus.PUBLISHED and moved.version == 1
    assert AuditLogEntry.objects.filter(action="crisis.post.rescheduled").count() == 1


def test_nothing_held_is_released_while_the_crisis_runs(department, duty_editor, sandbox):
    account = x_account(department, sandbox, "x-umweltamt")
    [post] = bulk_due_posts(department, account, 1, prefix="Radweg")
    _start(duty_editor)
    with pytest.raises(InvalidState):
        services.release_held_post(actor=duty_editor, post=post)


def test_a_head_confirms_only_posts_of_their_department(
    department, other_department, duty_editor, head, sandbox
):
    account = x_account(other_department, sandbox, "x-verkehr")
    [post] = bulk_due_posts(other_department, account, 1, prefix="Verkehr")
    crisis = _start(duty_editor)
    services.end_crisis(actor=duty_editor, crisis=crisis)
    with pytest.raises(PermissionDenied):
        services.release_held_post(actor=head, post=post)
