"""A head of department opens the department's dashboard: the chart is drawn (CSP-safe), the
figures in its table are the stored ones, and another period can be chosen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from analytics.services import collection
from channels_publish.adapters.metrics import PostMetrics
from tests.analytics.conftest import published
from tests.factories import PASSWORD, channel, member

from .conftest import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_head_reads_the_department_dashboard(page, live_server, department):
    head = member(Role.HEAD, department, username="ana-leitung")
    account = channel("facebook", department, name="Umweltamt Facebook")
    now = timezone.now()
    for number, impressions in enumerate((1200, 3400)):
        delivery = published(account, f"fb-{number}", now - timedelta(days=2 + number),
                             department, title=f"Baumpflanzung {number}")
        delivery.channel_account = account
        collection.store_metrics(delivery, PostMetrics(impressions=impressions, reactions=50,
                                                       comments=10), now)

    login(page, live_server, head.username, PASSWORD)
    page.get_by_role("link", name="Auswertung").first.click()
    page.wait_for_url(f"{live_server.url}/analytics/departments/{department.pk}/")
    page.get_by_role("heading", name="Auswertung: Umweltamt").wait_for()

    page.wait_for_selector("canvas[data-chart][data-drawn='true']")
    assert page.evaluate("typeof window.Chart") == "function"
    impressions = page.locator("#key-figures-table tr[data-figure='impressions'] td").first
    assert impressions.get_attribute("data-value") == "4600"
    top = page.locator("#top-posts-table tbody tr").first
    assert "Baumpflanzung" in top.inner_text()

    page.get_by_label("Zeitraum", exact=True).select_option("7")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url("**period=7**")
    page.wait_for_selector("canvas[data-chart][data-drawn='true']")
    assert page.locator("#trend-table tbody tr").count() == 7
