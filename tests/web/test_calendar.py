"""The central calendar: events by permission and filters, moving posts, warnings, ICS."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from approvals import services as review
from channels_publish.models import Delivery, DeliveryStatus
from newsroom.models import CalendarFeedToken, Post, PostStatus, Tag
from newsroom.services import posts
from tests.factories import channel

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def _next_monday_at(hour: int = 10) -> datetime:
    today = timezone.localtime(timezone.now(), BERLIN).date()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime(monday.year, monday.month, monday.day, hour, tzinfo=BERLIN)


@pytest.fixture
def facebook(department):
    return channel("facebook", department, name="Facebook Umweltamt")


@pytest.fixture
def other_facebook(other_department):
    return channel("facebook", other_department, name="Facebook Verkehr")


@pytest.fixture
def x_account(department):
    return channel("x", department, name="X Umweltamt")


def _post(author, department, accounts, when, title="Baumpflanzaktion", **fields):
    return posts.create_post(
        actor=author, department=department,
        data=posts.PostData(
            title=title, body="Am Samstag pflanzen wir 100 Bäume im Stadtpark.",
            channel_account_ids=[a.pk for a in accounts], scheduled_at=when, **fields,
        ),
    )


def _approved(editor, head, department, accounts, when, **fields):
    post = _post(editor, department, accounts, when, **fields)
    review.submit_for_review(actor=editor, post=post)
    review.approve(actor=head, post=post)
    post.refresh_from_db()
    return post


def _bulk_posts(department, account, count, start):
    """Many posts fast (for query counts): plain rows plus their channel links."""
    created = Post.objects.bulk_create(
        Post(department=department, title=f"Beitrag {i}", status=PostStatus.SCHEDULED,
             scheduled_at=start + timedelta(hours=i % 200))
        for i in range(count)
    )
    Post.channel_accounts.through.objects.bulk_create(
        Post.channel_accounts.through(post_id=p.pk, channelaccount_id=account.pk)
        for p in created
    )
    return created


def _events(client, start, end, **params):
    response = client.get(reverse("newsroom:calendar_events"),
                          {"start": start.isoformat(), "end": end.isoformat(), **params})
    assert response.status_code == 200
    return response.json()


# --- Events -----------------------------------------------------------------------------------
def test_it_shows_an_editor_only_their_departments_posts(
    client, editor, other_editor, duty_editor, department, other_department, facebook,
    other_facebook,
):
    when = _next_monday_at()
    own = _post(editor, department, [facebook], when, title="Eigenes")
    other = _post(other_editor, other_department, [other_facebook], when, title="Fremdes")
    start, end = when - timedelta(days=1), when + timedelta(days=1)

    client.force_login(editor)
    assert [e["id"] for e in _events(client, start, end)] == [str(own.pk)]

    client.force_login(duty_editor)
    ids = {e["id"] for e in _events(client, start, end)}
    assert ids == {str(own.pk), str(other.pk)}


def test_an_event_carries_colour_networks_status_link_and_berlin_time(
    client, editor, department, facebook, x_account,
):
    department.colour = "#a4161a"
    department.save()
    when = _next_monday_at(9)
    post = _post(editor, department, [facebook, x_account], when)
    client.force_login(editor)
    [event] = _events(client, when - timedelta(days=1), when + timedelta(days=1))
    assert event["color"] == "#a4161a"
    assert event["contrastColor"] == "#ffffff"
    assert event["url"] == reverse("newsroom:post_detail", args=[post.pk])
    assert event["start"] == when.isoformat()  # +01:00 / +02:00, Berlin
    assert event["extendedProps"]["networks"] == ["facebook", "x"]
    assert event["extendedProps"]["status"] == "draft"
    assert event["extendedProps"]["statusLabel"] == "Entwurf"
    assert event["startEditable"] is True
    assert event["extendedProps"]["needsReview"] is False


def test_it_filters_by_department_network_status_and_tag(
    client, editor, duty_editor, department, other_department, other_editor, facebook,
    x_account, other_facebook,
):
    when = _next_monday_at()
    on_x = _post(editor, department, [x_account], when, title="Auf X", tags=["radwoche"])
    on_facebook = _post(editor, department, [facebook], when, title="Auf Facebook",
                        campaign="Stadtradeln")
    other = _post(other_editor, other_department, [other_facebook], when, title="Verkehr")
    Post.objects.filter(pk=other.pk).update(status=PostStatus.PUBLISHED)
    start, end = when - timedelta(days=1), when + timedelta(days=1)
    client.force_login(duty_editor)

    def ids(**params):
        return {int(e["id"]) for e in _events(client, start, end, **params)}

    assert ids(department=other_department.pk) == {other.pk}
    assert ids(network="x") == {on_x.pk}
    assert ids(channel=facebook.pk) == {on_facebook.pk}
    assert ids(status="published") == {other.pk}
    assert ids(status="draft") == {on_x.pk, on_facebook.pk}
    assert ids(tag="radwoche") == {on_x.pk}
    assert ids(tag="stadtradeln") == {on_facebook.pk}
    assert Tag.objects.filter(name="radwoche").exists()


def test_a_held_delivery_marks_the_post_held(client, editor, head, department, facebook):
    post = _approved(editor, head, department, [facebook], _next_monday_at())
    Delivery.objects.filter(post=post).update(status=DeliveryStatus.HELD)
    assert Delivery.objects.filter(post=post).exists()
    client.force_login(editor)
    start = _next_monday_at() - timedelta(days=1)
    [event] = _events(client, start, start + timedelta(days=2))
    assert event["extendedProps"]["status"] == "held"
    assert [e["id"] for e in _events(client, start, start + timedelta(days=2), status="held")]


def test_the_events_cost_the_same_for_10_and_100_posts(
    client, duty_editor, department, facebook, django_assert_max_num_queries,
):
    start = _next_monday_at(0)
    _bulk_posts(department, facebook, 10, start)
    client.force_login(duty_editor)
    end = start + timedelta(days=14)
    with django_assert_max_num_queries(10) as ten:
        assert len(_events(client, start, end)) == 10
    _bulk_posts(department, facebook, 90, start)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        assert len(_events(client, start, end)) == 100


def test_the_list_view_works_without_javascript_and_costs_the_same(
    client, duty_editor, department, facebook, django_assert_max_num_queries,
):
    start = _next_monday_at(0)
    _bulk_posts(department, facebook, 10, start)
    client.force_login(duty_editor)
    url = reverse("newsroom:calendar_list")
    params = {"from": start.date().isoformat()}
    with django_assert_max_num_queries(20) as ten:
        response = client.get(url, params)
    assert response.status_code == 200
    assert response.content.decode().count('class="calendar-item') == 10
    assert "<script>" not in response.content.decode()
    _bulk_posts(department, facebook, 90, start)
    with django_assert_max_num_queries(len(ten.captured_queries)):
        response = client.get(url, params)
    assert response.content.decode().count('class="calendar-item') == 100


def test_the_calendar_page_passes_data_through_attributes(client, editor, department):
    client.force_login(editor)
    response = client.get(reverse("newsroom:calendar"), {"network": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-events-url="/calendar/events.json"' in html
    assert 'data-query="network=x"' in html
    assert "vendor/fullcalendar/fullcalendar.global.js" in html
    assert " style=" not in html


# --- Moving -----------------------------------------------------------------------------------
def _move(client, post, when):
    return client.post(reverse("newsroom:calendar_move", args=[post.pk]),
                       {"start": when.isoformat(), "version": post.version})


def test_a_duty_editor_moves_an_approved_post_without_a_new_review(
    client, editor, head, duty_editor, department, facebook,
):
    post = _approved(editor, head, department, [facebook], _next_monday_at())
    client.force_login(duty_editor)
    check = client.get(reverse("newsroom:calendar_move_check", args=[post.pk])).json()
    assert check["needsReview"] is False
    new_time = _next_monday_at(15) + timedelta(days=1)
    response = _move(client, post, new_time)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ok"] is True and body["needsReview"] is False
    post.refresh_from_db()
    assert post.scheduled_at == new_time
    assert post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED)
    assert post.approved_by == head


def test_an_editors_move_of_an_approved_post_sends_it_back_to_review(
    client, editor, head, department, facebook,
):
    post = _approved(editor, head, department, [facebook], _next_monday_at())
    client.force_login(editor)
    [event] = _events(client, _next_monday_at() - timedelta(days=1),
                      _next_monday_at() + timedelta(days=1))
    assert event["extendedProps"]["needsReview"] is True
    response = _move(client, post, _next_monday_at(15) + timedelta(days=1))
    body = response.json()
    assert response.status_code == 200
    assert body["needsReview"] is True
    assert "erneut geprüft" in body["message"]
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_a_refused_move_answers_with_the_german_reason(client, editor, department, facebook):
    post = _post(editor, department, [facebook], _next_monday_at())
    client.force_login(editor)
    response = _move(client, post, timezone.now() - timedelta(hours=1))
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": "Die neue Zeit liegt in der Vergangenheit."}
    stale = client.post(reverse("newsroom:calendar_move", args=[post.pk]),
                        {"start": (_next_monday_at() + timedelta(days=2)).isoformat(),
                         "version": post.version + 5})
    assert stale.status_code == 409
    assert "geändert" in stale.json()["error"]


def test_another_departments_post_cannot_be_moved(client, editor, other_editor,
                                                   other_department):
    post = _post(other_editor, other_department, [], _next_monday_at())
    client.force_login(editor)
    assert _move(client, post, _next_monday_at() + timedelta(days=1)).status_code == 404


# --- Warnings ---------------------------------------------------------------------------------
def test_it_warns_about_a_crowded_channel(client, duty_editor, department, facebook):
    when = _next_monday_at(10)
    for minutes in (0, 10, 20, 30):
        _bulk_posts(department, facebook, 1, when + timedelta(minutes=minutes))
    client.force_login(duty_editor)
    response = client.get(reverse("newsroom:calendar_warnings"), {
        "start": when.date().isoformat(), "end": (when + timedelta(days=7)).date().isoformat(),
    })
    html = response.content.decode()
    assert "Facebook: Facebook Umweltamt ist überfüllt: 4 Beiträge" in html


def test_three_posts_an_hour_are_not_crowded(client, duty_editor, department, facebook):
    when = _next_monday_at(10)
    for minutes in (0, 10, 20, 70):
        _bulk_posts(department, facebook, 1, when + timedelta(minutes=minutes))
    client.force_login(duty_editor)
    html = client.get(reverse("newsroom:calendar_warnings"), {
        "start": when.date().isoformat(), "end": (when + timedelta(days=7)).date().isoformat(),
    }).content.decode()
    assert "überfüllt" not in html


def test_it_warns_about_a_department_without_plans_for_the_week(
    client, duty_editor, department, other_department, facebook,
):
    monday = _next_monday_at(10)
    _bulk_posts(department, facebook, 1, monday)
    client.force_login(duty_editor)
    html = client.get(reverse("newsroom:calendar_warnings"), {
        "start": monday.date().isoformat(),
        "end": (monday + timedelta(days=7)).date().isoformat(),
    }).content.decode()
    assert f"In der Woche ab {monday:%d.%m.%Y} hat nichts geplant" in html
    assert other_department.name in html
    assert "Umweltamt," not in html and "Umweltamt." not in html


# --- ICS ------------------------------------------------------------------------------------
def _subscribe(client):
    response = client.post(reverse("newsroom:calendar_feed_settings"), {"action": "create"})
    assert response.status_code == 200
    url = response.context["new_url"]
    assert url.startswith("http://testserver/calendar/ics/")
    return url.removeprefix("http://testserver")


def test_the_ics_feed_lists_visible_posts_without_their_text(
    client, editor, other_editor, department, other_department, facebook, other_facebook,
):
    when = _next_monday_at()
    own = _post(editor, department, [facebook], when, title="Baumpflanzaktion")
    _post(other_editor, other_department, [other_facebook], when, title="Fremdes")
    client.force_login(editor)
    url = _subscribe(client)
    client.logout()

    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["summary"]) == "Baumpflanzaktion [Entwurf]"
    assert event.decoded("dtstart") == when
    assert "Facebook" in str(event["description"])
    assert f"/posts/{own.pk}/" in str(event["url"])
    assert b"100 B" not in response.content  # the body text stays inside the newsroom


def test_a_revoked_or_unknown_token_is_not_found(client, editor):
    client.force_login(editor)
    url = _subscribe(client)
    token = CalendarFeedToken.objects.get(user=editor)
    assert token.token_hash not in url  # only the hash is stored
    client.post(reverse("newsroom:calendar_feed_settings"),
                {"action": "revoke", "token_id": token.pk})
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get("/calendar/ics/erfunden.ics").status_code == 404


def test_a_new_address_replaces_the_old(client, editor):
    client.force_login(editor)
    first = _subscribe(client)
    second = _subscribe(client)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_nobody_revokes_someone_elses_token(client, editor, other_editor):
    token, _secret = CalendarFeedToken.issue(other_editor)
    client.force_login(editor)
    response = client.post(reverse("newsroom:calendar_feed_settings"),
                           {"action": "revoke", "token_id": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None



def test_a_long_list_continues_on_the_next_page(client, duty_editor, department, facebook,
                                                monkeypatch):
    from newsroom.web import views_calendar

    monkeypatch.setattr(views_calendar, "LIST_LIMIT", 5)
    start = _next_monday_at(0)
    _bulk_posts(department, facebook, 8, start + timedelta(days=1))
    client.force_login(duty_editor)
    response = client.get(reverse("newsroom:calendar_list"), {"from": start.date().isoformat()})
    html = response.content.decode()
    assert html.count('class="calendar-item') == 5
    assert f"Weitere Beiträge ab {(start + timedelta(days=1)):%d.%m.%Y}" in html
