"""Moving a post in time from its own page: the keyboard way to do what the calendar does by
drag and drop (WCAG 2.1.1), through the same service function."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from newsroom import calendar
from newsroom.errors import DomainError
from newsroom.services import posts as post_services
from newsroom.web.fields import BerlinDateTimeField


class RescheduleForm(forms.Form):
    """The new time as Berlin wall-clock time; whether it lies ahead is the service's rule."""

    scheduled_at = BerlinDateTimeField(
        error_messages={"required": gettext_lazy("Bitte geben Sie einen gültigen neuen Termin an.")}
    )
    version = forms.IntegerField(required=False, min_value=0)


@login_required
@require_POST
def post_reschedule(request, pk: int):
    post = get_object_or_404(calendar.visible_posts(request.user), pk=pk)
    permissions.require(request.user, "post.edit", post)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        errors = form.errors.get("scheduled_at") or [
            _("Die gelesene Fassung fehlt. Bitte laden Sie die Seite neu.")
        ]
        messages.error(request, errors[0])
        return redirect("newsroom:post_detail", pk=post.pk)
    try:
        moved = post_services.reschedule_post(
            actor=request.user, post=post, scheduled_at=form.cleaned_data["scheduled_at"],
            expected_version=form.cleaned_data["version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Beitrag wurde verschoben."))
        post = moved
    return redirect("newsroom:post_detail", pk=post.pk)
