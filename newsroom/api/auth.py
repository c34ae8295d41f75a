"""Personal API tokens: exchange username and password for a token (shown once)."""

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

from accounts.services import issue_api_token
from newsroom.errors import DomainError

from . import serializers as s
from .errors import NewsroomErrorsMixin


class TokenThrottle(SimpleRateThrottle):
    """Password guessing through the API is slowed down per client address."""

    scope = "api_token"
    default_rate = "10/minute"

    def get_rate(self) -> str:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or self.default_rate

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class InvalidCredentials(DomainError):
    code = "invalid_credentials"


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
        token, key = issue_api_token(actor=user, name=values["name"] or "API")
        return Response(
            s.TokenSerializer({"token": key, "name": token.name}).data,
            status=status.HTTP_201_CREATED,
        )
