"""Moving a post in time from its own page: the keyboard way to do what the calendar does by
drag and drop (WCAG 2.1.1), through the same service function."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from newsroom import calendar
from newsroom.errors import DomainError
from newsroom.services import posts as post_services
from newsroom.timezones import berlin_wall_clock_to_aware


def _parse_local(value: str) -> datetime | None:
    """A ``datetime-local`` value (Berlin wall-clock time) as an aware datetime; a time that
    does not exist or exists twice (change of daylight saving time) raises DomainError."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return berlin_wall_clock_to_aware(moment)


@login_required
@require_POST
def post_reschedule(request, pk: int):
    post = get_object_or_404(calendar.visible_posts(request.user), pk=pk)
    permissions.require(request.user, "post.edit", post)
    try:
        new_time = _parse_local(request.POST.get("scheduled_at", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("newsroom:post_detail", pk=post.pk)
    if new_time is None:
        messages.error(request, _("Bitte geben Sie einen gültigen neuen Termin an."))
        return redirect("newsroom:post_detail", pk=post.pk)
    if new_time <= timezone.now():
        messages.error(request, _("Die neue Zeit liegt in der Vergangenheit."))
        return redirect("newsroom:post_detail", pk=post.pk)
    version = request.POST.get("version", "")
    try:
        moved = post_services.reschedule_post(
            actor=request.user, post=post, scheduled_at=new_time,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Beitrag wurde verschoben."))
        post = moved
    return redirect("newsroom:post_detail", pk=post.pk)
