"""The central calendar: month/week/day/list views, the events feed, moving posts, ICS.

The queries live in ``newsroom.calendar``; moving calls ``reschedule_post``, so the review
rules are the same as in the composer. Another department's post answers 404.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.models import ChannelAccount
from channels_publish.networks import Network
from newsroom import calendar
from newsroom.errors import DomainError
from newsroom.models import CalendarFeedToken, PostStatus
from newsroom.services import posts as post_services

P = DepartmentPermission
LIST_DAYS = 14
# A phone list longer than this helps nobody: the rest follows on the next page.
LIST_LIMIT = 300
# The events feed answers for at most this long a range (a year view is not offered).
MAX_RANGE = timedelta(days=62)


def _filter_choices(user) -> dict:
    """What the filter form offers: the person's departments, networks, channels, statuses."""
    departments = permissions.filter_by_department(
        Department.objects.filter(is_active=True), user, P.VIEW_WORK, field_name="pk"
    ).order_by("number").only("id", "name", "number", "colour")
    ids = permissions.department_ids_with(user, P.VIEW_WORK)
    channels = ChannelAccount.objects.usable().only("id", "name", "network")
    if not isinstance(ids, permissions.AllDepartments):
        channels = channels.filter(
            channelaccountgroupobjectpermission__group__department__in=ids
        ).distinct()
    return {
        "departments": list(departments),
        "networks": Network.choices,
        "channels": list(channels.order_by("network", "name")),
        "statuses": list(calendar.status_labels().items()),
    }


def _range(request) -> tuple[datetime, datetime]:
    now = timezone.now()
    start = calendar.parse_moment(request.GET.get("start"), now - timedelta(days=7))
    end = calendar.parse_moment(request.GET.get("end"), start + timedelta(days=35))
    if end <= start:
        end = start + timedelta(days=1)
    return start, min(end, start + MAX_RANGE)


@login_required
@require_GET
def calendar_page(request):
    """The calendar with FullCalendar; filters are a GET form, so every view is a link."""
    permissions.require(request.user, "calendar.view")
    filters = calendar.CalendarFilters.from_query(request.GET)
    query = urlencode(filters.as_query())
    return render(request, "newsroom/calendar/calendar.html", {
        "filters": filters,
        "choices": _filter_choices(request.user),
        "query": query,
        "events_url": reverse("newsroom:calendar_events"),
        "warnings_url": reverse("newsroom:calendar_warnings"),
        "initial_view": request.GET.get("view", "dayGridMonth"),
        "initial_date": request.GET.get("date", ""),
    })


@login_required
@require_GET
def calendar_events(request):
    """The events of a range as FullCalendar JSON (a constant number of queries)."""
    permissions.require(request.user, "calendar.view")
    start, end = _range(request)
    filters = calendar.CalendarFilters.from_query(request.GET)
    return JsonResponse(calendar.events(request.user, start, end, filters), safe=False)


@login_required
@require_GET
def calendar_warnings(request):
    """Crowded channels and idle departments for the visible range (an HTML fragment)."""
    permissions.require(request.user, "calendar.view")
    start, end = _range(request)
    filters = calendar.CalendarFilters.from_query(request.GET)
    return render(request, "newsroom/calendar/_warnings.html", {
        "warnings": calendar.warnings_for(request.user, start, end, filters),
    })


