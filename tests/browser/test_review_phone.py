"""A department head approves a post on a phone: queue → review page → "Freigeben"."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, channel, image_asset, member

from .conftest import login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def phone(browser):
    """A 375×812 touch screen: its own context, as the shared ``page`` has a desktop viewport."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True,
        device_scale_factor=2, locale="de-DE", timezone_id="Europe/Berlin",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    # CSP violations and script errors fail the test instead of passing unnoticed.
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_head_approves_on_a_phone(phone, live_server):
    from approvals import services as review
    from newsroom.models import APPROVED_STATES
    from newsroom.services import posts

    department = DepartmentFactory(number="66", name="Amt für Verkehrsmanagement")
    editor = member(Role.EDITOR, department, username="radredaktion")
    head = member(Role.HEAD, department, username="amtsleitung-mobil")
    facebook = channel("facebook", department, name="Stadt auf Facebook")
    instagram = channel("instagram", department, name="Stadt auf Instagram")
    photo = image_asset(department, alt_text="Radfahrende auf dem neuen Radweg am Fluss")
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(
            title="Radwoche 2026", link="https://www.stadt.example/radwoche",
            body="Die Radwoche beginnt am Montag mit einer Sternfahrt zum Rathaus. "
                 "Alle Termine auf unserer Website. #Radwoche",
            channel_account_ids=[facebook.pk, instagram.pk], media_ids=[photo.pk],
            scheduled_at=timezone.now() + timedelta(minutes=45, seconds=30),
        ),
    )
    review.submit_for_review(actor=editor, post=post)

    page = phone
    login(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/review/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "queue-phone.png"), full_page=True)
    assert page.get_by_text("in 45 Min.").is_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Radwoche 2026").tap()
    assert page.get_by_text("Sternfahrt zum Rathaus").first.is_visible()
    alt_text = "Radfahrende auf dem neuen Radweg am Fluss"
    assert page.get_by_role("img", name=alt_text).first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "review-phone.png"), full_page=True)
    # Nothing of the page may stick out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    with page.expect_navigation():
        page.get_by_role("button", name="Freigeben", exact=True).tap()
    assert page.url == f"{live_server.url}/review/"
    assert page.get_by_text("ist freigegeben").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "approved-phone.png"), full_page=True)
    post.refresh_from_db()
    assert post.status in APPROVED_STATES
    assert post.approved_by == head
