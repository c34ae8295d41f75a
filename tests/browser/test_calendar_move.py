"""A duty editor drags an approved post to another day in the month view."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.roles import Role
from approvals import services as review
from newsroom.models import Post, PostStatus
from newsroom.services import posts
from tests.factories import PASSWORD, channel, member

from .conftest import login

BERLIN = ZoneInfo("Europe/Berlin")


def _day_in_next_month() -> datetime:
    today = timezone.localtime(timezone.now(), BERLIN).date()
    first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    # A Tuesday in the second week: the day after is in the same row and month.
    day = first_of_next + timedelta(days=7)
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=BERLIN)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_duty_editor_drags_a_post_to_another_day(page, live_server, department,
                                                   comms_department):
    facebook = channel("facebook", department, name="Facebook Umweltamt")
    editor = member(Role.EDITOR, department, username="kal-redakteurin")
    head = member(Role.HEAD, department, username="kal-leitung")
    duty = member(Role.DUTY_EDITOR, comms_department, username="kal-cvd")
    when = _day_in_next_month()
    post = posts.create_post(actor=editor, department=department, data=posts.PostData(
        title="Baumpflanzaktion", body="Am Samstag pflanzen wir 100 Bäume.",
        channel_account_ids=[facebook.pk], scheduled_at=when,
    ))
    review.submit_for_review(actor=editor, post=post)
    review.approve(actor=head, post=post)

    login(page, live_server, duty.username, PASSWORD)
    dialogs: list[str] = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/calendar/?view=dayGridMonth&date={when:%Y-%m-%d}")

    event = page.locator(f'[data-post-id="{post.pk}"]')
    event.wait_for()
    target_day = when + timedelta(days=1)
    target = page.locator(f'[data-date="{target_day:%Y-%m-%d}"]').first
    target.wait_for()

    page.locator("#calendar").scroll_into_view_if_needed()
    event.scroll_into_view_if_needed()
    source_box = event.bounding_box()
    target_box = target.bounding_box()
    start_x = source_box["x"] + source_box["width"] / 2
    start_y = source_box["y"] + source_box["height"] / 2
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    # Small first steps get past FullCalendar's drag threshold, then glide to the target.
    page.mouse.move(start_x + 5, start_y + 5, steps=5)
    page.mouse.move(target_box["x"] + target_box["width"] / 2,
                    target_box["y"] + target_box["height"] / 2, steps=20)
    page.mouse.up()

    status = page.locator("#calendar-status")
    status.filter(has_text="Der Beitrag wurde verschoben").wait_for()
    assert "erneut geprüft" not in status.inner_text()
    assert dialogs and "Beitrag verschieben?" in dialogs[0]

    post = Post.objects.get(pk=post.pk)
    assert timezone.localtime(post.scheduled_at, BERLIN) == target_day
    assert post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED)
