"""The analytics pages. Thin doors: they check who may see which figures, ask
``services.figures`` for them, and render a page, a CSV or an XLSX file.

Departments see their own figures; duty editors and administrators see all. Another
department's dashboard, account or post answers 404.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.models import ChannelAccount
from newsroom.models import Post

from .models import TopicCount
from .services import exports, figures

TOPIC_PERIODS = {"24": 24, "168": 168, "720": 720}
TOPIC_LIMIT = 30
CONVERSATIONS_PAGE_SIZE = 25


def _department_ids(user):
    return permissions.department_ids_with(user, DepartmentPermission.VIEW_WORK)


def _sees_all(user) -> bool:
    return permissions.can(user, "analytics.city")


def _visible_accounts(user):
    accounts = ChannelAccount.objects.all()
    if _sees_all(user):
        return accounts
    return accounts.filter(
        channelaccountgroupobjectpermission__group__department__in=_department_ids(user)
    ).distinct()


def _chart(series: list[dict]) -> dict:
    """The series as Chart.js reads it (passed through ``json_script``)."""
    return {
        "labels": [point["label"] for point in series],
        "datasets": [
            {"label": _("Impressionen"), "data": [p["impressions"] for p in series],
             "axis": "y"},
            {"label": _("Interaktionen"), "data": [p["engagement"] for p in series],
             "axis": "y1"},
            {"label": _("Follower"), "data": [p["followers"] for p in series], "axis": "y2"},
        ],
    }


def _render_dashboard(request, scope: figures.Scope, context: dict):
    period = figures.period_from(request.GET)
    dashboard = figures.build_dashboard(scope, period)
    export = request.GET.get("export")
    if export == "csv":
        return exports.as_csv(dashboard)
    if export == "xlsx":
        return exports.as_xlsx(dashboard)
    return render(request, "analytics/dashboard.html", {
        **context,
        "dashboard": dashboard,
        "period": period,
        "previous_period": period.previous(),
        "periods": figures.PERIODS,
        "chart": _chart(dashboard.series),
        "departments": _department_links(request.user),
        "may_city": _sees_all(request.user),
    })


def _department_links(user):
    departments = Department.objects.filter(is_active=True).order_by("number")
    if not _sees_all(user):
        departments = departments.filter(pk__in=_department_ids(user))
    return list(departments)


@login_required
@require_GET
def index(request):
    """City-wide figures for those who see all, otherwise the first own department's."""
    permissions.require(request.user, "analytics.view")
    if _sees_all(request.user):
        return redirect("analytics:city")
    first = _department_links(request.user)
    if not first:
        raise PermissionDenied("analytics.view")
    return redirect("analytics:department", pk=first[0].pk)


@login_required
@require_GET
def city(request):
    """The city-wide dashboard."""
    permissions.require(request.user, "analytics.city")
    scope = figures.Scope(title=_("Stadtweit"))
    return _render_dashboard(request, scope, {"kind": "city"})


@login_required
@require_GET
def department(request, pk: int):
    """One department's dashboard."""
    found = get_object_or_404(Department, pk=pk, is_active=True)
    if not permissions.can(request.user, "analytics.department", found):
        raise Http404
    accounts = tuple(
        ChannelAccount.objects.granted_to(found).values_list("pk", flat=True)
    )
    scope = figures.Scope(title=str(found.name), q=Q(department=found), account_ids=accounts)
    return _render_dashboard(request, scope, {"kind": "department", "department": found})


@login_required
@require_GET
def account(request, pk: int):
    """One channel account's dashboard; departments see only their own posts on it."""
    found = get_object_or_404(_visible_accounts(request.user), pk=pk)
    q = Q(channel_account=found)
    if not _sees_all(request.user):
        q &= Q(department_id__in=_department_ids(request.user))
    scope = figures.Scope(title=str(found), q=q, account_ids=(found.pk,))
    return _render_dashboard(request, scope, {"kind": "account", "account": found})


@login_required
@require_GET
def post(request, pk: int):
    """One post on all its channels side by side."""
    found = get_object_or_404(
        permissions.filter_by_department(
            Post.objects.select_related("department"), request.user,
            DepartmentPermission.VIEW_WORK,
        ),
        pk=pk,
    )
    data = figures.post_figures(found)
    chart = {"labels": data["days"], "datasets": [
        {"label": line["label"], "data": line["values"], "axis": "y"} for line in data["lines"]
    ]}
    return render(request, "analytics/post.html", {
        "post": found, "figures": data, "chart": chart,
    })


def _topic_counts(user):
    counts = TopicCount.objects.all()
    if not _sees_all(user):
        counts = counts.filter(department_id__in=_department_ids(user))
    return counts


def _topic_hours(request) -> int:
    return TOPIC_PERIODS.get(request.GET.get("hours", ""), 168)


@login_required
@require_GET
def topics(request):
    """Rising keywords and hashtags: this period against the one before (two queries)."""
    permissions.require(request.user, "analytics.view")
    hours = _topic_hours(request)
    now = timezone.now()
    since, before = now - timedelta(hours=hours), now - timedelta(hours=2 * hours)
    counts = _topic_counts(request.user)
    current = list(
        counts.filter(hour__gte=since).values("keyword").annotate(total=Sum("count"))
        .order_by("-total", "keyword")[:TOPIC_LIMIT]
    )
    previous = dict(
        counts.filter(hour__gte=before, hour__lt=since,
                      keyword__in=[row["keyword"] for row in current])
        .values("keyword").annotate(total=Sum("count")).values_list("keyword", "total")
    )
    for row in current:
        row["previous"] = previous.get(row["keyword"], 0)
        row["growth"] = row["total"] - row["previous"]
        row["ratio"] = round(row["total"] / row["previous"], 1) if row["previous"] else None
    rising = sorted(current, key=lambda r: (-r["growth"], r["keyword"]))
    chart = {
        "labels": [row["keyword"] for row in rising[:10]],
        "datasets": [
            {"label": _("Diese Periode"), "data": [row["total"] for row in rising[:10]],
             "axis": "y"},
            {"label": _("Vorperiode"), "data": [row["previous"] for row in rising[:10]],
             "axis": "y"},
        ],
        "type": "bar",
    }
    return render(request, "analytics/topics.html", {
        "rows": rising, "hours": hours, "chart": chart,
        "hour_choices": [(key, value) for key, value in TOPIC_PERIODS.items()],
    })


@login_required
@require_GET
def topic(request, keyword: str):
    """The conversations behind one keyword, newest first."""
    permissions.require(request.user, "analytics.view")
    from inbox.models import Conversation

    hours = _topic_hours(request)
    since = timezone.now() - timedelta(hours=hours)
    rows = list(
        _topic_counts(request.user).filter(keyword=keyword, hour__gte=since)
        .order_by("hour").values_list("hour", "count", "conversation_ids")
    )
    ids = {pk for _hour, _count, found in rows for pk in found}
    conversations = Conversation.objects.filter(pk__in=ids).select_related(
        "channel_account", "department"
    ).order_by("-last_message_at", "-pk")
    if not _sees_all(request.user):
        conversations = conversations.filter(department_id__in=_department_ids(request.user))
    page = Paginator(conversations, CONVERSATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "analytics/topic.html", {
        "keyword": keyword, "hours": hours, "page": page,
        "hourly": [{"hour": hour, "count": count} for hour, count, _ids in rows],
        "total": sum(count for _hour, count, _ids in rows),
    })
