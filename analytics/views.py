"""The analytics pages. Thin doors: they check who may see which figures, ask
``services.figures`` for them, and render a page, a CSV or an XLSX file.

Departments see their own figures; duty editors and administrators see all. Another
department's dashboard, account or post answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.views import visible_accounts
from newsroom.models import Post

from .services import exports, figures, reports
from .services import topics as topic_services

TOPIC_PERIODS = {"24": 24, "168": 168, "720": 720}
CONVERSATIONS_PAGE_SIZE = 25


def _department_ids(user):
    return permissions.department_ids_with(user, DepartmentPermission.VIEW_WORK)


def _sees_all(user) -> bool:
    return permissions.can(user, "analytics.city")


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
    return _render_dashboard(request, reports.department_scope(found),
                             {"kind": "department", "department": found})


@login_required
@require_GET
def account(request, pk: int):
    """One channel account's dashboard; departments see only their own posts on it."""
    found = get_object_or_404(visible_accounts(request.user), pk=pk)
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


def _topic_hours(request) -> int:
    return TOPIC_PERIODS.get(request.GET.get("hours", ""), 168)


@login_required
@require_GET
def topics(request):
    """Rising keywords and hashtags: this period against the one before."""
    permissions.require(request.user, "analytics.view")
    hours = _topic_hours(request)
    rising = topic_services.rising_topics(request.user, hours)
    return render(request, "analytics/topics.html", {
        "rows": rising, "hours": hours, "chart": topic_services.rising_chart(rising),
        "hour_choices": [(key, value) for key, value in TOPIC_PERIODS.items()],
    })


@login_required
@require_GET
def topic(request, keyword: str):
    """One keyword: messages per hour; the conversations behind it, newest first, for those
    who handle them in the inbox (others see only the counts)."""
    permissions.require(request.user, "analytics.view")
    hours = _topic_hours(request)
    detail = topic_services.topic_detail(request.user, keyword, hours)
    page = None
    if detail.conversations is not None:
        page = Paginator(detail.conversations, CONVERSATIONS_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(request, "analytics/topic.html", {
        "keyword": keyword, "hours": hours, "page": page, "hourly": detail.hourly,
        "total": detail.total, "conversation_count": detail.conversation_count,
    })
