"""Crisis mode in a real browser: start, compose, approve on a phone in one tap, end, release."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from channels_publish.models import Delivery, DeliveryStatus
from newsroom.models import Post, PostStatus
from tests.crisis import bulk_due_posts
from tests.factories import PASSWORD, DepartmentFactory, channel, image_asset, member

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Unwetterwarnung: Bitte bleiben Sie zu Hause und meiden Sie Parks."


@pytest.fixture
def crisis_team():
    comms = DepartmentFactory(number="13", name="Amt für Kommunikation")
    environment = DepartmentFactory(number="57", name="Umweltamt")
    channel("facebook", comms, name="Stadt auf Facebook")
    planned_channel = channel("x", environment, name="Umweltamt auf X")
    [planned] = bulk_due_posts(environment, planned_channel, 1, prefix="Baumpflanzaktion",
                               due=timezone.now() + timedelta(hours=1))
    duty_editor = member(Role.DUTY_EDITOR, comms, username="cvd")
    second = member(Role.ADMIN, comms, username="zweite")
    return duty_editor, second, planned


def _phone_page(browser, live_server):
    context = browser.new_context(
        locale="de-DE", timezone_id="Europe/Berlin", viewport={"width": 375, "height": 812},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return context, page, errors


def test_a_crisis_from_start_to_release(page, browser, live_server, crisis_team):
    from playwright.sync_api import expect

    duty_editor, second, planned = crisis_team

    # 1. The duty editor starts a crisis: the banner appears.
    login(page, live_server, duty_editor.username, PASSWORD)
    expect(page.locator("#crisis-banner")).to_have_count(0)
    page.goto(f"{live_server.url}/crisis/")
    page.get_by_label("Anlass").fill("Unwetter über der Stadt")
    page.get_by_label("Art").select_option(label="Unwetter")
    page.get_by_role("button", name="Krise ausrufen").click()
    banner = page.get_by_role("alert").filter(has_text="Krisenmodus")
    expect(banner).to_contain_text("Unwetter über der Stadt")
    assert Delivery.objects.get(post=planned).status == DeliveryStatus.HELD

    # 2. They compose a crisis message for every channel in scope, with a picture from the
    #    crisis department's media library.
    picture = image_asset(duty_editor.memberships.get().department, name="Sturmschaden",
                          alt_text="Umgestürzter Baum auf der Hauptstraße")
    page.get_by_role("button", name="Krisenmeldung schreiben").click()
    compose_url = page.url
    expect(page.get_by_label("Stadt auf Facebook")).to_be_checked()
    page.get_by_label("Meldung").fill(TEXT)
    page.get_by_label("Sturmschaden").check()
    page.get_by_role("button", name="Zur Freigabe einreichen").click()
    expect(page.get_by_text("Eigene Meldung")).to_be_visible()
    expect(page.get_by_role("button", name="Freigeben")).to_have_count(0)
    message = Post.objects.get(is_crisis=True)
    assert [m.asset for m in message.post_media.all()] == [picture]
    approve_url = f"{live_server.url}/crisis/messages/{message.pk}/approve/"

    # 3. A second member of the crisis team approves on a phone, in one tap, after reading.
    context, phone, errors = _phone_page(browser, live_server)
    try:
        login(phone, live_server, second.username, PASSWORD)
        expect(phone.locator("#crisis-banner")).to_be_visible()
        phone.goto(approve_url)
        expect(phone.get_by_text(TEXT)).to_be_visible()
        button = phone.get_by_role("button", name="Freigeben")
        box = button.bounding_box()
        assert box["width"] >= 300 and box["height"] >= 44
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        button.tap()
        expect(phone.get_by_text("Freigegeben. Die Meldung geht jetzt hinaus.")).to_be_visible()
        assert not errors, errors
    finally:
        context.close()
    message.refresh_from_db()
    assert message.approved_by == second and message.status != PostStatus.IN_REVIEW
    # Due at once on every channel in scope (here nobody holds the fake accounts' keys, so
    # the attempts themselves fail; the sandbox tests show them going out).
    assert Delivery.objects.filter(post=message).count() == 2
    assert not Delivery.objects.filter(post=message, status=DeliveryStatus.HELD).exists()

    # The composer's media picker fits a phone: no sideways scrolling, big enough to tap.
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(compose_url)
    choice = page.locator("label.crisis-media-choice").filter(has_text="Sturmschaden")
    assert choice.bounding_box()["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.set_viewport_size({"width": 1280, "height": 800})

    # 4. The duty editor ends the crisis and releases the held post.
    page.goto(f"{live_server.url}/crisis/")
    page.get_by_role("button", name="Zur Krise").click()
    page.get_by_role("button", name="Krise beenden").click()
    expect(page.get_by_role("heading", name="Angehaltene Beiträge")).to_be_visible()
    expect(page.locator("#crisis-banner")).to_have_count(0)
    held = page.locator(f"#held-{planned.pk}")
    expect(held).to_contain_text("Baumpflanzaktion")
    assert Delivery.objects.get(post=planned).status == DeliveryStatus.HELD
    held.get_by_role("button", name="Freigeben wie geplant").click()
    expect(page.get_by_text("ist wieder eingeplant")).to_be_visible()
    expect(page.get_by_text("Keine angehaltenen Beiträge.")).to_be_visible()
    delivery = Delivery.objects.get(post=planned)
    assert delivery.status == DeliveryStatus.PENDING and delivery.hold_reason == ""
