"""Topics: keywords of citizens' messages, hourly counts, surges and the duty editor's alert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from analytics.models import TopicCount, TopicSurge
from analytics.services import topics
from analytics.services.topics import CitizenMessage
from newsroom.models import Notification, NotificationKind

HOUR = datetime(2026, 6, 1, 10, tzinfo=UTC)


def test_it_normalises_keywords_and_drops_stop_words():
    found = topics.keywords_of(
        "Warum ist die Straßenbahn HEUTE schon wieder ausgefallen?? #ÖPNV @stadt "
        "https://example.org/a 2026 Straßenbahn!"
    )
    assert found == {"straßenbahn", "ausgefallen", "#öpnv"}


def test_it_keeps_hyphenated_words_and_ignores_short_ones():
    assert topics.keywords_of("Das E-Bike am Rad-Weg ok") == {"e-bike", "rad-weg"}


def test_it_counts_each_keyword_once_per_message_and_hour():
    messages = [
        CitizenMessage(HOUR + timedelta(minutes=5), "Hitze Hitze Hitze", 1, 7),
        CitizenMessage(HOUR + timedelta(minutes=50), "Die Hitze im Freibad", 2, 7),
        CitizenMessage(HOUR + timedelta(minutes=70), "Hitze", 3, 7),
        CitizenMessage(HOUR + timedelta(minutes=20), "Hitze", 2, None),
    ]
    counts = topics.hourly_counts(messages)
    assert counts[(HOUR, "hitze", 7)] == (2, [1, 2])
    assert counts[(HOUR + timedelta(hours=1), "hitze", 7)] == (1, [3])
    assert counts[(HOUR, "hitze", None)] == (1, [2])
    assert counts[(HOUR, "freibad", 7)] == (1, [2])


def test_a_surge_is_five_times_the_usual_hourly_volume():
    week = topics.BASELINE_HOURS
    history = {"hitze": week * 2, "baustelle": week * 1, "neu": 0}
    found = topics.surges({"hitze": 9, "baustelle": 5, "neu": 5, "selten": 4}, history, hour=HOUR)
    # hitze: 9 < 5 × 2; baustelle: 5 ≥ 5 × 1; neu: 5 ≥ 5 × floor; selten: below the minimum.
    assert [(s.keyword, s.count) for s in found] == [("baustelle", 5), ("neu", 5)]


@pytest.mark.django_db
def test_storing_hours_twice_stores_the_same(department):
    messages = [CitizenMessage(HOUR + timedelta(minutes=i), "Baustelle Ringstraße", i,
                               department.pk) for i in range(3)]
    topics.store_hours(HOUR, HOUR + timedelta(hours=1), messages)
    topics.store_hours(HOUR, HOUR + timedelta(hours=1), messages)
    rows = {(row.keyword, row.count) for row in TopicCount.objects.all()}
    assert rows == {("baustelle", 3), ("ringstraße", 3)}
    assert TopicCount.objects.get(keyword="baustelle").conversation_ids == [0, 1, 2]


@pytest.mark.django_db
def test_a_surge_alerts_the_duty_editors_once(duty_editor, editor, department, client):
    quiet = [CitizenMessage(HOUR - timedelta(hours=h), "Müllabfuhr", h, department.pk)
             for h in range(1, 25)]
    loud = [CitizenMessage(HOUR + timedelta(minutes=m), "Müllabfuhr kommt nicht", 100 + m,
                           department.pk) for m in range(8)]
    topics.store_hours(HOUR - timedelta(days=7), HOUR + timedelta(hours=1), quiet + loud)

    created = topics.detect_surges(HOUR)
    assert [(s.keyword, s.count) for s in created] == [("müllabfuhr", 8)]
    assert topics.detect_surges(HOUR) == []
    assert TopicSurge.objects.count() == 1
    alerts = Notification.objects.filter(kind=NotificationKind.TOPIC_SURGE)
    assert [n.recipient for n in alerts] == [duty_editor]
    assert "müllabfuhr" in alerts[0].message


@pytest.mark.django_db
def test_the_duty_dashboard_shows_a_recent_surge(duty_editor, client):
    from django.utils import timezone

    hour = topics.hour_of(timezone.now()) - timedelta(hours=1)
    TopicSurge.objects.create(keyword="#stromausfall", hour=hour, count=40, baseline=1.5)
    TopicSurge.objects.create(keyword="altes-thema", hour=hour - timedelta(days=2), count=40,
                              baseline=1.0)
    client.force_login(duty_editor)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "#stromausfall" in content
    assert "/analytics/topics/%23stromausfall/" in content
    assert "altes-thema" not in content
