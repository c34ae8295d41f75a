"""Small request middleware of the newsroom."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_vary_headers

from . import audit


class PermissionsPolicyMiddleware:
    """Switch off browser features the newsroom never uses (camera, microphone, location…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our own proxies the hop they appended.

    Each proxy appends the address it saw to X-Forwarded-For, so with N trusted proxies the
    client is the N-th entry from the right; anything further left is whatever the client sent
    and would let it pick its own address (and dodge the login lockout).
    """
    hops = getattr(settings, "NEWSROOM_TRUSTED_PROXY_COUNT", 0) or 0
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Make the client's address available to audit entries written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_request_context(audit.RequestContext(ip_address=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            audit.reset_request_context(token)


class LanguageMiddleware:
    """German first: the UI speaks German unless the person chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language header, so a city employee
    with an English browser would meet an English newsroom. Here only the language cookie set
    by the language switcher counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        available = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
