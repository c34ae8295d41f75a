"""The whole way of a post in a real browser: upload, compose with live checks, submit, approve."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image

from accounts.roles import Role
from newsroom.models import Post, PostStatus
from tests.factories import PASSWORD, DepartmentFactory, channel, member

from .conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Die Radwoche beginnt am Montag!"


@pytest.fixture
def newsroom_people():
    department = DepartmentFactory(number="57", name="Umweltamt")
    channel("facebook", department, name="Stadt auf Facebook")
    channel("instagram", department, name="stadt.instagram")
    editor = member(Role.EDITOR, department, username="redakteurin")
    head = member(Role.HEAD, department, username="amtsleitung")
    return editor, head


@pytest.fixture
def photo(tmp_path) -> Path:
    path = tmp_path / "radweg.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (40, 120, 60)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def _screenshot_dir(tmp_path) -> Path:
    folder = Path(os.environ.get("NEWSROOM_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_editor_composes_and_submits_and_the_head_approves(
    page, live_server, newsroom_people, photo, tmp_path
):
    from playwright.sync_api import expect

    editor, head = newsroom_people
    login(page, live_server, editor.username, PASSWORD)

    # 1. Upload an image with alt text in the media library.
    page.goto(f"{live_server.url}/media/upload/")
    page.get_by_label("Datei").set_input_files(str(photo))
    page.get_by_label("Name").fill("Radweg am Rhein")
    page.get_by_label("Alternativtext").fill("Ein Radweg am Rheinufer im Sonnenschein")
    page.get_by_role("button", name="Hochladen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Radweg am Rhein")

    # 2. Compose for Facebook and Instagram with that image.
    page.goto(f"{live_server.url}/posts/new/")
    page.get_by_label("Interner Titel").fill("Radwoche 2027")
    page.get_by_label("Stadt auf Facebook").check()
    page.get_by_label("stadt.instagram").check()
    expect(page.locator("#section-instagram")).to_be_visible()
    page.get_by_label("Haupttext", exact=True).fill("Die Radwoche")
    # The live counter comes from the server (htmx) and follows the typing.
    instagram_report = page.locator("#report-instagram")
    expect(instagram_report).to_contain_text("12 / 2200")
    expect(instagram_report).to_contain_text("Instagram braucht mindestens ein Bild")
    page.get_by_label("Haupttext", exact=True).fill(BODY)
    expect(instagram_report).to_contain_text(f"{len(BODY)} / 2200")
    page.locator(".media-choice", has_text="Radweg am Rhein").locator("input").check()
    expect(instagram_report).not_to_contain_text("braucht mindestens ein Bild")
    expect(page.locator("#preview-instagram .pv-square img")).to_have_attribute(
        "alt", "Ein Radweg am Rheinufer im Sonnenschein"
    )
    # The variant follows the main text until it is edited.
    expect(page.locator("#id_v_facebook_text")).to_have_value(BODY)
    when = timezone.localtime() + timedelta(days=3)
    page.get_by_label("Geplante Veröffentlichung (Ortszeit Berlin)").fill(
        when.strftime("%Y-%m-%dT%H:%M")
    )

    # The composer on a phone: nothing sticks out sideways.
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=str(_screenshot_dir(tmp_path) / "composer-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Zur Freigabe einreichen").click()
    expect(page.locator("#post-status")).to_have_text("In Prüfung")
    post = Post.objects.get()
    assert post.status == PostStatus.IN_REVIEW
    assert sorted(post.networks) == ["facebook", "instagram"]

    # 3. The head approves on the review page.
    login(page, live_server, head.username, PASSWORD)
    page.goto(f"{live_server.url}/review/{post.pk}/")
    page.get_by_role("button", name="Freigeben").click()
    page.goto(f"{live_server.url}/posts/{post.pk}/")
    expect(page.locator("#post-status")).to_have_text(
        __import__("re").compile("Freigegeben|Geplant")
    )
    post.refresh_from_db()
    assert post.status in (PostStatus.APPROVED, PostStatus.SCHEDULED)
    assert post.approved_by == head
