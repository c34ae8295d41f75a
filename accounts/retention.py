"""The personal data ``accounts`` holds and how long (see ``newsroom.retention``)."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext_lazy as _

from newsroom.retention import EMPLOYMENT, STAFF, RetentionRule, register_retention

_SECURITY = _("Art. 6 Abs. 1 lit. c und e DSGVO, Art. 32 DSGVO (Sicherheit der Verarbeitung)")


def _purge_login_attempts(cutoff: datetime) -> int:
    from axes.models import AccessAttempt

    return AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0]


def _purge_sessions(cutoff: datetime) -> int:
    from .models import UserSession

    return UserSession.objects.filter(expires_at__lt=cutoff).delete()[0]


def _purge_revoked_api_tokens(cutoff: datetime) -> int:
    from .models import ApiToken

    return ApiToken.objects.filter(revoked_at__lt=cutoff).delete()[0]


def register_rules() -> None:
    """Called from ``AccountsConfig.ready``."""
    register_retention(RetentionRule(
        key="accounts.login_attempts",
        label=_("Fehlgeschlagene Anmeldeversuche (Anmeldesperre)"),
        purpose=_("Schutz vor dem Erraten von Passwörtern: Sperre nach wiederholten "
                  "Fehlversuchen."),
        personal_data=_("Eingegebener Benutzername, IP-Adresse, Browser, Zeitpunkt"),
        default_days=1,
        purge=_purge_login_attempts,
        legal_basis=_SECURITY,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="accounts.sessions",
        label=_("Angemeldete Geräte (Sitzungen)"),
        purpose=_("Beschäftigte sehen, wo sie angemeldet sind, und können Sitzungen beenden."),
        personal_data=_("Person, Browser, gekürzte IP-Adresse (Netz), Anmelde- und "
                        "letzte Aktivitätszeit"),
        default_days=7,
        purge=_purge_sessions,
        legal_basis=_SECURITY,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="accounts.revoked_api_tokens",
        label=_("Widerrufene API-Tokens"),
        purpose=_("Nachvollziehen, welches Token wann widerrufen wurde."),
        personal_data=_("Person, Bezeichnung, Erstellung, letzte Nutzung, Widerruf"),
        default_days=90,
        purge=_purge_revoked_api_tokens,
        legal_basis=EMPLOYMENT,
        data_subjects=STAFF,
    ))
    register_retention(RetentionRule(
        key="accounts.second_factor",
        label=_("Zwei-Faktor-Anmeldung"),
        purpose=_("Sichere Anmeldung mit Authenticator-App und Notfallcodes."),
        personal_data=_("Geheimer Schlüssel der App, Notfallcodes, letzte Nutzung"),
        default_days=0,
        purge=None,
        action="keep",
        legal_basis=_SECURITY,
        data_subjects=STAFF,
    ))


def erase_staff_data(user) -> int:
    """What ``accounts`` deletes when a person leaves: second-factor devices, every API token
    (already revoked by the deactivation) and the login attempts under their username."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .models import ApiToken, UserSession

    count = TOTPDevice.objects.filter(user=user).delete()[0]
    count += StaticDevice.objects.filter(user=user).delete()[0]
    count += ApiToken.objects.filter(user=user).delete()[0]
    count += UserSession.objects.filter(user=user).delete()[0]
    count += AccessAttempt.objects.filter(username=user.get_username()).delete()[0]
    count += AccessFailureLog.objects.filter(username=user.get_username()).delete()[0]
    count += AccessLog.objects.filter(username=user.get_username()).delete()[0]
    return count


def register_erasure() -> None:
    """Called from ``AccountsConfig.ready``."""
    from newsroom.services.privacy import register_staff_erasure

    register_staff_erasure("accounts.devices_and_tokens", erase_staff_data)
