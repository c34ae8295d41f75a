"""A head of department sets up the authenticator app at the first sign-in, then signs in with
password and code (real browser: the QR code and pages break no CSP rule)."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.factories import PASSWORD, DepartmentFactory, member
from tests.security.conftest import current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_head_enrols_and_then_signs_in_with_a_code(page, live_server, settings):
    settings.NEWSROOM_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    head = member(Role.HEAD, DepartmentFactory(number="57", name="Umweltamt"),
                  username="leitung")

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill("leitung")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/accounts/security/2fa/setup/**")
    assert page.get_by_role("img", name="QR-Code für die Authenticator-App").is_visible()
    device = TOTPDevice.objects.get(user=head, confirmed=False)
    page.get_by_label("Code aus der App").fill(current_code(device))
    page.get_by_role("button", name="Bestätigen und einrichten").click()
    page.get_by_role("heading", name="Ihre Notfallcodes").wait_for()
    assert page.locator(".backup-codes li").count() == 10
    page.get_by_role("button", name="Ich habe die Codes gesichert – weiter").click()
    page.wait_for_url(f"{live_server.url}/")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Benutzername").fill("leitung")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url("**/accounts/login/code/**")
    # The code used at enrolment is spent; pretend the app has moved on to the next one.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    page.get_by_label("Code").fill(current_code(device))
    page.get_by_role("button", name="Bestätigen", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
