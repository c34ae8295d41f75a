"""The second factor before anything else, and when a session was last seen."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import sessions, twofactor

# Pages a person may reach while the session still owes its second factor: the prompts
# themselves, and what the installed app fetches on its own (service worker, manifest, offline
# page), which holds no newsroom data.
_OPEN_URL_NAMES = (
    "accounts:otp_verify",
    "accounts:otp_enrol",
    "accounts:logout",
    "set_language",
    "service_worker",
    "healthz",
    "pwa:manifest",
    "pwa:offline",
)


class SecurityMiddleware:
    """Send a signed-in person to the code prompt or to enrolment until the session is done.

    ``twofactor.SESSION_STATE_KEY`` is decided at login (``accounts.signals``); sessions from
    before this existed are decided on their first request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = tuple(reverse(name) for name in _OPEN_URL_NAMES)
        if path in self._open_paths:
            return True
        return path.startswith(settings.STATIC_URL)

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            sessions.touch(request)
            state = request.session.get(twofactor.SESSION_STATE_KEY)
            if state is None:
                state = twofactor.session_state(user)
                request.session[twofactor.SESSION_STATE_KEY] = state
            elif state == twofactor.STATE_OK and self._now_owes_a_code(user):
                # Decided "nothing owed" earlier, but the person has since become superuser or
                # the rule was switched on: decide again.
                state = twofactor.session_state(user)
                request.session[twofactor.SESSION_STATE_KEY] = state
            if state != twofactor.STATE_OK and not self._is_open(request.path):
                if state == twofactor.STATE_VERIFY and user.is_verified():
                    request.session[twofactor.SESSION_STATE_KEY] = twofactor.STATE_OK
                else:
                    return self._refuse(request, state)
        return self.get_response(request)

    @staticmethod
    def _now_owes_a_code(user) -> bool:
        # No query unless the rule is on and the session is unverified; then the role lookup
        # is the permission module's, cached on the user for the rest of the request.
        if not settings.NEWSROOM_REQUIRE_2FA or user.is_verified():
            return False
        return twofactor.is_required_for(user)

    def _refuse(self, request, state: str):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("Bitte schließen Sie zuerst die Zwei-Faktor-Anmeldung ab."),
                    "code": "second_factor_required",
                },
                status=403,
            )
        target = "accounts:otp_verify" if state == twofactor.STATE_VERIFY else "accounts:otp_enrol"
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(target)}?{query}")
