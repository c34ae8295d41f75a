"""The "not in the past" rule of moving a post lives in ``reschedule_post``; every door gets it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.errors import DomainError
from newsroom.models import AuditLogEntry
from newsroom.services import posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor, department):
    return posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Stadtfest", scheduled_at=timezone.now() + timedelta(days=2)))


def test_it_refuses_to_move_a_draft_into_the_past(editor, draft):
    before = draft.scheduled_at
    with pytest.raises(DomainError) as caught:
        posts.reschedule_post(actor=editor, post=draft,
                              scheduled_at=timezone.now() - timedelta(minutes=1))
    assert caught.value.field == "scheduled_at"
    assert caught.value.message == "Die neue Zeit liegt in der Vergangenheit."
    draft.refresh_from_db()
    assert draft.scheduled_at == before and draft.version == 1
    assert AuditLogEntry.for_object(draft).count() == 1  # only "created"


def test_it_moves_a_draft_to_a_future_time(editor, draft):
    later = timezone.now() + timedelta(days=5)
    moved = posts.reschedule_post(actor=editor, post=draft, scheduled_at=later)
    assert moved.scheduled_at == later


def test_the_calendar_answers_the_services_message_for_the_past(client, editor, draft):
    client.force_login(editor)
    past = timezone.now() - timedelta(hours=1)
    response = client.post(reverse("newsroom:calendar_move", args=[draft.pk]),
                           {"start": past.isoformat(), "version": draft.version})
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "Die neue Zeit liegt in der Vergangenheit."}
    draft.refresh_from_db()
    assert draft.scheduled_at > timezone.now()
