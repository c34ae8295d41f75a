"""Each event pushes exactly one message to exactly the right people, and nothing more than a
title goes onto a lock screen."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from channels_publish import dispatch
from crisis import services as crisis_services
from newsroom.models import Notification, NotificationKind
from newsroom.notifications import notify
from newsroom.services import posts
from pwa import services
from pwa.models import PushReceipt, QuietHours
from tests.factories import channel, member

pytestmark = pytest.mark.django_db

BODY = "Geheimer Entwurf: Die Sperrung der Brücke beginnt am Montag um 6 Uhr."
TITLE = "Brückensperrung"


@pytest.fixture
def people(department, other_department, comms_department, new_device):
    """Everyone with one phone each: who gets what is read off the phones."""
    cast = {
        "editor": member(Role.EDITOR, department, username="redakteurin"),
        "head": member(Role.HEAD, department, username="amtsleitung"),
        "second_head": member(Role.HEAD, department, username="stellvertretung"),
        "other_head": member(Role.HEAD, other_department, username="fremde-leitung"),
        "duty_editor": member(Role.DUTY_EDITOR, comms_department, username="cvd"),
        "second_duty_editor": member(Role.DUTY_EDITOR, comms_department, username="cvd2"),
        "community": member(Role.COMMUNITY, department, username="community"),
    }
    return {name: (user, new_device(user)) for name, user in cast.items()}


def received(people) -> dict[str, list[dict]]:
    return {name: device.messages() for name, (_user, device) in people.items()
            if device.messages()}


@pytest.fixture
def draft(people, department):
    editor = people["editor"][0]
    account = channel("facebook", department, name="Stadt auf Facebook")
    return posts.create_post(actor=editor, department=department, data=posts.PostData(
        title=TITLE, body=BODY, channel_account_ids=[account.pk],
        scheduled_at=timezone.now() + timedelta(days=1),
    ))


def _assert_no_secret(messages):
    for message in messages:
        assert BODY not in str(message) and "Sperrung der Brücke beginnt" not in str(message)
        assert set(message) == {"title", "body", "url", "tag"}


def test_a_post_waiting_for_review_reaches_the_departments_heads(
    people, draft, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review.submit_for_review(actor=people["editor"][0], post=draft)
    got = received(people)
    assert set(got) == {"head", "second_head"}
    for messages in got.values():
        assert messages == [{
            "title": "Beitrag wartet auf Freigabe", "body": TITLE,
            "url": f"/review/{draft.pk}/", "tag": messages[0]["tag"],
        }]
    _assert_no_secret([message for messages in got.values() for message in messages])


def test_approval_and_requested_changes_reach_the_author(
    people, draft, django_capture_on_commit_callbacks
):
    editor, head = people["editor"][0], people["head"][0]
    review.submit_for_review(actor=editor, post=draft)
    with django_capture_on_commit_callbacks(execute=True):
        review.request_changes(actor=head, post=draft, comment="Bitte die Uhrzeit prüfen.")
    assert {name: [m["title"] for m in got] for name, got in received(people).items()} == {
        "editor": ["Änderungen erbeten"],
    }
    message = people["editor"][1].messages()[0]
    assert message["url"] == f"/posts/{draft.pk}/" and message["body"] == TITLE
    assert "Uhrzeit" not in str(message)  # the comment stays in the app

    review.submit_for_review(actor=editor, post=draft)
    with django_capture_on_commit_callbacks(execute=True):
        review.approve(actor=head, post=draft)
    assert [m["title"] for m in people["editor"][1].messages()] == [
        "Änderungen erbeten", "Beitrag freigegeben",
    ]
    assert set(received(people)) == {"editor"}


def test_crisis_start_and_end_reach_every_member_once(people, django_capture_on_commit_callbacks):
    duty_editor = people["duty_editor"][0]
    with django_capture_on_commit_callbacks(execute=True):
        crisis = crisis_services.start_crisis(actor=duty_editor, reason="Unwetter",
                                              crisis_type="storm")
    got = received(people)
    assert set(got) == set(people)
    assert all(len(messages) == 1 and messages[0]["title"] == "Krise"
               and messages[0]["url"] == f"/crisis/{crisis.pk}/" for messages in got.values())

    with django_capture_on_commit_callbacks(execute=True):
        crisis_services.end_crisis(actor=duty_editor, crisis=crisis)
    got = received(people)
    assert all(len(messages) == 2 for messages in got.values()) and set(got) == set(people)
    assert got["editor"][1]["url"] == f"/crisis/{crisis.pk}/held/"
    # Crisis alerts ask the push service to wake the phone at once.
    sent = people["head"][1].service.for_path(people["head"][1].path)
    assert [item["headers"]["urgency"] for item in sent] == ["high", "high"]


class _Failing:
    """An adapter whose network refuses the post for good, or whose answer never arrives."""

    def __init__(self, error):
        self.error = error

    def find_published(self, config, request):
        return None

    def publish(self, config, request, state, save_state):
        raise self.error


@pytest.fixture
def approved(people, draft, monkeypatch):
    review.submit_for_review(actor=people["editor"][0], post=draft)
    review.approve(actor=people["head"][0], post=draft)
    monkeypatch.setattr(dispatch, "build_request", lambda delivery: None)
    monkeypatch.setattr(dispatch, "account_config", lambda account: None)
    return draft


def _send_due(post):
    [delivery_id] = dispatch.claim_due(now=post.scheduled_at + timedelta(minutes=1))
    return dispatch.send(delivery_id)


def test_a_failed_delivery_reaches_the_duty_editors_once(
    people, approved, monkeypatch, django_capture_on_commit_callbacks
):
    from channels_publish.adapters.base import PermanentFailure

    monkeypatch.setattr(dispatch, "adapter_for", lambda network: _Failing(
        PermanentFailure("Das Netzwerk lehnt den Beitrag ab.")))
    before = {name: len(device.messages()) for name, (_u, device) in people.items()}
    with django_capture_on_commit_callbacks(execute=True):
        assert _send_due(approved) == "failed"
    new = {name: device.messages()[before[name]:] for name, (_u, device) in people.items()}
    assert {name for name, messages in new.items() if messages} == {
        "duty_editor", "second_duty_editor"
    }
    for name in ("duty_editor", "second_duty_editor"):
        assert new[name] == [{"title": "Veröffentlichung fehlgeschlagen", "body": TITLE,
                              "url": f"/posts/{approved.pk}/", "tag": new[name][0]["tag"]}]


def test_an_unknown_outcome_reaches_the_duty_editors_when_retries_stop(
    people, approved, monkeypatch, settings, django_capture_on_commit_callbacks
):
    from channels_publish.adapters.base import OutcomeUnknown

    settings.NEWSROOM_MAX_DELIVERY_ATTEMPTS = 2
    monkeypatch.setattr(dispatch, "adapter_for", lambda network: _Failing(
        OutcomeUnknown("Keine Antwort vom Netzwerk.")))
    kind = NotificationKind.DELIVERY_UNKNOWN
    with django_capture_on_commit_callbacks(execute=True):
        assert _send_due(approved) == "outcome_unknown"
    assert not Notification.objects.filter(kind=kind).exists()  # it tries again by itself
    with django_capture_on_commit_callbacks(execute=True):
        assert _send_due(approved) == "outcome_unknown"
    assert sorted(Notification.objects.filter(kind=kind).values_list(
        "recipient__username", flat=True)) == ["cvd", "cvd2"]
    pushed = [m for m in people["duty_editor"][1].messages()
              if m["title"] == "Veröffentlichung unklar"]
    assert len(pushed) == 1 and pushed[0]["body"] == TITLE


def test_any_other_kind_is_pushed_without_its_message(people, django_capture_on_commit_callbacks):
    community, device = people["community"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[community], kind=NotificationKind.CONVERSATION_OVERDUE,
               message="Frau M. wartet seit 3 Tagen: „Meine Adresse ist Hauptstraße 5“",
               url="/inbox/conversations/7/")
    assert device.service.for_path(device.path)[0]["headers"]["urgency"] == "normal"
    assert device.messages() == [{"title": "Unterhaltung wartet zu lange", "body": "",
                                  "url": "/inbox/conversations/7/",
                                  "tag": device.messages()[0]["tag"]}]
    assert set(received(people)) == {"community"}


def _quiet_now(user):
    now = timezone.localtime(timezone.now())
    QuietHours.objects.create(user=user, starts=(now - timedelta(hours=1)).time(),
                              ends=(now + timedelta(hours=1)).time())


def test_quiet_hours_hold_back_pushes_but_not_crisis_alerts(
    people, draft, django_capture_on_commit_callbacks
):
    head, device = people["head"]
    _quiet_now(head)
    with django_capture_on_commit_callbacks(execute=True):
        review.submit_for_review(actor=people["editor"][0], post=draft)
    assert device.messages() == []
    assert people["second_head"][1].messages()  # only the resting person is spared
    assert PushReceipt.objects.get(notification__recipient=head).outcome == "quiet"
    assert Notification.objects.filter(recipient=head).count() == 1  # the bell still has it

    with django_capture_on_commit_callbacks(execute=True):
        crisis_services.start_crisis(actor=people["duty_editor"][0], reason="Brand",
                                     crisis_type="fire")
    assert [m["title"] for m in device.messages()] == ["Krise"]


def test_quiet_hours_may_span_midnight():
    from datetime import datetime, time
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    night = QuietHours(starts=time(22, 0), ends=time(6, 30))
    assert night.covers(datetime(2026, 3, 1, 23, 0, tzinfo=berlin))
    assert night.covers(datetime(2026, 3, 2, 6, 29, tzinfo=berlin))
    assert not night.covers(datetime(2026, 3, 2, 6, 30, tzinfo=berlin))
    # 21:30 UTC in winter is 22:30 in Berlin.
    assert night.covers(datetime(2026, 3, 1, 21, 30, tzinfo=ZoneInfo("UTC")))
    assert not night.covers(datetime(2026, 3, 1, 12, 0, tzinfo=berlin))


def test_switched_off_channels_are_honoured_for_push_and_email(
    people, draft, django_capture_on_commit_callbacks
):
    head, head_device = people["head"]
    second, second_device = people["second_head"]
    kind = NotificationKind.REVIEW_REQUESTED
    services.save_preferences(actor=head, choices={kind: services.Channels(push=False,
                                                                           email=True)},
                              quiet_from=None, quiet_until=None)
    services.save_preferences(actor=second, choices={kind: services.Channels(push=True,
                                                                             email=False)},
                              quiet_from=None, quiet_until=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.submit_for_review(actor=people["editor"][0], post=draft)
    assert head_device.messages() == [] and len(second_device.messages()) == 1
    assert [message.to for message in mail.outbox] == [[head.email]]


def test_a_crisis_message_reaches_the_rest_of_the_crisis_team(
    people, comms_department, django_capture_on_commit_callbacks, new_device
):
    comms_head = member(Role.HEAD, comms_department, username="leitung-kommunikation")
    administrator = member(Role.ADMIN, comms_department, username="administration")
    team = {"comms_head": comms_head, "admin": administrator}
    phones = {name: new_device(user) for name, user in team.items()}
    author = people["duty_editor"][0]
    account = channel("facebook", comms_department, name="Stadt Krisenkanal")
    crisis = crisis_services.start_crisis(actor=author, reason="Hochwasser",
                                          crisis_type="storm")
    with django_capture_on_commit_callbacks(execute=True):
        post = crisis_services.compose_crisis_message(
            author, crisis, "Bitte meiden Sie das Rheinufer.", [account.pk]
        )
    asked = {name for name, (_u, device) in people.items()
             if any(m["title"] == "Beitrag wartet auf Freigabe" for m in device.messages())}
    asked |= {name for name, device in phones.items()
              if any(m["title"] == "Beitrag wartet auf Freigabe" for m in device.messages())}
    assert asked == {"second_duty_editor", "comms_head", "admin"}
    [message] = phones["comms_head"].messages()
    assert message["body"] == post.title and "Rheinufer" not in str(message)