@login_required
@require_GET
def calendar_list(request):
    """The calendar as a server-rendered list: for phones and without JavaScript."""
    permissions.require(request.user, "calendar.view")
    filters = calendar.CalendarFilters.from_query(request.GET)
    today = timezone.localtime(timezone.now(), calendar.BERLIN).date()
    first_moment = calendar.parse_moment(request.GET.get("from"))
    first = first_moment.date() if first_moment else today
    start = datetime.combine(first, datetime.min.time(), calendar.BERLIN)
    end = start + timedelta(days=LIST_DAYS)
    posts = list(calendar.posts_in_range(request.user, start, end, filters)[:LIST_LIMIT + 1])
    more_from = None
    if len(posts) > LIST_LIMIT:
        posts = posts[:LIST_LIMIT]
        more_from = timezone.localtime(posts[-1].calendar_at, calendar.BERLIN).date()
        # Never the same page again: a day fuller than the limit moves on by one day.
        if more_from == first:
            more_from += timedelta(days=1)
    labels = calendar.network_labels()
    for post in posts:
        post.badge, post.badge_label = calendar.display_status(post)
        post.network_names = [
            labels.get(n, n) for n in sorted({a.network for a in post.channel_accounts.all()})
        ]
    query = filters.as_query()
    return render(request, "newsroom/calendar/list.html", {
        "days": calendar.day_groups(posts),
        "first": first,
        "last": first + timedelta(days=LIST_DAYS - 1),
        "previous_url": "?" + urlencode([("from", (first - timedelta(days=LIST_DAYS)).isoformat()),
                                         *query]),
        "next_url": "?" + urlencode([("from", (first + timedelta(days=LIST_DAYS)).isoformat()),
                                     *query]),
        "more_url": "?" + urlencode([("from", more_from.isoformat()), *query])
        if more_from else "",
        "more_from": more_from,
        "filters": filters,
        "choices": _filter_choices(request.user),
        "query": urlencode(query),
        "warnings": calendar.warnings_for(request.user, start, end, filters),
    })


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"ok": False, "error": str(message)}, status=status)


@login_required
@require_POST
def calendar_move(request, pk: int):
    """Move a post to a new time (drag and drop). Answers JSON; errors carry the German text."""
    post = get_object_or_404(calendar.visible_posts(request.user), pk=pk)
    permissions.require(request.user, "post.edit", post)
    new_start = calendar.parse_moment(request.POST.get("start"))
    if new_start is None:
        return _json_error(_("Bitte geben Sie eine gültige neue Zeit an."))
    version = request.POST.get("version", "")
    was = post.status
    try:
        moved = post_services.reschedule_post(
            actor=request.user, post=post, scheduled_at=new_start,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        return _json_error(exc.message, status=409 if exc.code == "conflict" else 400)
    sent_to_review = moved.status == PostStatus.IN_REVIEW and (
        was != PostStatus.IN_REVIEW or moved.version != post.version
    )
    if sent_to_review:
        message = _("Der Beitrag wurde verschoben und muss erneut geprüft werden.")
    else:
        message = _("Der Beitrag wurde verschoben.")
    return JsonResponse({
        "ok": True,
        "message": message,
        "needsReview": sent_to_review,
        "status": moved.status,
        "statusLabel": moved.get_status_display(),
        "version": moved.version,
        "start": timezone.localtime(moved.scheduled_at, calendar.BERLIN).isoformat(),
    })


@login_required
@require_GET
def calendar_move_check(request, pk: int):
    """Before a move: does it need a new review? (The event data carries the same flag.)"""
    post = get_object_or_404(calendar.visible_posts(request.user), pk=pk)
    permissions.require(request.user, "post.edit", post)
    needs_review = calendar.needs_review_to_move(request.user, post)
    return JsonResponse({
        "needsReview": needs_review,
        "message": _("Nach dem Verschieben muss der Beitrag erneut geprüft werden.")
        if needs_review else "",
    })


# --- ICS subscription -----------------------------------------------------------------------
@login_required
def calendar_feed_settings(request):
    """Create (shown once) or revoke the personal ICS subscription address."""
    permissions.require(request.user, "calendar.view")
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            # One personal address at a time: a new one replaces the old.
            CalendarFeedToken.objects.active().filter(user=request.user).update(
                revoked_at=timezone.now()
            )
            _token, secret = CalendarFeedToken.issue(request.user)
            new_url = request.build_absolute_uri(
                reverse("newsroom:calendar_ics", kwargs={"token": secret})
            )
        elif action == "revoke":
            token = get_object_or_404(
                CalendarFeedToken.objects.active(), pk=request.POST.get("token_id") or 0,
                user=request.user,
            )
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
        else:
            return HttpResponse(status=400)
    return render(request, "newsroom/calendar/subscription.html", {
        "tokens": CalendarFeedToken.objects.filter(user=request.user)[:10],
        "new_url": new_url,
    })


@require_GET
def calendar_ics(request, token: str):
    """The ICS feed: public URL, the secret token is the only authentication."""
    feed = CalendarFeedToken.find(token)
    if feed is None or not permissions.can(feed.user, "calendar.view"):
        raise Http404
    body = calendar.ics_for(feed.user, request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="newsroom.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response

