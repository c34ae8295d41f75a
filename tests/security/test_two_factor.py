"""Two-factor authentication: who must, enrolment, the code step, backup codes, the admin."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from newsroom.models import AuditLogEntry
from tests.factories import PASSWORD

from .conftest import current_code, enrol

pytestmark = pytest.mark.django_db

HOME = "/"


def _login_with_password(client, user, next_url: str = "/"):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD,
                                    "next": next_url},
    )


@pytest.mark.parametrize("persona", ["head", "duty_editor", "administrator"])
def test_it_sends_the_leading_roles_to_enrolment_before_anything_else(
    request, client, require_2fa, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))
    # Every other page, too (not just the start page).
    response = client.get(reverse("accounts:security"))
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


@pytest.mark.parametrize("persona", ["editor", "community"])
def test_it_leaves_the_second_factor_optional_for_other_roles(
    request, client, require_2fa, persona
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(HOME).status_code == 200


def test_it_requires_nothing_when_switched_off_and_says_so_in_demo_mode(
    client, head, settings
):
    settings.NEWSROOM_REQUIRE_2FA = False
    settings.DEMO_MODE = True
    client.force_login(head)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "Zwei-Faktor-Anmeldung ist im Demo-Modus nicht vorgeschrieben." in (
        response.content.decode()
    )


def test_the_notice_is_gone_when_the_second_factor_is_required(client, editor, require_2fa):
    require_2fa.DEMO_MODE = True
    client.force_login(editor)
    assert "im Demo-Modus nicht vorgeschrieben" not in client.get(HOME).content.decode()


def test_it_enrols_with_a_qr_code_and_a_code_and_shows_backup_codes_once(
    client, head, require_2fa
):
    client.force_login(head)
    page = client.get(reverse("accounts:otp_enrol"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<path" in html
    assert "style=" not in html and "<script>" not in html  # CSP: nothing inline
    device = TOTPDevice.objects.get(user=head, confirmed=False)

    response = client.post(reverse("accounts:otp_enrol"), {"code": current_code(device),
                                                           "next": "/"})

    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = response.context["codes"]
    assert len(codes) == twofactor.BACKUP_CODE_COUNT
    for code in codes:
        assert code in response.content.decode()
    assert AuditLogEntry.objects.filter(action="accounts.otp.enrolled", actor=head).exists()
    # The session is verified now: the newsroom opens.
    assert client.get(HOME).status_code == 200
    # The codes are not shown again on the security page.
    assert codes[0] not in client.get(reverse("accounts:security")).content.decode()


def test_it_refuses_a_wrong_code_at_enrolment(client, head, require_2fa):
    client.force_login(head)
    client.get(reverse("accounts:otp_enrol"))
    device = TOTPDevice.objects.get(user=head)
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:otp_enrol"), {"code": wrong})
    assert response.status_code == 400
    assert "Der Code stimmt nicht" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(HOME).status_code == 302


def test_it_asks_for_the_code_after_the_password(client, head, require_2fa):
    device, _codes = enrol(head)
    response = _login_with_password(client, head)
    assert response.status_code == 302
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))

    wrong = client.post(reverse("accounts:otp_verify"), {"code": "000000", "next": "/"})
    assert wrong.status_code == 400
    assert "Der Code stimmt nicht" in wrong.content.decode()
    assert AuditLogEntry.objects.filter(action="accounts.otp.failed").count() == 1
    assert client.get(HOME).status_code == 302

    right = client.post(reverse("accounts:otp_verify"),
                        {"code": current_code(device), "next": "/"})
    assert right.status_code == 302
    assert right["Location"] == "/"
    assert client.get(HOME).status_code == 200


def test_guessing_codes_is_slowed_down(client, head, require_2fa):
    require_2fa.OTP_TOTP_THROTTLE_FACTOR = 1
    require_2fa.OTP_STATIC_THROTTLE_FACTOR = 1
    device, _codes = enrol(head)
    _login_with_password(client, head)
    client.post(reverse("accounts:otp_verify"), {"code": "000000"})
    # Right after a wrong guess even the right code is refused for a moment.
    response = client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
    assert response.status_code == 400
    assert client.get(HOME).status_code == 302


def test_an_editor_who_chose_a_second_factor_is_asked_for_it_too(client, editor):
    # Not required (development settings), but set up: then it is asked for.
    enrol(editor)
    _login_with_password(client, editor)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_verify"))


def test_it_does_not_follow_a_foreign_next_address(client, head, require_2fa):
    device, _codes = enrol(head)
    _login_with_password(client, head)
    response = client.post(reverse("accounts:otp_verify"),
                           {"code": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_backup_code_works_once(client, head, require_2fa):
    _device, codes = enrol(head)
    _login_with_password(client, head)
    response = client.post(reverse("accounts:otp_verify"), {"code": codes[0], "next": "/"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    entry = AuditLogEntry.objects.get(action="accounts.otp.backup_code_used")
    assert entry.data["remaining"] == twofactor.BACKUP_CODE_COUNT - 1

    client.logout()
    _login_with_password(client, head)
    again = client.post(reverse("accounts:otp_verify"), {"code": codes[0], "next": "/"})
    assert again.status_code == 400
    assert client.get(HOME).status_code == 302


def test_new_backup_codes_replace_the_old_ones(client, editor):
    _device, old_codes = enrol(editor)
    client.force_login(editor)
    session = client.session
    session[twofactor.SESSION_STATE_KEY] = twofactor.STATE_OK
    session.save()
    response = client.post(reverse("accounts:backup_codes"))
    assert response.status_code == 200
    new_codes = response.context["codes"]
    assert set(new_codes).isdisjoint(old_codes)
    assert AuditLogEntry.objects.filter(action="accounts.otp.backup_codes_generated").exists()

    client.logout()
    _login_with_password(client, editor)
    assert client.post(reverse("accounts:otp_verify"), {"code": old_codes[1]}).status_code == 400
    assert client.post(reverse("accounts:otp_verify"), {"code": new_codes[1]}).status_code == 302


def test_the_password_alone_cannot_replace_the_authenticator(client, head, require_2fa):
    enrol(head)
    _login_with_password(client, head)
    response = client.get(reverse("accounts:otp_enrol"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    response = client.post(reverse("accounts:otp_enrol"), {"code": "123456"})
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert TOTPDevice.objects.filter(user=head).count() == 1


def test_a_session_waiting_for_its_code_gets_no_api_answers(client, head, require_2fa):
    enrol(head)
    _login_with_password(client, head)
    response = client.get("/api/v1/posts/")
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"


def test_an_editor_may_remove_their_second_factor(client, editor):
    enrol(editor)
    client.force_login(editor)
    session = client.session
    session[twofactor.SESSION_STATE_KEY] = twofactor.STATE_OK
    session.save()
    response = client.post(reverse("accounts:otp_remove"))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert AuditLogEntry.objects.filter(action="accounts.otp.removed").exists()


def test_a_head_may_not_remove_the_required_second_factor(client, head, require_2fa):
    device, _codes = enrol(head)
    _login_with_password(client, head)
    client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
    response = client.post(reverse("accounts:otp_remove"), follow=True)
    assert "vorgeschrieben" in response.content.decode()
    assert TOTPDevice.objects.filter(user=head).exists()


# --- The Django admin -----------------------------------------------------------------------
def test_the_admin_needs_a_verified_session_when_2fa_is_required(
    client, administrator, require_2fa
):
    device, _codes = enrol(administrator)
    client.force_login(administrator)
    # Even a session that owes nothing to the middleware (e.g. one from before enrolment)
    # does not get into the admin without a verified second factor.
    session = client.session
    session[twofactor.SESSION_STATE_KEY] = twofactor.STATE_OK
    session.save()
    # (The middleware now decides such a session again and sends it to the code prompt.)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:otp_verify"))

    client.post(reverse("accounts:otp_verify"), {"code": current_code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_admin_sends_people_without_a_session_to_the_newsroom_login(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))


def test_the_admin_works_with_the_password_alone_when_2fa_is_off(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200


def test_an_administrator_resets_a_lost_second_factor_in_the_admin(client, administrator,
                                                                    head, require_2fa):
    admin_device, _codes = enrol(administrator)
    enrol(head)
    client.force_login(administrator)
    client.post(reverse("accounts:otp_verify"), {"code": current_code(admin_device)})
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [head.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=head).exists()
    entry = AuditLogEntry.objects.get(action="accounts.otp.removed")
    assert entry.actor == administrator


# --- Production mode ------------------------------------------------------------------------
def test_production_requires_the_second_factor_and_cannot_switch_it_off(tmp_path):
    from tests.test_deploy_settings import manage

    shown = manage(["shell", "-c", "from django.conf import settings; "
                    "print(settings.NEWSROOM_REQUIRE_2FA)"], tmp_path=tmp_path)
    assert shown.stdout.strip().splitlines()[-1] == "True", shown.stderr
    refused = manage(["check"], extra_env={"NEWSROOM_REQUIRE_2FA": "false"},
                     tmp_path=tmp_path)
    assert refused.returncode != 0
    assert "NEWSROOM_REQUIRE_2FA" in refused.stderr


def test_a_new_leading_role_ends_sessions_that_skipped_the_second_factor(
    client, editor, department, administrator, require_2fa
):
    from accounts.roles import Role
    from accounts.services import grant_membership

    client.force_login(editor)
    assert client.get(HOME).status_code == 200
    grant_membership(actor=administrator, user=editor, department=department, role=Role.HEAD)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:login"))
    client.force_login(editor)
    assert client.get(HOME)["Location"].startswith(reverse("accounts:otp_enrol"))
