"""The dashboards show exactly the stored figures, for the right people, at a constant cost."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analytics.models import DeliveryMetrics, FollowerSnapshot, MetricSnapshot
from analytics.services import collection
from analytics.services.figures import Period, period_from
from channels_publish.adapters.metrics import PostMetrics
from tests.factories import channel, member

from .conftest import published

pytestmark = pytest.mark.django_db


def figures_for(number: int) -> PostMetrics:
    return PostMetrics(impressions=1000 + number, reach=700 + number, reactions=40 + number,
                       comments=5, shares=3, clicks=number, saves=1)


def seed(department, account, count: int, days_back: int = 3, title="Beitrag"):
    """Published deliveries with today's snapshot stored through the collection service."""
    now = timezone.now()
    deliveries = []
    for number in range(count):
        delivery = published(account, f"r{account.pk}-{number}", now - timedelta(days=days_back),
                             department, title=f"{title} {number}")
        delivery.channel_account = account
        collection.store_metrics(delivery, figures_for(number), now)
        deliveries.append(delivery)
    return deliveries


@pytest.fixture
def world(department, other_department):
    own = channel("facebook", department, name="Umweltamt Facebook")
    other = channel("x", other_department, name="Verkehr X")
    seed(department, own, 3)
    seed(other_department, other, 2, title="Verkehr")
    today = collection.today()
    FollowerSnapshot.objects.create(channel_account=own, day=today - timedelta(days=40),
                                    followers=900)
    FollowerSnapshot.objects.create(channel_account=own, day=today - timedelta(days=28),
                                    followers=1000)
    FollowerSnapshot.objects.create(channel_account=own, day=today, followers=1100)
    FollowerSnapshot.objects.create(channel_account=other, day=today, followers=500)
    return {"own": own, "other": other}


def rows(response):
    return {row["key"]: row for row in response.context["dashboard"].comparison}


def test_city_figures_equal_the_stored_snapshots(client, duty_editor, world):
    client.force_login(duty_editor)
    response = client.get(reverse("analytics:city"))
    assert response.status_code == 200
    figures = rows(response)
    stored = MetricSnapshot.objects.aggregate(
        impressions=Sum("impressions"), reach=Sum("reach"), reactions=Sum("reactions"),
        comments=Sum("comments"), shares=Sum("shares"), clicks=Sum("clicks"),
    )
    for key in ("impressions", "reach", "reactions", "comments", "shares", "clicks"):
        assert figures[key]["value"] == stored[key], key
    engagement = sum(stored[k] for k in ("reactions", "comments", "shares", "clicks"))
    assert figures["engagement"]["value"] == engagement
    assert figures["engagement_rate"]["value"] == round(100 * engagement / stored["impressions"],
                                                        2)
    assert figures["posts"]["value"] == 5
    assert figures["followers_end"]["value"] == 1600
    # 28 days: growth from the count the day before the period (1000) to today's (1100 + 500).
    assert figures["follower_growth"]["value"] == 600
    content = response.content.decode()
    assert f'data-value="{stored["impressions"]}"' in content
    assert "chart-data" in content


def test_a_department_sees_only_its_own_figures(client, editor, world, department):
    client.force_login(editor)
    response = client.get(reverse("analytics:department", args=[department.pk]))
    assert response.status_code == 200
    own = DeliveryMetrics.objects.filter(department=department).aggregate(Sum("impressions"))
    assert rows(response)["impressions"]["value"] == own["impressions__sum"]
    assert rows(response)["followers_end"]["value"] == 1100
    assert "Verkehr" not in response.content.decode()


def test_another_departments_dashboard_is_not_found(client, editor, other_department, world):
    client.force_login(editor)
    assert client.get(reverse("analytics:department", args=[other_department.pk])
                      ).status_code == 404
    assert client.get(reverse("analytics:account", args=[world["other"].pk])).status_code == 404
    assert client.get(reverse("analytics:city")).status_code == 403


def test_the_account_dashboard_shows_the_accounts_figures(client, head, world):
    client.force_login(head)
    response = client.get(reverse("analytics:account", args=[world["own"].pk]))
    stored = MetricSnapshot.objects.filter(delivery__channel_account=world["own"]).aggregate(
        Sum("impressions"))
    assert rows(response)["impressions"]["value"] == stored["impressions__sum"]


