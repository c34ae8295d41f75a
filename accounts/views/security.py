"""The person's security page: sessions, API tokens and two-factor authentication."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from newsroom.errors import DomainError

from .. import services, sessions, twofactor
from ..forms import ApiTokenForm, ConfirmDeviceForm
from ..models import ApiToken, UserSession
from .login import _next_url

# A person rarely holds more than a handful; the page shows the newest.
TOKEN_LIMIT = 50


def _security_context(request, **extra) -> dict:
    user = request.user
    context = {
        "sessions": sessions.active_sessions(user),
        "current_session_key": request.session.session_key,
        "tokens": list(ApiToken.objects.filter(user=user)[:TOKEN_LIMIT]),
        "token_form": ApiTokenForm(),
        "authenticator": twofactor.authenticator(user),
        "backup_codes_left": twofactor.backup_codes_left(user),
        "second_factor_required": twofactor.is_required_for(user),
    }
    context.update(extra)
    return context


@never_cache
@login_required
def security(request):
    return render(request, "accounts/security.html", _security_context(request))


@require_POST
@login_required
def session_end(request, pk: int):
    session = get_object_or_404(UserSession, pk=pk, user=request.user)
    sessions.end_session(actor=request.user, session=session)
    if session.session_key == request.session.session_key:
        return redirect("accounts:login")
    messages.success(request, _("Die Sitzung wurde beendet."))
    return redirect("accounts:security")


@require_POST
@login_required
def sessions_end_others(request):
    count = sessions.end_other_sessions(
        actor=request.user, current_key=request.session.session_key
    )
    messages.success(
        request, _("Sie wurden auf allen anderen Geräten abgemeldet (%(count)s Sitzungen).")
        % {"count": count}
    )
    return redirect("accounts:security")


@never_cache
@require_POST
@login_required
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/security.html", _security_context(request, token_form=form),
            status=400,
        )
    token, key = services.issue_api_token(actor=request.user, name=form.cleaned_data["name"])
    # The key is shown in this answer only; it is stored nowhere but as a hash.
    return render(
        request, "accounts/security.html",
        _security_context(request, new_token=token, new_token_key=key),
    )


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(actor=request.user, token=token)
    messages.success(request, _("Das Token „%(name)s“ wurde widerrufen.") % {"name": token.name})
    return redirect("accounts:security")


@never_cache
@sensitive_post_parameters("code")
@login_required
def otp_enrol(request):
    """Set up the authenticator app: scan the QR code, confirm with a code, get backup codes."""
    user = request.user
    if twofactor.authenticator(user) is not None and not user.is_verified():
        # Whoever knows only the password must not replace the person's authenticator.
        return redirect(
            f"{reverse('accounts:otp_verify')}?{urlencode({'next': reverse('accounts:otp_enrol')})}"
        )
    device = twofactor.pending_enrolment(user)
    form = ConfirmDeviceForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(
                request, device=device, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code", error.message)
            status = 400
        else:
            return render(request, "accounts/backup_codes.html",
                          {"codes": codes, "next": _next_url(request)})
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            # qrcode's own SVG paths, made from our device's address: no user input in it.
            "qr_svg": mark_safe(twofactor.qr_code_svg(device)),  # noqa: S308
            "secret": twofactor.secret_for_manual_entry(device),
            "required": twofactor.is_required_for(user),
            "replacing": twofactor.authenticator(user) is not None,
            "next": _next_url(request, default=""),
        },
        status=status,
    )


@never_cache
@require_POST
@login_required
def backup_codes(request):
    try:
        codes = twofactor.regenerate_backup_codes(actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("accounts:security")
    return render(request, "accounts/backup_codes.html",
                  {"codes": codes, "next": reverse("accounts:security")})


@require_POST
@login_required
def otp_remove(request):
    try:
        twofactor.remove(actor=request.user, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Die Zwei-Faktor-Anmeldung wurde entfernt."))
    return redirect("accounts:security")
