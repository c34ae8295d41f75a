"""The figures on the dashboards: one scope (city, department, account, post), one period.

Everything is read from ``DeliveryMetrics`` (the latest figures of each delivery) and
``FollowerSnapshot``; a delivery counts towards the period in which it was published. A whole
dashboard takes a constant number of queries, however many deliveries there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.calendar import BERLIN

from ..models import ENGAGEMENT_FIELDS, FIGURE_FIELDS, DeliveryMetrics, FollowerSnapshot

PERIODS = {
    "7": gettext_lazy("7 Tage"),
    "28": gettext_lazy("28 Tage"),
    "90": gettext_lazy("90 Tage"),
    "365": gettext_lazy("365 Tage"),
}
DEFAULT_PERIOD = "28"
FOLLOWER_LOOKBACK = timedelta(days=31)
BEST_TIME_LOOKBACK = timedelta(days=365)
BEST_TIME_MIN_POSTS = 3
BEST_TIME_SLOTS = 3
TOP_POSTS = 10
WEEKDAYS = [
    gettext_lazy("Montag"), gettext_lazy("Dienstag"), gettext_lazy("Mittwoch"),
    gettext_lazy("Donnerstag"), gettext_lazy("Freitag"), gettext_lazy("Samstag"),
    gettext_lazy("Sonntag"),
]
ENGAGEMENT = F("reactions") + F("comments") + F("shares") + F("clicks")


@dataclass(frozen=True)
class Period:
    """Whole days in Berlin: from ``first_day`` to ``last_day`` inclusive."""

    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, BERLIN)

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, BERLIN)

    def previous(self) -> Period:
        """The period of the same length right before."""
        last = self.first_day - timedelta(days=1)
        return Period(last - timedelta(days=self.days - 1), last)

    @property
    def bucket(self) -> str:
        """The chart's step: days up to a month, weeks up to a quarter, then months."""
        if self.days <= 31:
            return "day"
        if self.days <= 92:
            return "week"
        return "month"

    @property
    def key(self) -> str:
        return str(self.days)


def period_from(params: Any, now: datetime | None = None) -> Period:
    """The period asked for by ``?period=7|28|90|365&end=YYYY-MM-DD`` (default: 28 days to
    today)."""
    key = params.get("period") if params.get("period") in PERIODS else DEFAULT_PERIOD
    today = timezone.localtime(now or timezone.now(), BERLIN).date()
    last = today
    raw_end = params.get("end") or ""
    try:
        last = min(date.fromisoformat(raw_end), today) if raw_end else today
    except ValueError:
        last = today
    return Period(last - timedelta(days=int(key) - 1), last)


@dataclass(frozen=True)
class Scope:
    """Whose figures: deliveries matching ``q``, followers of ``account_ids`` (None: all)."""

    title: str
    q: Q = field(default_factory=Q)
    account_ids: tuple[int, ...] | None = None
    networks: tuple[str, ...] | None = None


@dataclass
class Totals:
    impressions: int = 0
    reach: int = 0
    reactions: int = 0
    comments: int = 0
    shares: int = 0
    clicks: int = 0
    saves: int = 0
    posts: int = 0
    deliveries: int = 0
    followers_start: int | None = None
    followers_end: int | None = None
    days: int = 1

    @property
    def engagement(self) -> int:
        return sum(getattr(self, name) for name in ENGAGEMENT_FIELDS)

    @property
    def engagement_rate(self) -> float | None:
        """Engagement per impression, in per cent."""
        return round(100 * self.engagement / self.impressions, 2) if self.impressions else None

    @property
    def follower_growth(self) -> int | None:
        if self.followers_end is None:
            return None
        return self.followers_end - (self.followers_start or 0)

    @property
    def posts_per_week(self) -> float:
        return round(self.posts * 7 / self.days, 1)


# The comparison rows: (attribute, label, kind); kind "rate" is shown in per cent.
KEY_FIGURES = [
    ("impressions", gettext_lazy("Impressionen"), "count"),
    ("reach", gettext_lazy("Reichweite"), "count"),
    ("engagement", gettext_lazy("Interaktionen"), "count"),
    ("reactions", gettext_lazy("Reaktionen"), "count"),
    ("comments", gettext_lazy("Kommentare"), "count"),
    ("shares", gettext_lazy("Geteilt"), "count"),
    ("clicks", gettext_lazy("Klicks"), "count"),
    ("engagement_rate", gettext_lazy("Interaktionsrate (%)"), "rate"),
    ("followers_end", gettext_lazy("Follower"), "count"),
    ("follower_growth", gettext_lazy("Follower-Zuwachs"), "count"),
    ("posts", gettext_lazy("Beiträge"), "count"),
    ("posts_per_week", gettext_lazy("Beiträge pro Woche"), "rate"),
]


