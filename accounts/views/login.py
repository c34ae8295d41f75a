"""Signing in: the password step (with lockout after repeated failures) and the code step."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from newsroom.errors import DomainError

from .. import twofactor
from ..forms import LoginForm, OtpCodeForm


def _minutes(delta) -> int:
    return max(1, int(delta.total_seconds() // 60)) if delta else 0


def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer: the login page with a German explanation (HTTP 429)."""
    minutes = _minutes(settings.AXES_COOLOFF_TIME)
    message = _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist für %(minutes)s Minuten "
        "gesperrt. Wenden Sie sich an die Administration, wenn Sie sofort weiterarbeiten müssen."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=429)
    form = LoginForm(request, initial={"username": (credentials or {}).get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "locked_out_message": message, "next": request.POST.get("next", "")},
        status=429,
    )


def _next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default or reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("code")
@login_required
def otp_verify(request):
    """Second step after the password: a code from the authenticator app or a backup code."""
    if twofactor.authenticator(request.user) is None:
        if request.session.get(twofactor.SESSION_STATE_KEY) == twofactor.STATE_ENROL:
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('accounts:otp_enrol')}?{query}")
        return HttpResponseRedirect(_next_url(request))
    if request.user.is_verified():
        return HttpResponseRedirect(_next_url(request))
    form = OtpCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.verify(request, form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
            status = 400
        else:
            return HttpResponseRedirect(_next_url(request))
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request, default="")},
        status=status,
    )
