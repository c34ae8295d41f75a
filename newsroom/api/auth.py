"""Personal API tokens: exchange username and password for a token (shown once).

Whoever has an authenticator, or must use one, also sends a ``code`` (from the app or a backup
code): the password alone never yields a token that the web login would not give.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from accounts import twofactor
from accounts.services import issue_api_token
from accounts.throttling import ClientAddressIdent
from newsroom.errors import DomainError, NotAllowed

from . import serializers as s
from .errors import NewsroomErrorsMixin


class TokenThrottle(ClientAddressIdent, SimpleRateThrottle):
    """Password guessing through the API is slowed down per client address."""

    scope = "api_token"
    default_rate = "10/minute"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


class CodeRequired(DomainError):
    code = "code_required"


def _check_second_factor(user, code: str) -> None:
    """Refuse password-only issuance for people with (or obliged to have) a second factor."""
    if twofactor.authenticator(user) is not None:
        if not code.strip():
            raise CodeRequired(
                _("Bitte geben Sie den Code aus Ihrer Authenticator-App oder einen Notfallcode "
                  "an."),
                field="code",
            )
        twofactor.check_code(user, code)
    elif twofactor.is_required_for(user):
        raise NotAllowed(
            _("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben. Bitte richten Sie "
              "sie zuerst im Newsroom ein."),
            code="second_factor_required",
        )


class TokenView(NewsroomErrorsMixin, APIView):
    """Create a personal API token. Send it as ``Authorization: Token <key>``."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenThrottle]

    @extend_schema(
        summary="API-Token erstellen",
        request=s.TokenRequestSerializer,
        responses={201: s.TokenSerializer},
        auth=[],
    )
    def post(self, request):
        body = s.TokenRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = body.validated_data
        user = authenticate(
            request._request, username=values["username"], password=values["password"]
        )
        if user is None or not user.is_active:
            raise InvalidCredentials(_("Benutzername oder Passwort ist falsch."))
        _check_second_factor(user, values["code"])
        token, key = issue_api_token(actor=user, name=values["name"] or "API")
        return Response(
            s.TokenSerializer({"token": key, "name": token.name}).data,
            status=status.HTTP_201_CREATED,
        )
