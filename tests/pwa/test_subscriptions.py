"""A push subscription belongs to one person and ends with their login, their account or the
push service's say-so."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from accounts.signals import user_deactivated
from newsroom.audit import AuditLogEntry
from newsroom.models import NotificationKind
from newsroom.notifications import notify
from pwa.models import PushSubscription

pytestmark = pytest.mark.django_db


def _login(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("pwa:settings"))  # sets the CSRF cookie, as the page would
    return client


def _post_json(client, name, data, *, csrf=True):
    headers = {"X-CSRFToken": client.cookies["csrftoken"].value} if csrf else {}
    return client.post(reverse(name), json.dumps(data), content_type="application/json",
                       headers=headers)


def test_it_subscribes_this_device_for_the_signed_in_person(editor, new_device):
    device = new_device()
    client = _login(editor)
    response = _post_json(client, "pwa:subscribe", {"endpoint": device.endpoint,
                                                    "keys": device.keys()})
    assert response.status_code == 201
    subscription = PushSubscription.objects.get()
    assert subscription.user == editor and subscription.endpoint == device.endpoint
    assert AuditLogEntry.objects.filter(action="pwa.subscription.created", actor=editor).exists()


def test_it_refuses_a_subscription_without_the_csrf_token(editor, new_device):
    device = new_device()
    client = _login(editor)
    response = _post_json(client, "pwa:subscribe",
                          {"endpoint": device.endpoint, "keys": device.keys()}, csrf=False)
    assert response.status_code == 403
    assert not PushSubscription.objects.exists()


def test_it_refuses_a_subscription_without_keys_or_with_a_bad_endpoint(editor, new_device):
    device = new_device()
    client = _login(editor)
    assert _post_json(client, "pwa:subscribe", {"endpoint": device.endpoint}).status_code == 400
    assert _post_json(client, "pwa:subscribe", {"endpoint": "javascript:alert(1)",
                                                "keys": device.keys()}).status_code == 400
    assert not PushSubscription.objects.exists()


def test_it_gives_a_browser_to_the_person_who_subscribed_it_last(editor, head, new_device):
    device = new_device(editor)
    keys = device.keys()
    from pwa import services

    services.subscribe(actor=head, endpoint=device.endpoint, p256dh=keys["p256dh"],
                       auth=keys["auth"])
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [head.pk]


def test_it_unsubscribes_only_the_persons_own_device(editor, head, new_device):
    own = new_device(editor)
    someone_elses = new_device(head)
    client = _login(editor)
    response = _post_json(client, "pwa:unsubscribe", {"endpoint": someone_elses.endpoint})
    assert response.json() == {"subscribed": False, "removed": False}
    response = _post_json(client, "pwa:unsubscribe", {"endpoint": own.endpoint})
    assert response.json() == {"subscribed": False, "removed": True}
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [head.pk]


def test_logging_out_removes_the_subscription_of_this_login_only(editor, new_device):
    phone = new_device()
    client = _login(editor)
    _post_json(client, "pwa:subscribe", {"endpoint": phone.endpoint, "keys": phone.keys()})
    desktop = new_device(editor, session_token="another-login")
    client.post(reverse("accounts:logout"),
                headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        desktop.endpoint
    ]
    assert AuditLogEntry.objects.filter(action="pwa.subscription.removed").count() == 1


def test_deactivation_removes_every_device_of_the_person(editor, head, new_device):
    new_device(editor)
    new_device(editor, session_token="tablet")
    colleague = new_device(head)
    editor.is_active = False
    editor.save(update_fields=["is_active"])
    user_deactivated.send(sender=type(editor), user=editor)
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [
        colleague.endpoint
    ]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_forgot_is_removed(
    editor, new_device, push_service, django_capture_on_commit_callbacks, status
):
    gone = new_device(editor)
    alive = new_device(editor, session_token="second")
    push_service.answers[gone.path] = status
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[editor], kind=NotificationKind.CONVERSATION_ASSIGNED,
               message="Eine Unterhaltung wurde Ihnen zugewiesen.", url="/inbox/")
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [alive.endpoint]
    assert len(alive.messages()) == 1
    alive.subscription.refresh_from_db()
    assert alive.subscription.last_success_at is not None


def test_an_unreachable_device_does_not_stop_the_others(
    editor, new_device, push_service, django_capture_on_commit_callbacks
):
    broken = new_device(editor)
    fine = new_device(editor, session_token="second")
    push_service.answers[broken.path] = 500
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[editor], kind=NotificationKind.CONVERSATION_ASSIGNED,
               message="Eine Unterhaltung wurde Ihnen zugewiesen.", url="/inbox/")
    assert len(fine.messages()) == 1
    assert PushSubscription.objects.count() == 2  # a server error is no reason to forget it


def test_the_same_push_task_twice_pushes_once(
    editor, new_device, django_capture_on_commit_callbacks
):
    from pwa.tasks import push_notification

    device = new_device(editor)
    with django_capture_on_commit_callbacks(execute=True):
        [notification] = notify(recipients=[editor], kind=NotificationKind.CONVERSATION_ASSIGNED,
                                message="Zugewiesen.", url="/inbox/")
    assert push_notification(notification.pk) == "done"
    assert len(device.messages()) == 1


def test_the_deactivation_service_removes_the_devices(editor, comms_department, new_device):
    from accounts.roles import Role
    from accounts.services import deactivate_user
    from tests.factories import member

    new_device(editor)
    administrator = member(Role.ADMIN, comms_department, username="verwaltung", is_staff=True)
    assert deactivate_user(administrator, editor)
    assert not PushSubscription.objects.exists()
    entry = AuditLogEntry.objects.get(action="pwa.subscription.removed")
    assert entry.actor == administrator and entry.data["reason"] == "deaktiviert"


def test_sessions_ended_elsewhere_take_their_devices_along(editor, new_device):
    from importlib import import_module

    from django.conf import settings

    from pwa import services

    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended_session = store()
    ended_token = services.session_token(ended_session)
    ended_session.create()
    ended = new_device(editor, session_token=ended_token)
    kept = new_device(editor, session_token="diese-sitzung")
    assert services.remove_for_sessions([ended_session.session_key, None], actor=editor) == 1
    assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [kept.endpoint]
    assert ended.endpoint not in str(AuditLogEntry.objects.values_list("data", flat=True))


def test_a_changed_session_key_still_finds_the_device_at_logout(editor, new_device):
    client = _login(editor)
    device = new_device()
    _post_json(client, "pwa:subscribe", {"endpoint": device.endpoint, "keys": device.keys()})
    session = client.session
    old_key = session.session_key
    session.cycle_key()  # what a password change or a second login step does
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert session.session_key != old_key
    client.post(reverse("accounts:logout"),
                headers={"X-CSRFToken": client.cookies["csrftoken"].value})
    assert not PushSubscription.objects.exists()


def test_logging_out_everywhere_else_takes_the_other_devices_along(editor, new_device):
    from accounts.sessions import end_other_sessions

    phone = _login(editor)
    device = new_device()
    _post_json(phone, "pwa:subscribe", {"endpoint": device.endpoint, "keys": device.keys()})
    desk = _login(editor)
    assert PushSubscription.objects.count() == 1

    assert end_other_sessions(actor=editor, current_key=desk.session.session_key) >= 1

    assert not PushSubscription.objects.exists()
