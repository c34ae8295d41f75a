"""What the inbox shows: the filtered list, response times, and overdue conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.roles import Role
from newsroom.models import NotificationKind
from newsroom.notifications import notify

from ..models import OPEN_CONVERSATION_STATES, Conversation
from .common import conversation_label, conversation_url, inbox_people, now

AGE_FILTERS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "3d": timedelta(days=3),
    "7d": timedelta(days=7),
}


def target_hours() -> int:
    return int(getattr(settings, "NEWSROOM_INBOX_TARGET_HOURS", 24))


def visible_conversations(user) -> QuerySet[Conversation]:
    """Conversations the person handles: their departments', or all for the central team."""
    queryset = Conversation.objects.all()
    ids = permissions.inbox_department_ids(user)
    if isinstance(ids, permissions.AllDepartments):
        return queryset
    return queryset.filter(department_id__in=ids)


def findable_conversations(user) -> QuerySet[Conversation]:
    """Conversations whose pages the person finds at all (the rest answers 404): the central
    team finds every one, others those of departments whose work they see. Whether they may
    handle it is a separate question (403), as everywhere else."""
    from accounts.roles import DepartmentPermission

    if permissions.is_inbox_central(user):
        return Conversation.objects.all()
    return permissions.filter_by_department(
        Conversation.objects.all(), user, DepartmentPermission.VIEW_WORK
    )


@dataclass(frozen=True)
class InboxFilter:
    query: str = ""
    network: str = ""
    department: int | None = None
    status: str = ""
    older_than: str = ""  # a key of AGE_FILTERS: waiting at least this long
    overdue: bool = False
    mine: bool = False
    unrouted: bool = False
    tag: str = ""


def filtered(user, f: InboxFilter) -> QuerySet[Conversation]:
    queryset = visible_conversations(user)
    if f.status:
        queryset = queryset.filter(status=f.status)
    if f.network:
        queryset = queryset.filter(channel_account__network=f.network)
    if f.department:
        queryset = queryset.filter(department_id=f.department)
    if f.unrouted:
        queryset = queryset.filter(department__isnull=True)
    if f.mine:
        queryset = queryset.filter(assignee=user)
    if f.tag:
        queryset = queryset.filter(tags__name=f.tag.strip().lstrip("#").lower())
    moment = now()
    if f.older_than in AGE_FILTERS:
        queryset = queryset.filter(waiting_since__lte=moment - AGE_FILTERS[f.older_than])
    if f.overdue:
        queryset = queryset.filter(overdue_q(moment))
    if f.query.strip():
        term = f.query.strip()
        queryset = queryset.filter(
            Q(preview__icontains=term)
            | Q(pk__in=_matching_message_conversations(term))
            | Q(citizen__name__icontains=term) | Q(citizen__handle__icontains=term)
        )
    return queryset


def _matching_message_conversations(term: str):
    from ..models import Message

    return Message.objects.filter(text__icontains=term).values("conversation_id")


def overdue_q(moment: datetime | None = None) -> Q:
    moment = moment or now()
    return Q(status__in=OPEN_CONVERSATION_STATES,
             waiting_since__lte=moment - timedelta(hours=target_hours()))


def with_overdue(queryset: QuerySet[Conversation],
                 moment: datetime | None = None) -> QuerySet[Conversation]:
    """Annotate ``is_overdue`` with the same rule as the overdue filter and notifications."""
    return queryset.annotate(is_overdue=Case(
        When(overdue_q(moment), then=Value(True)), default=Value(False),
        output_field=BooleanField(),
    ))


def overdue_conversations(user, limit: int = 50) -> list[Conversation]:
    """For the duty editor's dashboard: conversations waiting longer than the target."""
    return list(
        visible_conversations(user).filter(overdue_q())
        .select_related("channel_account", "department")
        .order_by("waiting_since", "pk")[:limit]
    )


def community_management() -> list:
    """Everyone with the Community-Management role in an active department."""
    return list(get_user_model().objects.filter(
        is_active=True, memberships__role=Role.COMMUNITY,
        memberships__department__is_active=True,
    ).distinct())


def notify_overdue() -> int:
    """Tell the department (or the central team) once about each conversation that waits too
    long (the periodic task). Returns how many conversations were reported."""
    reported = 0
    candidates = list(
        Conversation.objects.filter(overdue_q(), overdue_notified_at__isnull=True)
        .select_related("department", "assignee", "channel_account")
        .order_by("waiting_since")[:500]
    )
    if not candidates:
        return 0
    central = community_management()
    people_of: dict[int | None, list] = {}
    for conversation in candidates:
        with transaction.atomic():
            claimed = Conversation.objects.filter(
                pk=conversation.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now())
            if not claimed:
                continue
            # The department that answers, and the community management that watches
            # response times city-wide.
            if conversation.department_id not in people_of:
                people_of[conversation.department_id] = inbox_people(conversation.department_id)
            recipients = [*people_of[conversation.department_id], *central]
            if conversation.assignee_id:
                recipients.append(conversation.assignee)
            notify(
                recipients=recipients, kind=NotificationKind.CONVERSATION_OVERDUE,
                message=_("Eine Unterhaltung wartet seit mehr als %(hours)s Stunden auf "
                          "Antwort: %(conversation)s")
                % {"hours": target_hours(), "conversation": conversation_label(conversation)},
                url=conversation_url(conversation),
            )
            reported += 1
    return reported


@dataclass
class ResponseTimeRow:
    label: str
    answered: int
    median_hours: float | None
    mean_hours: float | None
    within_target: int
    waiting: int
    overdue: int

    @property
    def within_target_share(self) -> int | None:
        return round(100 * self.within_target / self.answered) if self.answered else None


def response_times(user, *, days: int = 30) -> dict[str, list[ResponseTimeRow]]:
    """Time to first answer per department and per channel (network) over ``days`` days."""
    since = now() - timedelta(days=days)
    visible = visible_conversations(user).filter(first_message_at__gte=since)
    rows = visible.values_list(
        "department__name", "channel_account__network", "first_message_at", "first_answered_at",
        "waiting_since", "status",
    )
    target = timedelta(hours=target_hours())
    moment = now()
    groups: dict[str, dict[str, list]] = {"department": {}, "network": {}}
    for department, network, first, answered, waiting, status in rows.iterator(chunk_size=2000):
        for key, label in (("department", department or _("noch kein Amt")), ("network", network)):
            bucket = groups[key].setdefault(label, [[], 0, 0])
            if answered is not None:
                bucket[0].append(answered - first)
            if waiting is not None and status in OPEN_CONVERSATION_STATES:
                bucket[1] += 1
                if moment - waiting > target:
                    bucket[2] += 1
    result: dict[str, list[ResponseTimeRow]] = {}
    for key, buckets in groups.items():
        result[key] = []
        for label, (durations, waiting_count, overdue_count) in sorted(buckets.items()):
            hours = [d.total_seconds() / 3600 for d in durations]
            result[key].append(ResponseTimeRow(
                label=label, answered=len(hours),
                median_hours=round(median(hours), 1) if hours else None,
                mean_hours=round(sum(hours) / len(hours), 1) if hours else None,
                within_target=sum(1 for d in durations if d <= target),
                waiting=waiting_count, overdue=overdue_count,
            ))
    return result
