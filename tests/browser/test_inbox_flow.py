"""The citizens' inbox in the browser: triage → draft with a saved answer → approval by a
second person on a phone → the reply reaches the network (checked in the sandbox record)."""

from __future__ import annotations

from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, channel, member

from .conftest import login

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PAGE_ID = "104000000000099"
TOKEN = "inbox-browser-token"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True,
        device_scale_factor=2, locale="de-DE", timezone_id="Europe/Berlin",
    )
    page = context.new_page()
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


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_triage_draft_approve_on_a_phone_and_sent(page, phone, live_server, sandbox):
    from inbox.models import Conversation, Reply, ReplyStatus, SavedAnswer
    from inbox.services.ingest import ingest_account

    department = DepartmentFactory(number="66", name="Amt für Verkehrsmanagement")
    comms = DepartmentFactory(number="13", name="Amt für Kommunikation")
    community = member(Role.COMMUNITY, comms, username="community-zentral")
    writer = member(Role.HEAD, department, username="verkehr-leitung")
    approver = member(Role.COMMUNITY, department, username="verkehr-community")
    account = channel("facebook", department, comms, name="Stadt auf Facebook",
                      external_id=PAGE_ID, api_base_url=sandbox.base_url)
    account.set_credentials({"access_token": TOKEN})
    account.save()
    SavedAnswer.objects.create(
        department=department, title="Ampelstörung",
        text="Danke für den Hinweis! Die Verkehrstechnik ist informiert.")
    sandbox.add_inbound("facebook", "message", "Die Ampel am Marktplatz ist kaputt.",
                        account=PAGE_ID, author={"name": "Erika Muster"})
    assert ingest_account(account.pk).created == 1
    conversation = Conversation.objects.get()
    assert conversation.department is None

    # Triage: the community management routes the message to the traffic department.
    login(page, live_server, community.username, PASSWORD)
    page.goto(f"{live_server.url}/inbox/")
    with page.expect_navigation():
        page.get_by_role("link", name="Die Ampel am Marktplatz ist kaputt.").click()
    page.get_by_label("Amt", exact=True).select_option(label=department.name)
    with page.expect_navigation():
        page.get_by_role("button", name="Weiterleiten").click()
    conversation.refresh_from_db()
    assert conversation.department == department

    # Draft: the department answers with its saved answer and hands it over for approval.
    login(page, live_server, writer.username, PASSWORD)
    page.goto(f"{live_server.url}/inbox/{conversation.pk}/")
    page.get_by_label("Textbaustein einfügen").select_option(label="Ampelstörung")
    answer = page.locator("#id_text")
    assert "Verkehrstechnik ist informiert" in answer.input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Antwort entwerfen").click()
    assert page.get_by_text("wartet auf Freigabe").first.is_visible()
    assert sandbox.replies(network="facebook") == []

    # Approve: a second person, on a phone.
    login(phone, live_server, approver.username, PASSWORD)
    phone.goto(f"{live_server.url}/inbox/replies/review/")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Prüfen").tap()
    assert phone.get_by_text("Die Ampel am Marktplatz ist kaputt.").is_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "inbox-review-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    with phone.expect_navigation():
        phone.get_by_role("button", name="Freigeben und senden").tap()

    # Sent: once, as an answer in the citizen's Messenger conversation.
    reply = Reply.objects.get()
    assert reply.status == ReplyStatus.SENT
    (record,) = sandbox.replies(network="facebook")
    assert record["id"] == reply.remote_id
    page.goto(f"{live_server.url}/inbox/{conversation.pk}/")
    assert page.get_by_text("beantwortet").first.is_visible()
    assert page.get_by_text("Die Verkehrstechnik ist informiert.").first.is_visible()
    page.screenshot(path=str(SCREENSHOTS / "inbox-conversation.png"), full_page=True)
    page.goto(f"{live_server.url}/inbox/")
    page.screenshot(path=str(SCREENSHOTS / "inbox-list.png"), full_page=True)
