"""What citizens talk about: keywords and hashtags of incoming messages, hour by hour.

The pure part works on plain tuples ``(created_at, text, conversation_id, department_id)``:
:func:`keywords_of` normalises a text (lower case, Unicode NFKC, no URLs, mentions, numbers or
German stop words; hashtags keep their ``#``) and :func:`hourly_counts` counts each keyword once
per message per hour. :func:`surges` finds keywords whose count in an hour is at least
``SURGE_FACTOR`` times their usual hourly volume.

:func:`aggregate_recent_hours` (a periodic task) recomputes the last hours from the inbox and
replaces their stored counts, so running it twice stores the same, and alerts the duty editors
once per surging keyword and hour.

:func:`rising_topics` and :func:`topic_detail` answer the topic pages within what a person may
see: the counts of their departments' messages (all for city-wide roles); the conversations
behind a keyword (with the citizen's text) only to those who handle them in the inbox.
The counts hold conversation ids and words of citizens' messages, so they are kept only as
long as the retention rule "analytics.topics" says (:func:`register_topic_retention`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from accounts.roles import DepartmentPermission
from newsroom import audit
from newsroom.retention import CITIZENS, PUBLIC_TASK, RetentionRule, register_retention

from ..models import TopicCount, TopicSurge

audit.register_actions({
    "analytics.topic.surged": gettext_lazy(
        "Das Thema „%(keyword)s“ nimmt stark zu: %(count)s Nachrichten in einer Stunde "
        "(üblich: %(baseline)s)."
    ),
})

SURGE_FACTOR = 5.0
# A surge needs at least this many messages in the hour (three mentions are no trend).
SURGE_MIN_COUNT = 5
# The usual volume: the average per hour over this many hours before (hours without a mention
# count as zero), but never below this floor, so a first mention is not "infinitely more".
BASELINE_HOURS = 7 * 24
BASELINE_FLOOR = 0.5
RECOMPUTE_HOURS = 3
MAX_CONVERSATIONS = 200
MIN_LENGTH = 3

_STOP_WORD_TEXT = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
anderm andern anderr anders auch auf aus bei bin bis bist da damit dann das dass daß dasselbe
dazu dein deine deinem deinen deiner deines dem demselben den denn denselben der derer derselbe
derselben des desselben dessen dich die dies diese dieselbe dieselben diesem diesen dieser dieses
dir doch dort du durch ein eine einem einen einer eines einig einige einigem einigen einiger
einiges einmal er es etwas euch euer eure eurem euren eurer eures für gegen gewesen hab habe
haben hat hatte hatten hier hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer ihres im in
indem ins ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine
keinem keinen keiner keines können könnte machen man manche manchem manchen mancher manches mein
meine meinem meinen meiner meines mich mir mit muss musste nach nicht nichts noch nun nur ob oder
ohne sehr sein seine seinem seinen seiner seines selbst sich sie sind so solche solchem solchen
solcher solches soll sollte sondern sonst über um und uns unsere unserem unseren unser unseres
unter viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher
welches wenn werde werden wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur
zwar zwischen schon mal ganz gibt geht gut heute immer mehr bitte danke hallo gerne ja nein wer
warum wieso weshalb wann bzw usw etc echt eigentlich einfach leider total wirklich stadt
kommt kommen komme kam gehen gehe ging macht mache machte sagt sagen sehen sieht steht stehen
wurde wurden worden habt seid gab gibts hätte hätten wäre wären darf dürfen muss müssen
"""
GERMAN_STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())

_URL = re.compile(r"https?://\S+|www\.\S+", re.I)
_MENTION = re.compile(r"(?<!\w)@\w+")
_HASHTAG = re.compile(r"(?<!\w)#(\w+)")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|-)*[^\W\d_]")


@dataclass(frozen=True)
class CitizenMessage:
    """What topic counting needs of one incoming message."""

    created_at: datetime
    text: str
    conversation_id: int | None = None
    department_id: int | None = None


def keywords_of(text: str) -> set[str]:
    """The keywords and hashtags of a text, normalised; each once."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    found = set()
    for tag in _HASHTAG.findall(text):
        if len(tag) >= MIN_LENGTH - 1 and not tag.isdigit():
            found.add("#" + tag)
    text = _HASHTAG.sub(" ", text)
    for word in _WORD.findall(text):
        word = word.strip("-")
        if len(word) >= MIN_LENGTH and word not in GERMAN_STOP_WORDS:
            found.add(word)
    return found


def hour_of(moment: datetime) -> datetime:
    """The start of the (UTC) hour a moment falls into."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def hourly_counts(
    messages: Iterable[CitizenMessage],
) -> dict[tuple[datetime, str, int | None], tuple[int, list[int]]]:
    """``{(hour, keyword, department_id): (messages, conversation ids)}``."""
    counts: dict[tuple[datetime, str, int | None], int] = defaultdict(int)
    conversations: dict[tuple[datetime, str, int | None], list[int]] = defaultdict(list)
    for message in messages:
        hour = hour_of(message.created_at)
        for keyword in keywords_of(message.text):
            key = (hour, keyword, message.department_id)
            counts[key] += 1
            seen = conversations[key]
            if (message.conversation_id is not None and message.conversation_id not in seen
                    and len(seen) < MAX_CONVERSATIONS):
                seen.append(message.conversation_id)
    return {key: (count, conversations[key]) for key, count in counts.items()}


