"""Ingest: fetch what citizens wrote from each channel account and file it into conversations.

Idempotent by construction: a message is identified by (channel account, remote id), which the
database keeps unique, and the per-account cursor only moves forward after a page is stored. A
page fetched twice (a crash between storing and saving the cursor) adds nothing the second time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from channels_publish.adapters.base import AdapterError, AuthorizationFailed
from channels_publish.adapters.inbound import InboundItem, inbound_adapter_for
from channels_publish.dispatch import account_config
from channels_publish.models import AccountHealth, ChannelAccount, Delivery, DeliveryStatus
from channels_publish.services import mark_reconnect_needed

from ..models import (
    CitizenAccount,
    Conversation,
    ConversationStatus,
    InboxCursor,
    Message,
    MessageDirection,
)
from .common import now
from .routing import route_new_conversation

logger = logging.getLogger(__name__)

MAX_PAGES_PER_RUN = 20
# What ingest changes on a conversation (people's changes to the rest are never overwritten).
INGEST_FIELDS = [
    "last_message_at", "first_message_at", "updated_at", "post", "preview", "citizen",
    "waiting_since", "first_answered_at", "overdue_notified_at", "status", "department",
    "suggested_department",
]
PUBLISHED_IDS_LIMIT = 200


@dataclass
class IngestReport:
    """What one fetch of one account brought."""

    account_id: int
    pages: int = 0
    fetched: int = 0
    created: int = 0
    conversations_created: int = 0
    error: str = ""
    created_message_ids: list[int] = field(default_factory=list)


def inbound_accounts():
    """Channel accounts whose network has an inbound side and that are not disabled."""
    from channels_publish.adapters.inbound import INBOUND_ADAPTERS

    return ChannelAccount.objects.filter(
        network__in=list(INBOUND_ADAPTERS), health=AccountHealth.OK
    ).order_by("pk")


def ingest_all() -> list[IngestReport]:
    """Fetch every usable account once (the periodic task). One account's unexpected error is
    logged and recorded on its cursor; the accounts after it are still fetched."""
    reports = []
    for account_id in inbound_accounts().values_list("pk", flat=True):
        try:
            reports.append(ingest_account(account_id))
        except Exception as exc:
            logger.exception("Inbox ingest of channel account %s failed", account_id)
            InboxCursor.objects.filter(channel_account_id=account_id).update(
                last_fetched_at=now(), last_error=f"{type(exc).__name__}"[:2000]
            )
            reports.append(IngestReport(account_id=account_id, error=type(exc).__name__))
    return reports


def ingest_account(account_id: int, *, max_pages: int = MAX_PAGES_PER_RUN) -> IngestReport:
    """Fetch one account from its cursor on, page by page, storing each page before moving on.
    An account that is gone meanwhile yields an empty report."""
    account = ChannelAccount.objects.filter(pk=account_id).first()
    report = IngestReport(account_id=account_id)
    if account is None:
        return report
    try:
        adapter = inbound_adapter_for(account.network)
    except LookupError:
        return report
    cursor_row, _ = InboxCursor.objects.get_or_create(channel_account=account)
    published = _published_remote_ids(account)
    config = account_config(account)
    cursor = dict(cursor_row.cursor)
    for _page in range(max_pages):
        try:
            result = adapter.fetch_inbound(config, cursor, list(published))
        except AuthorizationFailed as exc:
            report.error = exc.message_de
            mark_reconnect_needed(account, exc.message_de)
            break
        except AdapterError as exc:
            report.error = exc.message_de
            break
        report.pages += 1
        report.fetched += len(result.items)
        created, conversations = store_page(account, result.items, result.cursor, published)
        report.created += len(created)
        report.created_message_ids.extend(created)
        report.conversations_created += conversations
        cursor = dict(result.cursor)
        if not result.more:
            break
    InboxCursor.objects.filter(pk=cursor_row.pk).update(
        last_fetched_at=now(), last_error=report.error[:2000]
    )
    return report


def _published_remote_ids(account: ChannelAccount) -> dict[str, int]:
    """Our published items on this account, newest first: remote id → post id."""
    rows = (
        Delivery.objects.filter(channel_account=account, status=DeliveryStatus.PUBLISHED)
        .exclude(remote_id="").order_by("-published_at", "-pk")
        .values_list("remote_id", "post_id")[:PUBLISHED_IDS_LIMIT]
    )
    return dict(rows)


def store_page(account: ChannelAccount, items: list[InboundItem], cursor: dict | None,
               published: dict[str, int]) -> tuple[list[int], int]:
    """Store one page and move the cursor (unless None), in one transaction. Returns (new
    message ids, conversations created)."""
    created_ids: list[int] = []
    conversations_created = 0
    with transaction.atomic():
        # One ingest per account at a time; a second run waits here and then finds the page.
        InboxCursor.objects.select_for_update().filter(channel_account=account).first()
        remote_ids = [item.remote_id for item in items]
        known = set(
            Message.objects.filter(channel_account=account, remote_id__in=remote_ids)
            .values_list("remote_id", flat=True)
        )
        fresh: list[InboundItem] = []
        for item in sorted(items, key=lambda i: i.created_at):
            if item.remote_id in known:
                continue
            known.add(item.remote_id)
            fresh.append(item)
        conversations = _conversations_for(account, fresh)
        citizens = _citizens_for(account.network, fresh)
        for item in fresh:
            conversation, is_new = conversations[item.thread_key]
            message = Message.objects.create(
                conversation=conversation, channel_account=account,
                direction=MessageDirection.OUT if item.from_us else MessageDirection.IN,
                kind=item.kind, remote_id=item.remote_id,
                parent_remote_id=item.parent_remote_id,
                author=None if item.from_us else citizens.get(item.author_id),
                author_name=(item.author_name or item.author_handle)[:200],
                text=item.text, url=item.url[:500], created_at=item.created_at,
                is_hidden=item.is_hidden,
            )
            created_ids.append(message.pk)
            _apply_message(conversation, item, published, message.author)
        for conversation, is_new in conversations.values():
            if is_new:
                conversations_created += 1
                route_new_conversation(conversation)
            conversation.save(update_fields=INGEST_FIELDS)
        if cursor is not None:
            InboxCursor.objects.filter(channel_account=account).update(cursor=cursor)
    return created_ids, conversations_created


def _conversations_for(account: ChannelAccount, items: list[InboundItem]):
    keys = {item.thread_key for item in items}
    # Locked for the page's transaction: a person routing or closing one at the same moment
    # waits, and neither change is lost.
    existing = {
        c.thread_key: (c, False)
        for c in Conversation.objects.select_for_update()
        .filter(channel_account=account, thread_key__in=keys)
    }
    for item in items:
        if item.thread_key in existing:
            continue
        conversation = Conversation(
            channel_account=account, thread_key=item.thread_key, kind=item.kind,
            first_message_at=item.created_at, last_message_at=item.created_at,
        )
        try:
            with transaction.atomic():
                conversation.save()
            existing[item.thread_key] = (conversation, True)
        except IntegrityError:
            existing[item.thread_key] = (
                Conversation.objects.get(channel_account=account, thread_key=item.thread_key),
                False,
            )
    return existing


def _citizens_for(network: str, items: list[InboundItem]) -> dict[str, CitizenAccount]:
    wanted = {item.author_id: item for item in items if not item.from_us and item.author_id}
    citizens = {
        c.remote_id: c
        for c in CitizenAccount.objects.filter(network=network, remote_id__in=list(wanted))
    }
    for author_id, item in wanted.items():
        if author_id in citizens:
            continue
        citizen, _ = CitizenAccount.objects.get_or_create(
            network=network, remote_id=author_id,
            defaults={"name": item.author_name[:200], "handle": item.author_handle[:200]},
        )
        citizens[author_id] = citizen
    return citizens


def _apply_message(conversation: Conversation, item: InboundItem,
                   published: dict[str, int], citizen: CitizenAccount | None) -> None:
    """Keep the conversation's summary fields in step with a new message (saved by caller)."""
    conversation.last_message_at = max(conversation.last_message_at, item.created_at)
    conversation.first_message_at = min(conversation.first_message_at, item.created_at)
    conversation.updated_at = now()
    if conversation.post_id is None and item.post_remote_id in published:
        conversation.post_id = published[item.post_remote_id]
    if item.from_us:
        # Answered outside Newsroom (e.g. in the network's own app): nothing waits any more.
        conversation.waiting_since = None
        if conversation.first_answered_at is None:
            conversation.first_answered_at = item.created_at
        return
    if not conversation.preview:
        conversation.preview = item.text[:200]
    if conversation.citizen_id is None and citizen is not None:
        conversation.citizen = citizen
    if conversation.waiting_since is None:
        # A new wait begins: it may be reported as overdue again.
        conversation.waiting_since = item.created_at
        conversation.overdue_notified_at = None
    elif item.created_at < conversation.waiting_since:
        conversation.waiting_since = item.created_at
    if conversation.status in (ConversationStatus.ANSWERED, ConversationStatus.CLOSED):
        # The citizen wrote again: the conversation is open once more.
        conversation.status = (
            ConversationStatus.ASSIGNED if conversation.assignee_id else ConversationStatus.NEW
        )