def test_the_post_dashboard_shows_all_channels_side_by_side(client, editor, department):
    facebook = channel("facebook", department, name="FB")
    x = channel("x", department, name="X")
    now = timezone.now()
    delivery = published(facebook, "fb-1", now - timedelta(days=2), department)
    post = delivery.post
    post.channel_accounts.add(x)
    from channels_publish.models import Delivery, DeliveryStatus

    second = Delivery.objects.create(
        post=post, channel_account=x, post_version=1, due_at=delivery.due_at,
        next_attempt_at=delivery.due_at, status=DeliveryStatus.PUBLISHED,
        published_at=delivery.published_at, remote_id="x-1",
    )
    delivery.channel_account = facebook
    second.channel_account = x
    collection.store_metrics(delivery, figures_for(1), now - timedelta(days=1))
    collection.store_metrics(delivery, figures_for(5), now)
    collection.store_metrics(second, figures_for(2), now)
    client.force_login(editor)
    response = client.get(reverse("analytics:post", args=[post.pk]))
    assert response.status_code == 200
    data = response.context["figures"]
    assert [row.impressions for row in data["rows"]] == [1005, 1002]
    assert data["total"].impressions == 2007
    assert [line["values"] for line in data["lines"]] == [[1001, 1005], [None, 1002]]


def test_the_query_count_stays_the_same_as_data_grows(client, duty_editor, department, world):
    client.force_login(duty_editor)
    url = reverse("analytics:city") + "?period=90"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = channel("instagram", department, name="Mehr")
    seed(department, more, 30, days_back=10, title="Mehr")
    seed(department, more, 10, days_back=50, title="Älter")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_it_exports_the_dashboard_as_csv_and_xlsx(client, duty_editor, world):
    client.force_login(duty_editor)
    response = client.get(reverse("analytics:city"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    impressions = next(row for row in table if row and row[0] == "Impressionen")
    assert int(impressions[1]) == MetricSnapshot.objects.aggregate(Sum("impressions"))[
        "impressions__sum"]

    response = client.get(reverse("analytics:city"), {"export": "xlsx"})
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames[0] == "Kennzahlen"
    sheet = workbook["Kennzahlen"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["Impressionen"] == int(impressions[1])


def test_the_period_comes_from_the_query_and_compares_with_the_one_before():
    now = timezone.now()
    period = period_from({"period": "7", "end": "2026-03-10"}, now=now)
    assert period == Period(period.last_day - timedelta(days=6), period.last_day)
    assert period.previous().last_day == period.first_day - timedelta(days=1)
    assert period.previous().days == 7
    assert period_from({"period": "bogus"}, now=now).days == 28


def test_best_time_to_post_comes_from_our_own_history(client, duty_editor, department):
    from datetime import datetime

    from newsroom.calendar import BERLIN

    account = channel("facebook", department, name="FB")
    base = timezone.localtime(timezone.now(), BERLIN).replace(minute=0, second=0, microsecond=0)
    for week in range(1, 5):
        for hour, reactions in ((9, 10), (18, 90)):
            moment = datetime.combine((base - timedelta(weeks=week)).date(),
                                      datetime.min.time(), BERLIN).replace(hour=hour)
            delivery = published(account, f"fb-{week}-{hour}", moment, department,
                                 title=f"W{week} {hour}")
            delivery.channel_account = account
            collection.store_metrics(delivery, PostMetrics(impressions=1000,
                                                           reactions=reactions), timezone.now())
    client.force_login(duty_editor)
    best = client.get(reverse("analytics:city")).context["dashboard"].best_times
    assert best[0]["network"] == "facebook"
    assert best[0]["slots"][0]["hour"] == 18
    assert best[0]["slots"][0]["per_post"] == 90


def test_the_index_sends_each_person_to_their_figures(client, duty_editor, editor, department):
    client.force_login(duty_editor)
    assert client.get(reverse("analytics:index"))["Location"] == reverse("analytics:city")
    client.force_login(editor)
    assert client.get(reverse("analytics:index"))["Location"] == reverse(
        "analytics:department", args=[department.pk])


def test_people_without_a_role_see_no_figures(client, department):
    outsider = member(Role.EDITOR, None)
    outsider.memberships.all().delete()
    client.force_login(outsider)
    assert client.get(reverse("analytics:index")).status_code == 403


def test_published_posts_and_channel_accounts_link_to_their_dashboards(client, head, department):
    facebook = channel("facebook", department, name="Umweltamt Facebook")
    delivery = published(facebook, "fb-link", timezone.now() - timedelta(days=1), department)
    client.force_login(head)

    post_page = client.get(reverse("newsroom:post_detail", kwargs={"pk": delivery.post_id}))
    accounts_page = client.get(reverse("channels:accounts"))

    assert reverse("analytics:post", kwargs={"pk": delivery.post_id}) in post_page.content.decode()
    assert reverse("analytics:account", kwargs={"pk": facebook.pk}) in (
        accounts_page.content.decode())