@dataclass(frozen=True)
class Surge:
    keyword: str
    hour: datetime
    count: int
    baseline: float


def surges(
    hour_counts: dict[str, int], history: dict[str, int], *, hour: datetime,
    history_hours: int = BASELINE_HOURS, factor: float = SURGE_FACTOR,
    min_count: int = SURGE_MIN_COUNT,
) -> list[Surge]:
    """Keywords of ``hour`` (``{keyword: count}``) at least ``factor`` times their usual hourly
    volume; ``history`` holds each keyword's total over the ``history_hours`` before."""
    found = []
    for keyword, count in hour_counts.items():
        baseline = max(history.get(keyword, 0) / history_hours, BASELINE_FLOOR)
        if count >= min_count and count >= factor * baseline:
            found.append(Surge(keyword=keyword, hour=hour, count=count, baseline=baseline))
    return sorted(found, key=lambda surge: (-surge.count, surge.keyword))


# --- The stored counts ------------------------------------------------------------------------
def incoming_messages(start: datetime, end: datetime) -> list[CitizenMessage]:
    """Citizens' messages of the inbox between ``start`` and ``end``."""
    from inbox.models import Message

    rows = (
        # Anonymised messages ("[gelöscht]" after retention or erasure) say nothing about a
        # topic; counting them would make "gelöscht" a keyword and, after a purge, a surge.
        Message.objects.filter(direction="in", created_at__gte=start, created_at__lt=end,
                               is_deleted=False, anonymised_at__isnull=True)
        .values_list("created_at", "text", "conversation_id", "conversation__department_id")
    )
    return [CitizenMessage(*row) for row in rows.iterator(chunk_size=2000)]


def store_hours(start: datetime, end: datetime, messages: Iterable[CitizenMessage]) -> int:
    """Replace the stored counts of the hours from ``start`` to ``end`` (idempotent)."""
    counted = hourly_counts(messages)
    with transaction.atomic():
        TopicCount.objects.filter(hour__gte=start, hour__lt=end).delete()
        TopicCount.objects.bulk_create(
            TopicCount(hour=hour, keyword=keyword[:100], department_id=department_id,
                       count=count, conversation_ids=ids)
            for (hour, keyword, department_id), (count, ids) in counted.items()
            if start <= hour < end
        )
    return len(counted)


def detect_surges(hour: datetime) -> list[TopicSurge]:
    """Surging keywords of ``hour`` (city-wide); each is stored and alerted only once."""
    current = dict(
        TopicCount.objects.filter(hour=hour).values("keyword").annotate(total=Sum("count"))
        .values_list("keyword", "total")
    )
    if not current:
        return []
    history = dict(
        TopicCount.objects.filter(
            keyword__in=list(current), hour__gte=hour - timedelta(hours=BASELINE_HOURS),
            hour__lt=hour,
        ).values("keyword").annotate(total=Sum("count")).values_list("keyword", "total")
    )
    created = []
    for surge in surges(current, history, hour=hour):
        created_surge = record_surge(surge)
        if created_surge is not None:
            created.append(created_surge)
    return created


def record_surge(surge: Surge) -> TopicSurge | None:
    """Store a surge and alert the duty editors, unless it is known already."""
    from accounts.models import User
    from accounts.roles import Role
    from newsroom.models import NotificationKind
    from newsroom.notifications import notify

    with transaction.atomic():
        row, created = TopicSurge.objects.get_or_create(
            keyword=surge.keyword, hour=surge.hour,
            defaults={"count": surge.count, "baseline": surge.baseline},
        )
        if not created:
            return None
        audit.log("analytics.topic.surged", data={
            "keyword": surge.keyword, "count": surge.count,
            "baseline": f"{surge.baseline:.1f}",
        })
        duty_editors = User.objects.filter(
            is_active=True, memberships__role=Role.DUTY_EDITOR,
            memberships__department__is_active=True,
        ).distinct()
        notify(
            recipients=duty_editors, kind=NotificationKind.TOPIC_SURGE,
            message=_("Das Thema „%(keyword)s“ nimmt stark zu: %(count)s Nachrichten in einer "
                      "Stunde.") % {"keyword": surge.keyword, "count": surge.count},
            url=reverse("analytics:topic", kwargs={"keyword": surge.keyword}),
        )
    return row


def aggregate_recent_hours(now: datetime | None = None, hours: int = RECOMPUTE_HOURS) -> dict:
    """Recompute the last ``hours`` hours (including the current one), then look for surges
    in the last complete hour."""
    now = now or timezone.now()
    end = hour_of(now) + timedelta(hours=1)
    start = end - timedelta(hours=hours)
    stored = store_hours(start, end, incoming_messages(start, end))
    alerted = detect_surges(hour_of(now) - timedelta(hours=1))
    return {"keywords": stored, "surges": len(alerted)}


