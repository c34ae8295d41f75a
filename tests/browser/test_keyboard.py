"""Keyboard-only use (WCAG 2.1.1, 2.4.7): composer, review queue, moving a post in time (the
post page's form, the keyboard way to the calendar's drag and drop) and crisis actions, with
Tab, Space, Enter and arrow keys only; every element reached shows a visible focus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals import services as approvals
from crisis.models import Crisis
from newsroom.models import Post, PostStatus
from newsroom.services import posts
from newsroom.timezones import BERLIN
from tests.factories import PASSWORD, DepartmentFactory, channel, member

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUS_VISIBLE = """el => {
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== "none";
  return outline || ring;
}"""


def tab_to(page, locator, *, limit: int = 80, backwards: bool = False) -> None:
    """Press Tab until ``locator`` has the focus; it must show that it has it."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if locator.evaluate("el => el === document.activeElement"):
            assert locator.evaluate(FOCUS_VISIBLE), f"no visible focus on {locator}"
            return
    raise AssertionError(f"{locator} not reachable with Tab")


@pytest.fixture
def people():
    department = DepartmentFactory(number="57", name="Umweltamt")
    account = channel("facebook", department, name="Stadt auf Facebook")
    editor = member(Role.EDITOR, department, username="redakteurin")
    head = member(Role.HEAD, department, username="amtsleitung")
    return department, account, editor, head


def test_composing_and_submitting_with_the_keyboard(page, live_server, people):
    from playwright.sync_api import expect

    _department, _account, editor, _head = people
    login(page, live_server, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/posts/new/")
    tab_to(page, page.get_by_label("Interner Titel"))
    page.keyboard.type("Radwoche per Tastatur")
    tab_to(page, page.get_by_label("Stadt auf Facebook"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Stadt auf Facebook")).to_be_checked()
    tab_to(page, page.get_by_label("Haupttext", exact=True))
    page.keyboard.type("Die Radwoche beginnt am Montag.")
    tab_to(page, page.get_by_role("button", name="Zur Freigabe einreichen"))
    page.keyboard.press("Enter")
    expect(page.locator("#post-status")).to_have_text("In Prüfung")
    assert Post.objects.get().status == PostStatus.IN_REVIEW


def test_reviewing_from_the_queue_with_the_keyboard(page, live_server, people):
    from playwright.sync_api import expect

    department, account, editor, head = people
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Baumpflanzaktion", body="Wir pflanzen Bäume.", channel_account_ids=[account.pk]))
    approvals.submit_for_review(actor=editor, post=post)
    login(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/review/")
    tab_to(page, page.get_by_role("link", name="Baumpflanzaktion").first)
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Freigeben"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("„Baumpflanzaktion“ ist freigegeben.")).to_be_visible()
    post.refresh_from_db()
    assert post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED)


def test_moving_a_post_in_time_with_the_keyboard(page, live_server, people):
    from playwright.sync_api import expect

    department, account, editor, _head = people
    # 10 March next year, 10:00 Berlin: one up on the first segment of the date field (the day
    # or the month, depending on the browser's language) cannot wrap into the past.
    today = timezone.localtime(timezone.now(), BERLIN)
    first_next = today.replace(year=today.year + 1, month=3, day=10, hour=10, minute=0,
                               second=0, microsecond=0)
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Baustelle", channel_account_ids=[account.pk], scheduled_at=first_next))
    login(page, live_server, editor.username, PASSWORD)
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    field = page.get_by_label("Neuer Termin (Europe/Berlin)")
    tab_to(page, field)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Der Beitrag wurde verschoben.")).to_be_visible()
    post.refresh_from_db()
    moved = timezone.localtime(post.scheduled_at, BERLIN)
    assert moved in (first_next + timedelta(days=1), first_next.replace(month=4))


def test_crisis_actions_with_the_keyboard(page, live_server):
    from playwright.sync_api import expect

    comms = DepartmentFactory(number="13", name="Amt für Kommunikation")
    channel("facebook", comms, name="Stadt auf Facebook")
    duty_editor = member(Role.DUTY_EDITOR, comms, username="cvd")
    login(page, live_server, duty_editor.username, PASSWORD)
    page.goto(f"{live_server.url}/crisis/")
    tab_to(page, page.get_by_label("Anlass"))
    page.keyboard.type("Brand in der Altstadt")
    tab_to(page, page.get_by_label("Art"))
    page.keyboard.type("Großbrand")  # type-ahead in the closed select
    tab_to(page, page.get_by_role("button", name="Krise ausrufen"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert").filter(has_text="Krisenmodus")).to_be_visible()
    assert Crisis.objects.get().type == "fire"  # chosen in the select by typing

    tab_to(page, page.get_by_role("button", name="Krisenmeldung schreiben"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_label("Meldung"))
    page.keyboard.type("Bitte bleiben Sie zu Hause.")
    tab_to(page, page.get_by_role("button", name="Zur Freigabe einreichen"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Eigene Meldung")).to_be_visible()
    assert Post.objects.filter(is_crisis=True).count() == 1

    page.goto(f"{live_server.url}/crisis/")
    tab_to(page, page.get_by_role("button", name="Zur Krise"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("button", name="Krise beenden"))
    page.keyboard.press("Enter")
    expect(page.locator("#crisis-banner")).to_have_count(0)
