"""The post page's reschedule form: the same service as the calendar's drag and drop."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsroom.models import AuditLogEntry
from newsroom.services import posts
from newsroom.timezones import BERLIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(editor, department):
    return posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Baumpflanzaktion", scheduled_at=timezone.now() + timedelta(days=2)))


def test_it_moves_the_post_in_berlin_time(client, editor, draft):
    client.force_login(editor)
    page = client.get(reverse("newsroom:post_detail", args=[draft.pk]))
    assert 'id="reschedule-at"' in page.text
    new = timezone.localtime(timezone.now() + timedelta(days=6), BERLIN).replace(
        second=0, microsecond=0)
    response = client.post(reverse("newsroom:post_reschedule", args=[draft.pk]), {
        "scheduled_at": new.strftime("%Y-%m-%dT%H:%M"), "version": draft.version,
    }, follow=True)
    assert "Der Beitrag wurde verschoben." in response.text
    draft.refresh_from_db()
    assert draft.scheduled_at == new
    assert AuditLogEntry.for_object(draft).count() == 2  # created, then moved


def test_it_refuses_the_past_and_nonsense(client, editor, draft):
    client.force_login(editor)
    url = reverse("newsroom:post_reschedule", args=[draft.pk])
    past = timezone.localtime(timezone.now() - timedelta(days=1), BERLIN)
    response = client.post(url, {"scheduled_at": past.strftime("%Y-%m-%dT%H:%M")}, follow=True)
    assert "in der Vergangenheit" in response.text
    response = client.post(url, {"scheduled_at": "morgen"}, follow=True)
    assert "Bitte geben Sie Datum und Uhrzeit an" in response.text
    response = client.post(url, {"scheduled_at": ""}, follow=True)
    assert "gültigen neuen Termin" in response.text


def test_it_refuses_a_time_with_an_offset(client, editor, draft):
    """The form takes Berlin wall-clock time only, as the browser's datetime-local sends it."""
    client.force_login(editor)
    before = draft.scheduled_at
    later = timezone.now() + timedelta(days=6)
    response = client.post(reverse("newsroom:post_reschedule", args=[draft.pk]), {
        "scheduled_at": later.strftime("%Y-%m-%dT%H:%M+05:00")}, follow=True)
    assert "Bitte geben Sie Datum und Uhrzeit an" in response.text
    draft.refresh_from_db()
    assert draft.scheduled_at == before


def test_it_explains_a_time_lost_to_daylight_saving(client, editor, draft):
    client.force_login(editor)
    year = timezone.localtime(timezone.now(), BERLIN).year + 1
    # The last Sunday of March: 02:30 does not exist in Berlin.
    from datetime import date

    day = max(date(year, 3, d) for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    response = client.post(reverse("newsroom:post_reschedule", args=[draft.pk]), {
        "scheduled_at": f"{day.isoformat()}T02:30"}, follow=True)
    assert "gibt es am" in response.text
