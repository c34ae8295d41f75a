"""The monthly report: last month's figures of a department, by email to its heads and editors.

Sent once per department and month (the database forbids a second ``MonthlyReport``), so the
daily task and the command may run as often as they like. The email goes out after commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Department
from accounts.roles import Role
from channels_publish.models import ChannelAccount
from newsroom import audit
from newsroom.calendar import BERLIN

from ..models import MonthlyReport
from . import figures

audit.register_actions({
    "analytics.report.sent": gettext_lazy(
        "Monatsbericht %(month)s an das Amt %(object)s versandt (%(recipients)s Empfänger)."
    ),
})

RECIPIENT_ROLES = (Role.HEAD, Role.EDITOR)


def previous_month(now: datetime | None = None) -> date:
    """The first day of last month (in Berlin)."""
    today = timezone.localtime(now or timezone.now(), BERLIN).date()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def month_period(first: date) -> figures.Period:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return figures.Period(first, following - timedelta(days=1))


def recipients_of(department: Department) -> list[str]:
    """The email addresses of the department's heads and editors."""
    users = get_user_model().objects.filter(
        is_active=True, memberships__department=department,
        memberships__role__in=RECIPIENT_ROLES,
    ).exclude(email="").distinct().order_by("email")
    return list(users.values_list("email", flat=True))


def department_scope(department: Department) -> figures.Scope:
    from django.db.models import Q

    accounts = tuple(ChannelAccount.objects.granted_to(department).values_list("pk", flat=True))
    return figures.Scope(title=str(department.name), q=Q(department=department),
                         account_ids=accounts)


def render_report(department: Department, first: date) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a department's report for the month starting ``first``."""
    period = month_period(first)
    dashboard = figures.build_dashboard(department_scope(department), period)
    context = {
        "department": department,
        "dashboard": dashboard,
        "period": period,
        "month": first.strftime("%m/%Y"),
        "url": settings.NEWSROOM_BASE_URL + reverse(
            "analytics:department", kwargs={"pk": department.pk}
        ) + f"?period=28&end={period.last_day.isoformat()}",
    }
    subject = _("Monatsbericht %(month)s: %(department)s") % {
        "month": context["month"], "department": department.name,
    }
    text = render_to_string("analytics/email/monthly_report.txt", context)
    html = render_to_string("analytics/email/monthly_report.html", context)
    return subject, text, html


def send_monthly_report(department: Department, first: date) -> MonthlyReport | None:
    """Send one department's report for one month, unless it was sent already."""
    # The daily task calls this for every department: a report sent already costs one query,
    # not a whole dashboard. The check inside the transaction (and the unique constraint)
    # still decide between concurrent runs.
    if MonthlyReport.objects.filter(department=department, month=first).exists():
        return None
    recipients = recipients_of(department)
    if not recipients:
        return None
    subject, text, html = render_report(department, first)
    try:
        with transaction.atomic():
            if MonthlyReport.objects.filter(department=department, month=first).exists():
                return None
            report = MonthlyReport.objects.create(
                department=department, month=first, recipients=recipients
            )
            audit.log("analytics.report.sent", obj=department, department=department, data={
                "month": first.strftime("%m/%Y"), "recipients": len(recipients),
            })

            def send() -> None:
                message = EmailMultiAlternatives(subject, text, to=recipients)
                message.attach_alternative(html, "text/html")
                message.send()

            transaction.on_commit(send)
    except IntegrityError:  # sent by a concurrent run
        return None
    return report


def send_monthly_reports(now: datetime | None = None, month: date | None = None
                         ) -> list[MonthlyReport]:
    """Last month's report (or ``month``'s) to every active department that has not had it."""
    first = month or previous_month(now)
    sent = []
    for department in Department.objects.filter(is_active=True).order_by("number"):
        report = send_monthly_report(department, first)
        if report is not None:
            sent.append(report)
    return sent
