"""The monthly report per department, by email, once per month."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from accounts.roles import Role
from analytics import tasks
from analytics.models import MonthlyReport
from analytics.services import collection, reports
from channels_publish.adapters.metrics import PostMetrics
from newsroom.calendar import BERLIN
from tests.factories import channel, member

from .conftest import published

pytestmark = pytest.mark.django_db


def test_it_mails_last_months_figures_to_heads_and_editors_once(
    department, head, editor, community, settings, django_capture_on_commit_callbacks,
):
    account = channel("facebook", department)
    moment = datetime(2026, 10, 14, 12, tzinfo=BERLIN)
    delivery = published(account, "fb-report", moment, department, title="Herbstputz")
    delivery.channel_account = account
    collection.store_metrics(delivery, PostMetrics(impressions=4321, reactions=99), moment)

    with django_capture_on_commit_callbacks(execute=True):
        sent = reports.send_monthly_reports(now=datetime(2026, 11, 2, 8, tzinfo=BERLIN))
    assert [r.month for r in sent] == [date(2026, 10, 1)]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == sorted([head.email, editor.email])
    assert community.email not in message.to
    assert "10/2026" in message.subject
    html = message.alternatives[0][0]
    assert "4321" in html and "Herbstputz" in html
    assert "4321" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        again = reports.send_monthly_reports(now=datetime(2026, 11, 3, 8, tzinfo=BERLIN))
    assert again == []
    assert len(mail.outbox) == 1
    assert MonthlyReport.objects.count() == 1


def test_the_task_and_the_command_send_through_the_same_service(
    department, head, django_capture_on_commit_callbacks,
):
    other = member(Role.HEAD, None)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_monthly_reports() == 2
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_monthly_reports", month="2026-01")
    assert len(mail.outbox) == 4
    assert {tuple(m.to) for m in mail.outbox[2:]} == {(head.email,), (other.email,)}
    previous = reports.previous_month()
    assert previous.day == 1
    assert previous < date.today() + timedelta(days=1)
