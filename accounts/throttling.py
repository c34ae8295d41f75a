"""API rate limits: per personal token (or session user) and per address for anonymous calls.

The rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` (``user``, ``anon``), read
when a request is throttled, so a settings change takes effect without a restart of the class.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from newsroom.middleware import client_ip

from .models import ApiToken


class _CurrentRates:
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class ClientAddressIdent:
    """Count per client address as the audit log and the lockout see it.

    DRF's own ``get_ident`` keys on the whole X-Forwarded-For header unless ``NUM_PROXIES`` is
    set, so a client could start a fresh budget with every made-up header.
    """

    def get_ident(self, request) -> str:
        return client_ip(request) or ""


class ApiUserRateThrottle(_CurrentRates, UserRateThrottle):
    """Each personal token has its own budget; a browser session counts as its person."""

    def get_cache_key(self, request, view) -> str | None:
        if not request.user or not request.user.is_authenticated:
            return None
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class ApiAnonRateThrottle(ClientAddressIdent, _CurrentRates, AnonRateThrottle):
    """Calls without a person are counted per client address."""