def _sums() -> dict[str, Any]:
    return {name: Sum(name) for name in FIGURE_FIELDS}


def _in_period(scope: Scope, period: Period):
    return DeliveryMetrics.objects.filter(
        scope.q, published_at__gte=period.start, published_at__lt=period.end
    )


def totals(scope: Scope, period: Period, followers: dict | None = None) -> Totals:
    """The scope's figures of deliveries published in the period (one query, plus one for the
    followers unless ``followers`` holds them already)."""
    found = _in_period(scope, period).aggregate(
        **_sums(), posts=Count("post", distinct=True), deliveries=Count("pk")
    )
    result = Totals(**{key: value or 0 for key, value in found.items()}, days=period.days)
    if followers is None:
        followers = follower_days(scope, period)
    result.followers_start = followers_on(followers, period.first_day - timedelta(days=1))
    result.followers_end = followers_on(followers, period.last_day)
    return result


def follower_days(scope: Scope, *periods: Period) -> dict[int, list[tuple[date, int]]]:
    """Follower counts per account, oldest first, covering the periods (one query)."""
    first = min(p.first_day for p in periods) - FOLLOWER_LOOKBACK
    last = max(p.last_day for p in periods)
    rows = FollowerSnapshot.objects.filter(day__gte=first, day__lte=last)
    if scope.account_ids is not None:
        rows = rows.filter(channel_account_id__in=scope.account_ids)
    found: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for account_id, day, followers in rows.order_by("day").values_list(
        "channel_account_id", "day", "followers"
    ):
        found[account_id].append((day, followers))
    return found


def followers_on(days: dict[int, list[tuple[date, int]]], day: date) -> int | None:
    """The summed followers of all accounts as of ``day`` (each account's latest count on or
    before it); None when no account has one."""
    total, seen = 0, False
    for rows in days.values():
        latest = None
        for row_day, followers in rows:
            if row_day > day:
                break
            latest = followers
        if latest is not None:
            total += latest
            seen = True
    return total if seen else None


def comparison(current: Totals, previous: Totals) -> list[dict[str, Any]]:
    """Each key figure with its value in the previous period and the change in per cent."""
    rows = []
    for attribute, label, kind in KEY_FIGURES:
        value, before = getattr(current, attribute), getattr(previous, attribute)
        change = None
        if value is not None and before:
            change = round(100 * (value - before) / abs(before), 1)
        rows.append({"key": attribute, "label": str(label), "kind": kind, "value": value,
                     "previous": before, "change": change})
    return rows


def _bucket_start(day: date, bucket: str) -> date:
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _bucket_label(day: date, bucket: str) -> str:
    if bucket == "week":
        return _("KW %(week)s/%(year)s") % {"week": day.isocalendar()[1],
                                            "year": day.isocalendar()[0]}
    if bucket == "month":
        return day.strftime("%m/%Y")
    return day.strftime("%d.%m.")