def recent_surges(since: datetime):
    """Surges since ``since``, newest first (for the duty editor's dashboard)."""
    return TopicSurge.objects.filter(hour__gte=since).order_by("-hour", "-count")[:10]


# --- The topic pages --------------------------------------------------------------------------
TOPIC_LIMIT = 30
CHART_TOPICS = 10


def visible_topic_counts(user) -> QuerySet[TopicCount]:
    """The counts a person sees: their departments' (all for those who see city-wide figures)."""
    counts = TopicCount.objects.all()
    if permissions.can(user, "analytics.city"):
        return counts
    return counts.filter(
        department_id__in=permissions.department_ids_with(user, DepartmentPermission.VIEW_WORK)
    )


def rising_topics(user, hours: int, now: datetime | None = None,
                  limit: int = TOPIC_LIMIT) -> list[dict]:
    """The ``limit`` most frequent keywords of the last ``hours`` hours against the period
    before, the fastest growing first (two queries). Each row: ``keyword``, ``total``,
    ``previous``, ``growth`` and ``ratio`` (``None`` when new)."""
    now = now or timezone.now()
    since, before = now - timedelta(hours=hours), now - timedelta(hours=2 * hours)
    counts = visible_topic_counts(user)
    current = list(
        counts.filter(hour__gte=since).values("keyword").annotate(total=Sum("count"))
        .order_by("-total", "keyword")[:limit]
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
    return sorted(current, key=lambda r: (-r["growth"], r["keyword"]))


def rising_chart(rows: list[dict]) -> dict:
    """The fastest growing keywords as a Chart.js bar chart (passed through ``json_script``)."""
    shown = rows[:CHART_TOPICS]
    return {
        "labels": [row["keyword"] for row in shown],
        "datasets": [
            {"label": _("Diese Periode"), "data": [row["total"] for row in shown], "axis": "y"},
            {"label": _("Vorperiode"), "data": [row["previous"] for row in shown], "axis": "y"},
        ],
        "type": "bar",
    }


@dataclass(frozen=True)
class TopicDetail:
    """One keyword for one person: hourly counts, and the conversations they may handle."""

    hourly: list[dict]
    total: int
    # Conversations behind the keyword that the person handles in the inbox, newest first;
    # None when the person handles no conversations at all (then only counts are shown).
    conversations: QuerySet | None
    conversation_count: int  # conversations behind the keyword within the person's counts


def topic_detail(user, keyword: str, hours: int, now: datetime | None = None) -> TopicDetail:
    """What the topic page shows of ``keyword`` over the last ``hours`` hours.

    The counts follow the analytics scope; the conversations (which show the citizen's text)
    follow the inbox's own visibility, so an editor or administrator who does not handle
    citizens' requests sees how many there were, but not what they wrote."""
    from inbox.services.figures import visible_conversations

    since = (now or timezone.now()) - timedelta(hours=hours)
    rows = list(
        visible_topic_counts(user).filter(keyword=keyword, hour__gte=since)
        .order_by("hour").values_list("hour", "count", "conversation_ids")
    )
    ids = {pk for _hour, _count, found in rows for pk in found}
    conversations = None
    if permissions.can(user, "inbox.view"):
        conversations = (
            visible_conversations(user).filter(pk__in=ids)
            .select_related("channel_account", "department")
            .order_by("-last_message_at", "-pk")
        )
    return TopicDetail(
        hourly=[{"hour": hour, "count": count} for hour, count, _ids in rows],
        total=sum(count for _hour, count, _ids in rows),
        conversations=conversations,
        conversation_count=len(ids),
    )


# --- Retention --------------------------------------------------------------------------------
def purge_topics(cutoff: datetime) -> int:
    """Delete hourly counts and surges older than ``cutoff`` (the rule "analytics.topics")."""
    counts = TopicCount.objects.filter(hour__lt=cutoff).delete()[0]
    return counts + TopicSurge.objects.filter(hour__lt=cutoff).delete()[0]


def register_topic_retention() -> None:
    """Register the retention rule of the topic counts (called from ``apps.ready``)."""
    register_retention(RetentionRule(
        key="analytics.topics",
        label=gettext_lazy("Themen aus Nachrichten von Bürger/innen (Stichwörter pro Stunde)"),
        purpose=gettext_lazy("Erkennen, worüber Bürger/innen schreiben, und die Redaktion bei "
                             "stark zunehmenden Themen alarmieren"),
        personal_data=gettext_lazy("Stichwörter und Hashtags aus Nachrichten von Bürger/innen, "
                                   "Verweise auf deren Unterhaltungen"),
        default_days=365,
        purge=purge_topics,
        legal_basis=PUBLIC_TASK,
        data_subjects=CITIZENS,
    ))
