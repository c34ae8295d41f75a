"""After a crisis: moving a held post obeys ``reschedule_post``'s rule, releasing it does not
need to (a post whose time passed during the crisis goes out now, keeping its planned time)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_publish.models import Delivery, DeliveryStatus
from crisis import services
from newsroom.errors import DomainError
from newsroom.models import AuditLogEntry

from . import bulk_due_posts, x_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(department, duty_editor, sandbox):
    account = x_account(department, sandbox, "x-umweltamt")
    [post] = bulk_due_posts(department, account, 1, prefix="Radweg",
                            due=timezone.now() - timedelta(hours=2))
    crisis = services.start_crisis(actor=duty_editor, reason="Unwetter", crisis_type="storm",
                                   all_channels=True)
    services.end_crisis(actor=duty_editor, crisis=crisis)
    return post


def test_releasing_a_post_whose_time_passed_makes_it_due_now(duty_editor, overdue):
    planned = overdue.scheduled_at
    before = timezone.now()
    assert services.release_held_post(actor=duty_editor, post=overdue) == 1
    delivery = Delivery.objects.get(post=overdue)
    assert delivery.status == DeliveryStatus.PENDING
    assert before <= delivery.next_attempt_at <= timezone.now()
    overdue.refresh_from_db()
    assert overdue.scheduled_at == planned


def test_moving_a_held_post_into_the_past_is_refused(duty_editor, overdue):
    with pytest.raises(DomainError) as caught:
        services.reschedule_held_post(actor=duty_editor, post=overdue,
                                      scheduled_at=timezone.now() - timedelta(minutes=5))
    assert caught.value.field == "scheduled_at"
    assert "Vergangenheit" in caught.value.message
    assert Delivery.objects.get(post=overdue).status == DeliveryStatus.HELD
    assert not AuditLogEntry.objects.filter(action="crisis.post.rescheduled").exists()
