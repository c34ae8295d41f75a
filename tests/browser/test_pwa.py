"""The installable app in Chromium: installability, the offline page, and the phone flows
(today's timeline, a notification's deep link through the login to the exact item)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, channel, member

from .conftest import CHROMIUM, CHROMIUM_ARGS, _missing_browser, login
from .test_review_phone import (
    SCREENSHOTS,
    phone,  # noqa: F401 (the 375×812 touch screen fixture)
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _icons():
    # `make setup` generates them; a fresh checkout running only the tests needs them too.
    call_command("make_app_icons", verbosity=0)


@pytest.fixture
def profile_page(tmp_path):
    """A page in a real (persistent) profile: Chromium never offers to install in incognito,
    which is what an ordinary Playwright context is."""
    if not CHROMIUM.exists():
        _missing_browser(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
            locale="de-DE", timezone_id="Europe/Berlin",
        )
        context.grant_permissions(["notifications"])
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on(
            "console",
            lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None,
        )
        yield page
        context.close()
    assert not errors, errors


def _wait_for_worker(page):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()  # the first load is not yet controlled by the fresh worker
        page.wait_for_function("Boolean(navigator.serviceWorker.controller)")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_chromium_finds_the_app_installable_and_shows_the_offline_page(profile_page,
                                                                       live_server):
    page = profile_page
    editor = member(Role.EDITOR, DepartmentFactory(number="57", name="Umweltamt"),
                    username="installiert")
    page.goto(f"{live_server.url}/accounts/login/")
    _wait_for_worker(page)
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert not manifest.get("errors"), manifest.get("errors")
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    # A push message reaching the worker becomes a notification with its deep link.
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    scope = f"{live_server.url}/"
    for _attempt in range(50):
        if any(r["scopeURL"] == scope and not r.get("isDeleted") for r in registrations):
            break
        page.wait_for_timeout(100)
    registration = next(r for r in reversed(registrations)
                        if r["scopeURL"] == scope and not r.get("isDeleted"))
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server.url, "registrationId": registration["registrationId"],
        "data": '{"title": "Beitrag wartet auf Freigabe", "body": "Radwoche", '
                '"url": "/review/7/", "tag": "newsroom-1"}',
    })
    shown = []
    for _attempt in range(50):
        shown = page.evaluate("navigator.serviceWorker.ready.then(r => r.getNotifications())"
                              ".then(list => list.map(n => [n.title, n.body, n.data.url]))")
        if shown:
            break
        page.wait_for_timeout(200)
    assert shown == [["Beitrag wartet auf Freigabe", "Radwoche", "/review/7/"]]

    login(page, live_server, editor.username, PASSWORD)
    _wait_for_worker(page)
    page.context.set_offline(True)
    try:
        page.goto(f"{live_server.url}/posts/")
        assert page.get_by_role("heading", name="Keine Verbindung").is_visible()
        # The cached offline page was fetched without cookies: it names nobody.
        assert editor.username not in page.content()
        assert page.get_by_role("button", name="Abmelden").count() == 0
    finally:
        page.context.set_offline(False)
    # Logging out still works with the worker in place (it also ends the browser's push).
    page.goto(f"{live_server.url}/")
    page.locator("details.dropdown summary").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Abmelden").click()
    assert "/accounts/login/" in page.url


def _at_today(hour, minute=0):
    day = timezone.localdate(timezone.now(), BERLIN)
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_todays_timeline_on_a_phone(phone, live_server):  # noqa: F811
    from newsroom.models import Post, PostStatus

    department = DepartmentFactory(number="66", name="Amt für Verkehrsmanagement")
    other = DepartmentFactory(number="41", name="Kulturamt")
    head = member(Role.HEAD, department, username="leitung-unterwegs")
    facebook = channel("facebook", department, name="Stadt auf Facebook")
    morning = Post.objects.create(department=department, title="Baustelle Ringstraße",
                                  status=PostStatus.SCHEDULED, scheduled_at=_at_today(7, 30))
    morning.channel_accounts.add(facebook)
    Post.objects.create(department=department, title="Radwoche zur Freigabe",
                        status=PostStatus.IN_REVIEW, scheduled_at=_at_today(18))
    Post.objects.create(department=other, title="Museumsnacht", status=PostStatus.SCHEDULED,
                        scheduled_at=_at_today(12))
    Post.objects.create(department=department, title="Morgen erst",
                        status=PostStatus.SCHEDULED,
                        scheduled_at=_at_today(12) + timedelta(days=1))

    login(phone, live_server, head.username, PASSWORD)
    phone.goto(f"{live_server.url}/app/heute/")
    items = phone.locator(".today-item")
    assert items.count() == 2
    assert items.nth(0).inner_text().startswith("07:30")
    assert "Baustelle Ringstraße" in items.nth(0).inner_text()
    assert "Facebook" in items.nth(0).inner_text()
    assert phone.get_by_text("Museumsnacht").count() == 0
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "today-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    with phone.expect_navigation():
        phone.get_by_role("link", name="Radwoche zur Freigabe").tap()
    assert phone.url.startswith(f"{live_server.url}/review/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_notifications_deep_link_leads_through_the_login_to_the_item(
    phone, live_server  # noqa: F811
):
    from approvals import services as review
    from newsroom.models import Notification, NotificationKind
    from newsroom.services import posts
    from pwa.services import payload_of

    department = DepartmentFactory(number="37", name="Feuerwehr")
    editor = member(Role.EDITOR, department, username="feuerwehr-redaktion")
    head = member(Role.HEAD, department, username="feuerwehr-leitung")
    facebook = channel("facebook", department, name="Feuerwehr auf Facebook")
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Rauchmelder-Aktion", body="Am Samstag prüfen wir Rauchmelder in der Altstadt.",
        channel_account_ids=[facebook.pk], scheduled_at=timezone.now() + timedelta(days=2),
    ))
    review.submit_for_review(actor=editor, post=post)
    notification = Notification.objects.get(recipient=head,
                                            kind=NotificationKind.REVIEW_REQUESTED)
    link = payload_of(notification)["url"]  # what the phone's notification opens

    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}{link}")
    assert "/accounts/login/" in phone.url and "next=" in phone.url
    phone.get_by_label("Benutzername").fill(head.username)
    phone.get_by_label("Passwort").fill(PASSWORD)
    with phone.expect_navigation():
        phone.get_by_role("button", name="Anmelden").tap()
    assert phone.url == f"{live_server.url}{link}"
    assert phone.get_by_text("Rauchmelder in der Altstadt").first.is_visible()
    assert phone.get_by_role("button", name="Freigeben", exact=True).is_visible()

    # Push on this phone: without the browser's permission the page says what to do.
    from playwright.sync_api import expect

    phone.goto(f"{live_server.url}/app/benachrichtigungen/")
    phone.get_by_role("button", name="Push auf diesem Gerät einschalten").tap()
    expect(phone.get_by_role("status").filter(has_text="erlaubt keine")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "push-settings-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
