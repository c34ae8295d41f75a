"""API authentication with personal tokens (``Authorization: Token <key>`` or ``Bearer``)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import twofactor
from .models import ApiToken

# Writing last_used_at on every request would turn every read into a write.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("token", "bearer")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Ungültiger Token-Header."))
        try:
            key = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Ungültiger Token-Header.")) from None
        token = ApiToken.find_usable(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Ungültiges oder widerrufenes Token."))
        if twofactor.is_required_for(token.user) and twofactor.authenticator(token.user) is None:
            # The role demands a second factor that was never set up (the token predates the
            # role or the rule): no API access until the person has enrolled in the newsroom.
            raise exceptions.PermissionDenied(
                _("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten "
                  "Sie sie zuerst im Newsroom ein; bis dahin gilt dieses Token nicht.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return "Token"
