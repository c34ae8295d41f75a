"""The central calendar: which posts fall into a time range, what to warn about, the ICS feed.

Everything here reads; moving a post goes through ``newsroom.services.posts.reschedule_post``.
A post appears at its planned time, or, if it went out "immediately after approval", at its
approval time. Drafts without a time are not planned yet and do not appear. Every function
runs a constant number of queries, however many posts the range holds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.models import ChannelAccount, Delivery, DeliveryStatus
from channels_publish.networks import Network
from newsroom.models import APPROVED_STATES, EDITABLE_STATES, Post, PostStatus

BERLIN = ZoneInfo("Europe/Berlin")
P = DepartmentPermission

# The calendar's status filter: one key per badge people tell apart, and the post statuses
# behind it. "held" is not a post status but a fact about its deliveries.
STATUS_GROUPS: dict[str, frozenset[str]] = {
    "draft": frozenset({PostStatus.DRAFT, PostStatus.CHANGES_REQUESTED}),
    "in_review": frozenset({PostStatus.IN_REVIEW}),
    "approved": frozenset({PostStatus.APPROVED, PostStatus.SCHEDULED, PostStatus.PUBLISHING}),
    "published": frozenset({PostStatus.PUBLISHED, PostStatus.ARCHIVED}),
    "failed": frozenset({PostStatus.FAILED, PostStatus.PARTLY_FAILED}),
    "held": frozenset(),
}
# Statuses whose posts move in the calendar only through a new review.
REVIEW_STATES = frozenset({PostStatus.IN_REVIEW, PostStatus.FAILED, *APPROVED_STATES})
# More than this many posts on one channel account within an hour is crowded.
CROWDED_LIMIT = 3
CROWDED_WINDOW = timedelta(hours=1)


def status_labels() -> dict[str, str]:
    return {
        "draft": _("Entwurf"),
        "in_review": _("In Prüfung"),
        "approved": _("Freigegeben/geplant"),
        "published": _("Veröffentlicht"),
        "failed": _("Fehlgeschlagen"),
        "held": _("Angehalten"),
    }


@dataclass
class CalendarFilters:
    """What the person narrowed the calendar to; all of it lives in the URL."""

    departments: list[int] = field(default_factory=list)
    networks: list[str] = field(default_factory=list)
    channels: list[int] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @classmethod
    def from_query(cls, query) -> CalendarFilters:
        def ints(name: str) -> list[int]:
            return [int(v) for v in query.getlist(name) if v.strip().isdigit()]

        return cls(
            departments=ints("department"),
            networks=[v for v in query.getlist("network") if v in Network.values],
            channels=ints("channel"),
            statuses=[v for v in query.getlist("status") if v in STATUS_GROUPS],
            tags=[
                tag.lstrip("#").lower()
                for value in query.getlist("tag") for tag in re.split(r"[\s,]+", value) if tag
            ],
        )

    def as_query(self) -> list[tuple[str, str]]:
        pairs = [("department", str(v)) for v in self.departments]
        pairs += [("network", v) for v in self.networks]
        pairs += [("channel", str(v)) for v in self.channels]
        pairs += [("status", v) for v in self.statuses]
        pairs += [("tag", v) for v in self.tags]
        return pairs


def parse_moment(value: str | None, default: datetime | None = None) -> datetime | None:
    """An ISO date or date-time from the URL; naive values are Berlin time."""
    if not value:
        return default
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "+"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value.strip()[:10]), time())
        except ValueError:
            return default
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=BERLIN)
    return parsed


def visible_posts(user) -> QuerySet[Post]:
    """Posts of every department whose work the person may see, with their calendar time."""
    posts = permissions.filter_by_department(Post.objects.all(), user, P.VIEW_WORK)
    return posts.exclude(status=PostStatus.WITHDRAWN).annotate(
        calendar_at=Coalesce(F("scheduled_at"), F("approved_at"))
    )


def _held() -> Exists:
    return Exists(Delivery.objects.filter(post=OuterRef("pk"), status=DeliveryStatus.HELD))


def apply_filters(posts: QuerySet[Post], filters: CalendarFilters) -> QuerySet[Post]:
    if filters.departments:
        posts = posts.filter(department__in=filters.departments)
    # Subqueries rather than joins: a post on two matching channels still appears once.
    if filters.networks:
        posts = posts.filter(pk__in=Post.channel_accounts.through.objects.filter(
            channelaccount__network__in=filters.networks).values("post_id"))
    if filters.channels:
        posts = posts.filter(pk__in=Post.channel_accounts.through.objects.filter(
            channelaccount_id__in=filters.channels).values("post_id"))
    if filters.tags:
        tagged = Post.tags.through.objects.filter(tag__name__in=filters.tags).values("post_id")
        campaign = Q()
        for tag in filters.tags:
            campaign |= Q(campaign__iexact=tag)
        posts = posts.filter(Q(pk__in=tagged) | campaign)
    if filters.statuses:
        wanted = set().union(*(STATUS_GROUPS[key] for key in filters.statuses))
        condition = Q(status__in=wanted)
        if "held" in filters.statuses:
            condition |= Q(is_held=True)
        posts = posts.filter(condition)
    return posts


def posts_in_range(user, start: datetime, end: datetime,
                   filters: CalendarFilters | None = None) -> QuerySet[Post]:
    """The posts the person sees between ``start`` and ``end``, ready for display.

    Three queries: the posts (with department and the "held" flag) and their channel accounts
    (the person's access is read once per request).
    """
    posts = visible_posts(user).annotate(is_held=_held()).filter(
        calendar_at__gte=start, calendar_at__lt=end
    )
    posts = apply_filters(posts, filters or CalendarFilters())
    return (
        posts.select_related("department")
        .prefetch_related(Prefetch(
            "channel_accounts",
            queryset=ChannelAccount.objects.only("id", "network", "name"),
        ))
        .order_by("calendar_at", "pk")
    )


def display_status(post: Post) -> tuple[str, str]:
    """(badge key, label) of a post in the calendar: held wins over the post's status."""
    if getattr(post, "is_held", False):
        return "held", _("Angehalten")
    return post.status, post.get_status_display()


def needs_review_to_move(user, post: Post) -> bool:
    """Whether moving ``post`` sends it (back) to review, as ``update_post`` decides."""
    if post.status not in REVIEW_STATES:
        return False
    # A duty editor moves an approved post without a new review; any other move re-opens it.
    return not (
        post.status in APPROVED_STATES
        and permissions.can(user, "post.reschedule_approved", post)
    )


def _text_colour(background: str) -> str:
    """Black or white, whichever reads better on the department's colour."""
    try:
        red, green, blue = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    except ValueError:
        return "#ffffff"
    return "#000000" if (0.299 * red + 0.587 * green + 0.114 * blue) > 150 else "#ffffff"


def network_labels() -> dict[str, str]:
    return {key: str(label) for key, label in Network.choices}


def _url_pattern(name: str) -> str:
    """A URL with ``{pk}`` in place of the id: one ``reverse()`` for thousands of events."""
    return reverse(name, args=[987654321]).replace("987654321", "{pk}")


def events(user, start: datetime, end: datetime, filters: CalendarFilters) -> list[dict]:
    """The posts of a range as FullCalendar events (times in Berlin, with offset).

    Built from two plain value queries rather than model instances, so a month of a big city
    (thousands of posts) stays fast; the person's rights are read once, not per post.
    """
    posts = apply_filters(
        visible_posts(user).annotate(is_held=_held()).filter(
            calendar_at__gte=start, calendar_at__lt=end
        ),
        filters,
    )
    rows = list(posts.order_by("calendar_at", "pk").values_list(
        "pk", "title", "calendar_at", "status", "version", "department_id",
        "department__name", "department__colour", "is_held",
    ))
    channels: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for post_id, network, name in (
        Post.channel_accounts.through.objects.filter(post__in=posts.values("pk"))
        .order_by("channelaccount__network", "channelaccount__name")
        .values_list("post_id", "channelaccount__network", "channelaccount__name")
    ):
        channels[post_id].append((network, name))

    labels = network_labels()
    status_names = {key: str(label) for key, label in PostStatus.choices}
    held_label = _("Angehalten")
    drafting = permissions.department_ids_with(user, P.DRAFT_POST)
    moves_approved_freely = permissions.can(user, "post.reschedule_approved", None)
    detail_url = _url_pattern("newsroom:post_detail")
    move_url = _url_pattern("newsroom:calendar_move")
    colours: dict[str, str] = {}
    result = []
    for (pk, title, at, status, version, department_id, department, colour, held) in rows:
        if colour not in colours:
            colours[colour] = _text_colour(colour)
        movable = status in EDITABLE_STATES and department_id in drafting
        needs_review = movable and status in REVIEW_STATES and not (
            status in APPROVED_STATES and moves_approved_freely
        )
        networks = sorted({network for network, _name in channels.get(pk, ())})
        result.append({
            "id": str(pk),
            "title": title,
            "start": at.astimezone(BERLIN).isoformat(),
            "url": detail_url.format(pk=pk),
            "color": colour,
            "contrastColor": colours[colour],
            "startEditable": movable,
            "durationEditable": False,
            "extendedProps": {
                "department": department,
                "networks": networks,
                "networkLabels": [labels.get(n, n) for n in networks],
                "channels": [name for _network, name in channels.get(pk, ())],
                "status": "held" if held else status,
                "statusLabel": held_label if held else status_names.get(status, status),
                "needsReview": needs_review,
                "version": version,
                "moveUrl": move_url.format(pk=pk) if movable else "",
            },
        })
    return result


# --- Warnings -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Warning:
    kind: str  # "crowded" or "empty_week"
    message: str


def crowded_channels(user, start: datetime, end: datetime,
                     filters: CalendarFilters | None = None) -> list[Warning]:
    """Channel accounts with more than three posts within one hour (one query)."""
    filters = filters or CalendarFilters()
    posts = apply_filters(
        visible_posts(user).filter(calendar_at__gte=start, calendar_at__lt=end),
        CalendarFilters(departments=filters.departments, networks=filters.networks,
                        channels=filters.channels),
    )
    rows = (
        Post.channel_accounts.through.objects.filter(post__in=posts.values("pk"))
        .annotate(at=Coalesce(F("post__scheduled_at"), F("post__approved_at")))
        .values_list("channelaccount_id", "channelaccount__name", "channelaccount__network", "at")
        .order_by("channelaccount_id", "at")
    )
    times: dict[tuple[int, str, str], list[datetime]] = defaultdict(list)
    for account_id, name, network, at in rows:
        times[(account_id, name, network)].append(at)
    labels = network_labels()
    warnings = []
    for (_account_id, name, network), moments in times.items():
        index = 0
        while index + CROWDED_LIMIT < len(moments):
            first, last = moments[index], moments[index + CROWDED_LIMIT]
            if last - first < CROWDED_WINDOW:
                # Count the whole cluster once, then look past it.
                cluster_end = index + CROWDED_LIMIT
                while (cluster_end + 1 < len(moments)
                       and moments[cluster_end + 1] - first < CROWDED_WINDOW):
                    cluster_end += 1
                warnings.append(Warning("crowded", _(
                    "%(channel)s ist überfüllt: %(count)s Beiträge innerhalb einer Stunde ab "
                    "%(time)s."
                ) % {
                    "channel": f"{labels.get(network, network)}: {name}",
                    "count": cluster_end - index + 1,
                    "time": timezone.localtime(first, BERLIN).strftime("%d.%m.%Y %H:%M"),
                }))
                index = cluster_end + 1
            else:
                index += 1
    return warnings


def _week_starts(start: datetime, end: datetime) -> list[date]:
    first = timezone.localtime(start, BERLIN).date()
    first -= timedelta(days=first.weekday())
    last = timezone.localtime(end - timedelta(microseconds=1), BERLIN).date()
    weeks = []
    while first <= last:
        weeks.append(first)
        first += timedelta(days=7)
    return weeks


def empty_weeks(user, start: datetime, end: datetime,
                filters: CalendarFilters | None = None) -> list[Warning]:
    """Departments that planned nothing in a visible week that is not over yet (two queries)."""
    filters = filters or CalendarFilters()
    now = timezone.now()
    weeks = [
        week for week in _week_starts(start, end)
        if datetime.combine(week + timedelta(days=7), time(), BERLIN) > now
    ]
    if not weeks:
        return []
    departments = permissions.filter_by_department(
        Department.objects.filter(is_active=True), user, P.VIEW_WORK, field_name="pk"
    ).order_by("number")
    if filters.departments:
        departments = departments.filter(pk__in=filters.departments)
    departments = list(departments.only("id", "name", "number"))
    if not departments:
        return []
    range_start = datetime.combine(weeks[0], time(), BERLIN)
    range_end = datetime.combine(weeks[-1] + timedelta(days=7), time(), BERLIN)
    planned: set[tuple[int, date]] = set()
    for department_id, at in visible_posts(user).filter(
        calendar_at__gte=range_start, calendar_at__lt=range_end,
        department__in=[d.pk for d in departments],
    ).values_list("department_id", "calendar_at"):
        day = timezone.localtime(at, BERLIN).date()
        planned.add((department_id, day - timedelta(days=day.weekday())))
    warnings = []
    for week in weeks:
        idle = [d.name for d in departments if (d.pk, week) not in planned]
        if idle:
            warnings.append(Warning("empty_week", _(
                "In der Woche ab %(week)s hat nichts geplant: %(departments)s."
            ) % {"week": week.strftime("%d.%m.%Y"), "departments": ", ".join(idle)}))
    return warnings


def warnings_for(user, start: datetime, end: datetime,
                 filters: CalendarFilters | None = None) -> list[Warning]:
    return crowded_channels(user, start, end, filters) + empty_weeks(user, start, end, filters)


# --- ICS ------------------------------------------------------------------------------------
ICS_PAST = timedelta(days=30)
ICS_FUTURE = timedelta(days=90)
ICS_EVENT_LENGTH = timedelta(minutes=15)


def ics_for(user, base_url: str, now: datetime | None = None) -> bytes:
    """The person's visible posts from 30 days ago to 90 days ahead as an iCalendar file.

    Only the internal title, status, department and networks: the calendar may be shown on a
    phone's lock screen, so no post text leaves the newsroom this way.
    """
    from icalendar import Calendar, Event

    now = now or timezone.now()
    labels = network_labels()
    calendar = Calendar()
    calendar.add("prodid", "-//Newsroom der Stadtverwaltung//Kalender//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Newsroom-Kalender"))
    calendar.add("x-wr-timezone", "Europe/Berlin")
    for post in posts_in_range(user, now - ICS_PAST, now + ICS_FUTURE):
        _badge, status_label = display_status(post)
        networks = ", ".join(
            labels.get(n, n) for n in sorted({a.network for a in post.channel_accounts.all()})
        ) or "–"
        link = base_url.rstrip("/") + reverse("newsroom:post_detail", args=[post.pk])
        starts = timezone.localtime(post.calendar_at, BERLIN)
        event = Event()
        event.add("uid", f"post-{post.pk}@newsroom")
        event.add("dtstamp", now)
        event.add("dtstart", starts)
        event.add("dtend", starts + ICS_EVENT_LENGTH)
        event.add("summary", f"{post.title} [{status_label}]")
        event.add("description", "\n".join([
            _("Status: %(status)s") % {"status": status_label},
            _("Amt: %(department)s") % {"department": post.department.name},
            _("Kanäle: %(networks)s") % {"networks": networks},
            link,
        ]))
        event.add("url", link)
        event.add("status", "CONFIRMED" if post.status in (
            STATUS_GROUPS["approved"] | STATUS_GROUPS["published"]) else "TENTATIVE")
        calendar.add_component(event)
    return calendar.to_ical()


def day_groups(posts: Iterable[Post]) -> list[tuple[date, list[Post]]]:
    """Posts grouped by their Berlin day, in order (for the list view and the dashboard)."""
    groups: dict[date, list[Post]] = {}
    for post in posts:
        groups.setdefault(timezone.localtime(post.calendar_at, BERLIN).date(), []).append(post)
    return list(groups.items())
