"""Browser tests: Playwright (sync API) drives Debian's Chromium against ``live_server``.

Without /usr/bin/chromium the tests are skipped locally but fail in CI (``CI=true``), so a CI
image that lost its browser cannot pass by testing less.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (factories, assertions) are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _missing_browser(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def browser():
    # One Playwright per test, not per session: a sync Playwright owns the thread's event loop
    # while it runs, and other browser tests may start their own.
    if not CHROMIUM.exists():
        _missing_browser(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("playwright is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
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


def login(page, live_server, username: str, password: str) -> None:
    """Log in through the login form, starting from a fresh session."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}/")
