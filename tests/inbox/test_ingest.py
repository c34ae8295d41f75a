"""Ingest: idempotent, resumable from the cursor, grouped by thread, routed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_publish.models import Delivery, DeliveryStatus
from inbox.models import (
    CitizenAccount,
    Conversation,
    ConversationStatus,
    InboxCursor,
    Message,
    RoutingMode,
    RoutingRule,
)
from inbox.services.ingest import ingest_account, store_page
from inbox.tasks import ingest_all
from newsroom.models import Post, PostStatus

from .conftest import item

pytestmark = pytest.mark.django_db


def test_it_files_items_into_conversations_by_thread(account, fake_adapter):
    fake_adapter.items = [item(1, thread="a"), item(2, thread="a", hours_ago=0.5),
                          item(3, thread="b", author="citizen-2", kind="message")]
    report = ingest_account(account.pk)
    assert report.created == 3
    assert Conversation.objects.count() == 2
    first = Conversation.objects.get(thread_key="a")
    assert first.messages.count() == 2
    assert first.status == ConversationStatus.NEW
    assert first.waiting_since == min(m.created_at for m in first.messages.all())
    assert CitizenAccount.objects.count() == 2


def test_it_never_makes_a_second_copy_when_fetching_twice(account, fake_adapter):
    fake_adapter.items = [item(n, thread=f"t{n % 3}") for n in range(1, 8)]
    ingest_account(account.pk)
    InboxCursor.objects.update(cursor={})  # as if the cursor had been lost
    again = ingest_account(account.pk)
    assert again.fetched == 7
    assert again.created == 0
    assert Message.objects.count() == 7
    assert Conversation.objects.count() == 3


def test_it_continues_from_the_cursor_page_by_page(account, fake_adapter):
    fake_adapter.page_size = 2
    fake_adapter.items = [item(n) for n in range(1, 6)]
    report = ingest_account(account.pk)
    assert report.pages == 3
    assert InboxCursor.objects.get(channel_account=account).cursor == {"offset": 5}
    fake_adapter.items.append(item(6))
    report = ingest_account(account.pk)
    assert report.created == 1
    assert fake_adapter.fetch_calls[-1][0] == {"offset": 5}


def test_a_replayed_page_adds_nothing(account):
    items = [item(1), item(2)]
    store_page(account, items, {"offset": 2}, {})
    created, conversations = store_page(account, items, {"offset": 2}, {})
    assert created == [] and conversations == 0
    assert Message.objects.count() == 2


def test_it_links_comments_to_our_post_and_routes_to_its_department(account, fake_adapter,
                                                                     department):
    post = Post.objects.create(department=department, title="Radweg", body="Neu",
                               status=PostStatus.PUBLISHED)
    Delivery.objects.create(post=post, channel_account=account, post_version=1,
                            due_at=post.created_at, next_attempt_at=post.created_at,
                            status=DeliveryStatus.PUBLISHED, remote_id="fbpost-1")
    fake_adapter.items = [item(1, post_remote_id="fbpost-1")]
    ingest_account(account.pk)
    conversation = Conversation.objects.get()
    assert conversation.post == post
    assert conversation.department == department
    assert "fbpost-1" in fake_adapter.fetch_calls[0][1]


def test_routing_rules_suggest_or_set_the_department(account, fake_adapter, other_department,
                                                     department):
    RoutingRule.objects.create(name="Ampeln", keywords="ampel", department=other_department,
                               mode=RoutingMode.ASSIGN)
    RoutingRule.objects.create(name="Müll", keywords="müll, sperrmüll", department=department,
                               mode=RoutingMode.SUGGEST)
    fake_adapter.items = [item(1, thread="a", text="Die Ampel ist kaputt"),
                          item(2, thread="b", text="Wann kommt die Sperrmüll-Abfuhr?"),
                          item(3, thread="c", text="Hallo")]
    ingest_account(account.pk)
    assert Conversation.objects.get(thread_key="a").department == other_department
    suggested = Conversation.objects.get(thread_key="b")
    assert suggested.department is None and suggested.suggested_department == department
    assert Conversation.objects.get(thread_key="c").department is None


def test_a_new_citizen_message_reopens_an_answered_conversation(account, fake_adapter):
    fake_adapter.items = [item(1)]
    ingest_account(account.pk)
    Conversation.objects.update(status=ConversationStatus.ANSWERED, waiting_since=None)
    fake_adapter.items.append(item(2, text="Und wann genau?", hours_ago=0.1))
    ingest_account(account.pk)
    conversation = Conversation.objects.get()
    assert conversation.status == ConversationStatus.NEW
    assert conversation.waiting_since is not None


def test_our_own_answer_written_elsewhere_stops_the_waiting(account, fake_adapter):
    fake_adapter.items = [item(1, hours_ago=3),
                          item(2, hours_ago=1, from_us=True, author="page", text="Danke!")]
    ingest_account(account.pk)
    conversation = Conversation.objects.get()
    assert conversation.waiting_since is None
    assert conversation.first_answered_at is not None
    assert conversation.messages.filter(direction="out").count() == 1


def test_the_periodic_task_fetches_every_usable_account(account, fake_adapter):
    fake_adapter.items = [item(1), item(2, thread="t2")]
    assert ingest_all.delay().get() == 2
    assert ingest_all.delay().get() == 0


class _TokenRevoked:
    def fetch_inbound(self, account, cursor, published_remote_ids):
        from channels_publish.adapters.base import AuthorizationFailed

        raise AuthorizationFailed("Token widerrufen")


def test_a_revoked_token_on_fetch_is_handled_like_publishing(account, department, administrator,
                                                             duty_editor, monkeypatch):
    from channels_publish.adapters import inbound
    from channels_publish.models import AccountHealth, ChannelAccount
    from newsroom.models import AuditLogEntry, Notification, NotificationKind

    monkeypatch.setitem(inbound.INBOUND_ADAPTERS, "facebook", _TokenRevoked)
    later = timezone.now() + timedelta(hours=1)
    pending = Delivery.objects.create(post=_scheduled_post(department), channel_account=account,
                                      post_version=1, status=DeliveryStatus.PENDING,
                                      due_at=later, next_attempt_at=later)
    report = ingest_account(account.pk)
    assert report.error == "Token widerrufen"
    assert ChannelAccount.objects.get(pk=account.pk).health == AccountHealth.RECONNECT_NEEDED
    assert AuditLogEntry.objects.filter(action="channels.account.reconnect_needed").count() == 1
    notified = set(Notification.objects.filter(kind=NotificationKind.ACCOUNT_RECONNECT)
                   .values_list("recipient_id", flat=True))
    assert notified == {administrator.pk, duty_editor.pk}
    pending.refresh_from_db()
    assert pending.status == "held" and pending.hold_reason == "account"
    # A second discovery (another door) adds no second entry or notice.
    ChannelAccount.objects.filter(pk=account.pk).update(health=AccountHealth.OK)
    ChannelAccount.objects.filter(pk=account.pk).update(health=AccountHealth.RECONNECT_NEEDED)
    ingest_account(account.pk)
    assert AuditLogEntry.objects.filter(action="channels.account.reconnect_needed").count() == 1


def _scheduled_post(department):
    return Post.objects.create(department=department, title="Geplant", body="x",
                               status=PostStatus.SCHEDULED)


def test_one_broken_account_does_not_stop_the_others(account, department, fake_adapter,
                                                     monkeypatch):
    from channels_publish.adapters import inbound
    from inbox.services.ingest import ingest_all as run
    from tests.factories import channel

    class Broken:
        def fetch_inbound(self, *args):
            raise KeyError("unerwartet")

    broken = channel("x", department, name="Stadt auf X")
    monkeypatch.setitem(inbound.INBOUND_ADAPTERS, "x", Broken)
    fake_adapter.items = [item(1)]
    reports = {report.account_id: report for report in run()}
    assert reports[broken.pk].error == "KeyError"
    assert reports[account.pk].created == 1
    assert InboxCursor.objects.get(channel_account=broken).last_error == "KeyError"


def test_an_account_gone_meanwhile_yields_an_empty_report(db):
    report = ingest_account(987654)
    assert report.created == 0 and report.error == ""
