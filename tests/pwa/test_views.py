"""The app's pages: manifest, service worker, offline page, settings, today's timeline."""

import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from channels_publish.models import Delivery, DeliveryStatus
from newsroom.audit import AuditLogEntry
from newsroom.models import NotificationKind, Post, PostStatus
from pwa.models import NotificationPreference, PushSubscription, QuietHours
from tests.factories import channel, member

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_it_serves_a_manifest_chromium_can_install(client):
    response = client.get(reverse("pwa:manifest"))
    assert response["Content-Type"].startswith("application/manifest+json")
    data = json.loads(response.content)
    assert data["name"] == "Newsroom der Stadtverwaltung" and data["lang"] == "de"
    assert data["start_url"] == "/" and data["scope"] == "/" and data["display"] == "standalone"
    assert data["theme_color"].startswith("#")
    sizes = {(icon["sizes"], icon["purpose"]) for icon in data["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_icons_are_generated_in_every_size(tmp_path):
    from PIL import Image

    call_command("make_app_icons", target=str(tmp_path), verbosity=0)
    expected = {"icon-192.png": 192, "icon-512.png": 512, "maskable-192.png": 192,
                "maskable-512.png": 512, "apple-touch-icon-180.png": 180, "favicon-32.png": 32}
    for name, size in expected.items():
        with Image.open(tmp_path / name) as icon:
            assert icon.size == (size, size)
    with Image.open(tmp_path / "apple-touch-icon-180.png") as apple:
        assert apple.mode == "RGB"  # iOS paints transparency black
    with Image.open(tmp_path / "maskable-512.png") as maskable:
        # The safe zone's edge is plain background: the picture sits well inside it.
        assert maskable.getpixel((60, 256)) == maskable.getpixel((5, 5))


def test_the_service_worker_controls_the_whole_site_and_caches_no_pages(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.content.decode()
    assert '"/app/offline/"' in body and "/static/css/app.css" in body
    assert 'credentials: "omit"' in body
    assert "notificationclick" in body and "showNotification" in body


def test_the_offline_page_names_nobody(client, editor):
    client.force_login(editor)
    response = client.get(reverse("pwa:offline"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Keine Verbindung" in content
    assert editor.username not in content and str(editor) not in content
    assert "Abmelden" not in content


def test_every_page_links_the_manifest_and_registers_the_worker(client, editor):
    client.force_login(editor)
    content = client.get(reverse("pwa:settings")).content.decode()
    assert 'rel="manifest" href="/app/manifest.webmanifest"' in content
    assert "pwa/register.js" in content and "apple-touch-icon" in content


def test_the_settings_page_saves_channels_and_quiet_hours(client, editor):
    client.force_login(editor)
    page = client.get(reverse("pwa:settings"))
    assert page.status_code == 200
    assert "Push auf diesem Gerät einschalten" in page.content.decode()
    data = {f"push-{kind}": "on" for kind in NotificationKind.values}
    data.update({f"email-{kind}": "on" for kind in NotificationKind.values})
    del data["push-review_requested"]
    del data["email-crisis"]
    data.update({"quiet_from": "22:00", "quiet_until": "06:30"})
    response = client.post(reverse("pwa:settings"), data)
    assert response.status_code == 302
    rows = {row.kind: (row.push, row.email)
            for row in NotificationPreference.objects.filter(user=editor)}
    assert rows["review_requested"] == (False, True) and rows["crisis"] == (True, False)
    assert rows["post_approved"] == (True, True)
    quiet = QuietHours.objects.get(user=editor)
    assert (quiet.starts, quiet.ends) == (time(22, 0), time(6, 30))
    assert AuditLogEntry.objects.filter(action="pwa.preferences.changed").exists()

    data.update({"quiet_from": "", "quiet_until": ""})
    client.post(reverse("pwa:settings"), data)
    assert not QuietHours.objects.filter(user=editor).exists()


def test_half_a_quiet_time_is_refused(client, editor):
    client.force_login(editor)
    response = client.post(reverse("pwa:settings"), {"quiet_from": "22:00"}, follow=True)
    assert "Beginn und Ende der Ruhezeit" in response.content.decode()
    assert not QuietHours.objects.exists()


def test_the_settings_page_lists_the_persons_devices_only(client, editor, head, new_device):
    new_device(editor)
    new_device(head)
    client.force_login(editor)
    response = client.get(reverse("pwa:settings"))
    assert list(response.context["devices"]) == list(PushSubscription.objects.filter(user=editor))


def _post(department, title, *, at, status=PostStatus.SCHEDULED, is_crisis=False):
    return Post.objects.create(department=department, title=title, status=status,
                               scheduled_at=at, is_crisis=is_crisis)


def _today_at(hour, minute=0):
    day = timezone.localdate(timezone.now(), BERLIN)
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def test_today_shows_the_days_posts_of_the_persons_departments_in_berlin_time(
    client, editor, department, other_department
):
    facebook = channel("facebook", department)
    late = _post(department, "Abendmeldung", at=_today_at(23, 30))
    early = _post(department, "Frühmeldung", at=_today_at(0, 15))
    early.channel_accounts.add(facebook)
    _post(department, "Morgen", at=_today_at(0, 0) + timedelta(days=1))
    _post(department, "Gestern", at=_today_at(0, 0) - timedelta(minutes=1))
    _post(department, "Zurückgezogen", at=_today_at(12), status=PostStatus.WITHDRAWN)
    _post(other_department, "Fremdes Amt", at=_today_at(12))
    immediate = _post(department, "Sofort veröffentlicht", at=None,
                      status=PostStatus.PUBLISHED)
    Delivery.objects.create(post=immediate, channel_account=facebook, post_version=1,
                            due_at=_today_at(9), next_attempt_at=_today_at(9),
                            status=DeliveryStatus.PUBLISHED, published_at=_today_at(9, 5))
    client.force_login(editor)
    response = client.get(reverse("pwa:today"))
    assert [row["post"].title for row in response.context["rows"]] == [
        "Frühmeldung", "Sofort veröffentlicht", "Abendmeldung",
    ]
    content = response.content.decode()
    assert ">00:15<" in content and ">09:05<" in content and ">23:30<" in content
    assert f'href="/posts/{late.pk}/"' in content and "Facebook" in content


def test_today_links_posts_in_review_to_the_review_page(client, head, department):
    post = _post(department, "Zur Freigabe", at=_today_at(12), status=PostStatus.IN_REVIEW)
    client.force_login(head)
    assert f'href="/review/{post.pk}/"' in client.get(reverse("pwa:today")).content.decode()


def test_today_costs_the_same_queries_however_many_posts(client, duty_editor, department):
    accounts = [channel("facebook", department), channel("x", department)]
    client.force_login(duty_editor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("pwa:today")).status_code == 200
        return len(queries)

    for number in range(3):
        _post(department, f"Meldung {number}", at=_today_at(10)).channel_accounts.set(accounts)
    few = count()
    for number in range(20):
        _post(department, f"Weitere {number}", at=_today_at(11)).channel_accounts.set(accounts)
    assert count() == few


def test_admin_removes_a_device_through_the_service(client, comms_department, editor, new_device):
    device = new_device(editor)
    administrator = member(Role.ADMIN, comms_department, username="verwaltung", is_staff=True)
    client.force_login(administrator)
    url = reverse("admin:pwa_pushsubscription_delete", args=[device.subscription.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not PushSubscription.objects.exists()
    entry = AuditLogEntry.objects.get(action="pwa.subscription.removed")
    assert entry.actor == administrator


def test_the_settings_page_costs_the_same_with_one_or_five_devices(client, editor, new_device):
    new_device(editor)
    client.force_login(editor)
    client.get(reverse("pwa:settings"))  # session and access warmed up
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("pwa:settings"))
    for _ in range(4):
        new_device(editor)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("pwa:settings"))
    assert len(five) == len(one)
    endpoints = PushSubscription.objects.filter(user=editor).values_list("endpoint", flat=True)
    assert len(endpoints) == 5
    assert all(endpoint in page.content.decode() for endpoint in endpoints)
