"""Two-factor authentication: an authenticator app (TOTP) and one-time backup codes.

People holding Amtsleitung, Chef/in vom Dienst or Administrator/in (and Django superusers) must
use a second factor when ``NEWSROOM_REQUIRE_2FA`` is on; everyone else may. Whoever has a
confirmed authenticator is asked for a code after the password, whether required or not.

What a session still owes is kept in the session itself (``SESSION_STATE_KEY``), decided once
at login, so the middleware costs no query on ordinary requests.
"""

from __future__ import annotations

import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newsroom import audit
from newsroom.errors import DomainError, InvalidState, NotAllowed

from . import permissions
from .roles import Role

SESSION_STATE_KEY = "newsroom_2fa"
STATE_OK = "ok"
STATE_VERIFY = "verify"
STATE_ENROL = "enrol"

REQUIRED_ROLES = frozenset({Role.HEAD, Role.DUTY_EDITOR, Role.ADMIN})
BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator-App"
BACKUP_DEVICE_NAME = "Notfallcodes"

audit.register_actions(
    {
        "accounts.otp.enrolled": gettext_lazy(
            "%(actor)s hat die Zwei-Faktor-Anmeldung eingerichtet."
        ),
        "accounts.otp.removed": gettext_lazy(
            "%(actor)s hat die Zwei-Faktor-Anmeldung von %(object)s entfernt."
        ),
        "accounts.otp.backup_codes_generated": gettext_lazy(
            "%(actor)s hat neue Notfallcodes erzeugt."
        ),
        "accounts.otp.backup_code_used": gettext_lazy(
            "%(actor)s hat sich mit einem Notfallcode angemeldet (%(remaining)s übrig)."
        ),
        "accounts.otp.failed": gettext_lazy(
            "Falscher Code bei der Zwei-Faktor-Anmeldung von %(object)s."
        ),
    }
)


class InvalidCode(DomainError):
    code = "invalid_code"


def is_required_for(user) -> bool:
    """Whether ``user`` must use a second factor under the current settings."""
    if not settings.NEWSROOM_REQUIRE_2FA or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # The permission module's role lookup: roles in inactive departments do not count.
    return permissions.has_any_role(user, REQUIRED_ROLES)


def authenticator(user) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def session_state(user) -> str:
    """What a fresh session of ``user`` owes: nothing, a code, or enrolment."""
    if authenticator(user) is not None:
        return STATE_VERIFY
    if is_required_for(user):
        return STATE_ENROL
    return STATE_OK


def pending_enrolment(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (a new secret unless one is pending)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code (markup, no script, no style)."""
    image = qrcode.make(
        device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2
    )
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    # Drop the XML declaration so the markup can sit inside the page.
    return svg[svg.index("<svg"):]


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """The secret in base32, grouped in fours, for apps that cannot scan."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _new_backup_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_enrolment(request, *, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the pending authenticator with a code from the app; returns the backup codes.

    The codes are shown once and never again. The session counts as verified afterwards.
    """
    user = request.user
    if device.user_id != user.pk or device.confirmed:
        raise InvalidState(_("Diese Einrichtung ist nicht mehr offen."))
    if not device.verify_token(_normalise(code)):
        raise InvalidCode(_("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code aus der "
                            "App ein."), field="code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        audit.log("accounts.otp.enrolled", actor=user, obj=user)
    django_otp.login(request, device)
    request.session[SESSION_STATE_KEY] = STATE_OK
    return codes


def regenerate_backup_codes(*, actor) -> list[str]:
    """New backup codes for ``actor`` (the old ones stop working); shown once."""
    if authenticator(actor) is None:
        raise InvalidState(_("Richten Sie zuerst die Authenticator-App ein."))
    with transaction.atomic():
        codes = _new_backup_codes(actor)
        audit.log("accounts.otp.backup_codes_generated", actor=actor, obj=actor)
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def check_code(user, code: str):
    """Accept a code from ``user``'s app or an unused backup code; returns the device.

    A wrong code is audited and refused with a field error on ``code``. Shared by the login's
    second step and the API token endpoint, so both doors accept and refuse the same codes.
    """
    token = _normalise(code or "")
    device = authenticator(user)
    if device is None:
        raise InvalidState(_("Für dieses Konto ist keine Zwei-Faktor-Anmeldung eingerichtet."))
    used_backup = False
    if not (token.isdigit() and device.verify_token(token)):
        device = None
        for backup in StaticDevice.objects.filter(user=user, confirmed=True):
            if token and backup.verify_token(token):
                device, used_backup = backup, True
                break
    if device is None:
        audit.log("accounts.otp.failed", obj=user)
        raise InvalidCode(_("Der Code stimmt nicht oder wurde schon benutzt."), field="code")
    if used_backup:
        audit.log(
            "accounts.otp.backup_code_used",
            actor=user,
            obj=user,
            data={"remaining": backup_codes_left(user)},
        )
    return device


def verify(request, code: str) -> None:
    """The login's second step: accept a code from the app or an unused backup code."""
    device = check_code(request.user, code)
    django_otp.login(request, device)
    request.session[SESSION_STATE_KEY] = STATE_OK


def remove(*, actor, user) -> None:
    """Remove a person's authenticator and backup codes.

    People remove their own unless they must use one; administrators may reset anyone's
    (a lost phone): that person then sets it up again at their next sign-in.
    """
    is_admin = permissions.can(actor, "admin.access") or actor.is_superuser
    if actor != user and not is_admin:
        raise NotAllowed(_("Sie dürfen nur Ihre eigene Zwei-Faktor-Anmeldung entfernen."))
    if actor == user and is_required_for(user):
        raise NotAllowed(_("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben."))
    with transaction.atomic():
        deleted = TOTPDevice.objects.filter(user=user).delete()[0]
        deleted += StaticDevice.objects.filter(user=user).delete()[0]
        if deleted:
            audit.log("accounts.otp.removed", actor=actor, obj=user)