def series(scope: Scope, period: Period, followers: dict) -> list[dict[str, Any]]:
    """Per day, week or month: impressions, engagement, posts published and followers at its
    end (one query)."""
    bucket = period.bucket
    rows = (
        _in_period(scope, period)
        .values("published_day")
        .annotate(impressions=Sum("impressions"), engagement=Sum(ENGAGEMENT),
                  posts=Count("post", distinct=True))
    )
    found: dict[date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row["published_day"] is None:
            continue
        summed = found[_bucket_start(row["published_day"], bucket)]
        for key in ("impressions", "engagement", "posts"):
            # A post published on two days of one bucket is rare enough to count twice.
            summed[key] += row[key] or 0
    points = []
    start = _bucket_start(period.first_day, bucket)
    while start <= period.last_day:
        if bucket == "day":
            following = start + timedelta(days=1)
        elif bucket == "week":
            following = start + timedelta(days=7)
        else:
            following = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
        row = found.get(start, {})
        points.append({
            "label": _bucket_label(start, bucket),
            "impressions": row.get("impressions") or 0,
            "engagement": row.get("engagement") or 0,
            "posts": row.get("posts") or 0,
            "followers": followers_on(followers, min(following - timedelta(days=1),
                                                     period.last_day)),
        })
        start = following
    return points


def by_network(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """The figures per network (one query)."""
    from channels_publish.networks import Network

    labels = dict(Network.choices)
    rows = (
        _in_period(scope, period).values("network")
        .annotate(**_sums(), posts=Count("post", distinct=True))
        .order_by("network")
    )
    return [_with_rate({**row, "label": str(labels.get(row["network"], row["network"]))})
            for row in rows]


def by_account(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """The figures per channel account (one query)."""
    rows = (
        _in_period(scope, period)
        .values("channel_account_id", "channel_account__name", "network")
        .annotate(**_sums(), posts=Count("post", distinct=True))
        .order_by("-impressions", "channel_account__name")
    )
    return [_with_rate({**row, "label": row["channel_account__name"]}) for row in rows]


def top_posts(scope: Scope, period: Period, limit: int = TOP_POSTS) -> list[dict[str, Any]]:
    """The posts with the most engagement (one query)."""
    rows = (
        _in_period(scope, period)
        .values("post_id", "post__title")
        .annotate(impressions=Sum("impressions"), engagement=Sum(ENGAGEMENT),
                  channels=Count("pk"))
        .order_by("-engagement", "-impressions", "post_id")[:limit]
    )
    return [_with_rate({**row, "label": row["post__title"]}) for row in rows]


def _with_rate(row: dict[str, Any]) -> dict[str, Any]:
    if "engagement" not in row:
        row["engagement"] = sum(row.get(name) or 0 for name in ENGAGEMENT_FIELDS)
    impressions = row.get("impressions") or 0
    row["engagement_rate"] = (
        round(100 * (row.get("engagement") or 0) / impressions, 2) if impressions else None
    )
    return row


def best_times(scope: Scope, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per network, the weekday and hour (Berlin) at which our posts drew the most engagement
    per post over the last year; slots with fewer than three posts are left out (one query)."""
    from channels_publish.networks import Network

    now = now or timezone.now()
    labels = dict(Network.choices)
    rows = (
        DeliveryMetrics.objects.filter(scope.q, published_at__gte=now - BEST_TIME_LOOKBACK)
        .annotate(weekday=F("published_weekday"), hour=F("published_hour"))
        .values("network", "weekday", "hour")
        .annotate(posts=Count("pk"), engagement=Sum(ENGAGEMENT),
                  impressions=Sum("impressions"))
    )
    slots: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["posts"] < BEST_TIME_MIN_POSTS:
            continue
        row["per_post"] = round((row["engagement"] or 0) / row["posts"], 1)
        row["weekday_label"] = str(WEEKDAYS[row["weekday"] - 1])
        row["time_label"] = f"{row['hour']:02d}:00–{(row['hour'] + 1) % 24:02d}:00"
        slots[row["network"]].append(_with_rate(row))
    result = []
    for network in sorted(slots):
        best = sorted(slots[network], key=lambda r: (-r["per_post"], r["weekday"], r["hour"]))
        result.append({"network": network, "label": str(labels.get(network, network)),
                       "slots": best[:BEST_TIME_SLOTS]})
    return result


@dataclass
class Dashboard:
    scope: Scope
    period: Period
    totals: Totals
    previous: Totals
    comparison: list[dict[str, Any]]
    series: list[dict[str, Any]]
    by_network: list[dict[str, Any]]
    by_account: list[dict[str, Any]]
    top_posts: list[dict[str, Any]]
    best_times: list[dict[str, Any]]


def build_dashboard(scope: Scope, period: Period, now: datetime | None = None) -> Dashboard:
    """Everything a dashboard shows (ten queries, whatever the amount of data)."""
    previous_period = period.previous()
    followers = follower_days(scope, period, previous_period)
    current = totals(scope, period, followers)
    previous = totals(scope, previous_period, followers)
    return Dashboard(
        scope=scope, period=period, totals=current, previous=previous,
        comparison=comparison(current, previous),
        series=series(scope, period, followers),
        by_network=by_network(scope, period),
        by_account=by_account(scope, period),
        top_posts=top_posts(scope, period),
        best_times=best_times(scope, now),
    )


def post_figures(post) -> dict[str, Any]:
    """A post on all its channels side by side, and how each grew day by day (two queries)."""
    from ..models import MetricSnapshot

    rows = list(
        DeliveryMetrics.objects.filter(post=post).select_related("channel_account")
        .order_by("network", "channel_account__name")
    )
    history: dict[int, list] = defaultdict(list)
    days: set[date] = set()
    for snapshot in MetricSnapshot.objects.filter(delivery__post=post).order_by("day"):
        history[snapshot.delivery_id].append(snapshot)
        days.add(snapshot.day)
    ordered_days = sorted(days)
    lines = []
    for row in rows:
        by_day = {s.day: s for s in history.get(row.delivery_id, [])}
        values, last = [], None
        for day in ordered_days:
            if day in by_day:
                last = by_day[day].impressions
            values.append(last)
        lines.append({"label": str(row.channel_account), "values": values})
    total = Totals(days=1)
    for row in rows:
        for name in FIGURE_FIELDS:
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return {
        "rows": rows,
        "total": total,
        "days": [day.strftime("%d.%m.") for day in ordered_days],
        "lines": lines,
    }
