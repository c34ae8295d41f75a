"""A scriptable inbound adapter and the people of the inbox tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from channels_publish.adapters import inbound
from channels_publish.adapters.base import Published
from channels_publish.adapters.inbound import FetchResult, InboundItem
from tests.factories import channel, member


@dataclass
class FakeInboundAdapter:
    """Serves ``items`` in pages of ``page_size`` from an integer cursor; records what it sent.

    ``faults`` is a list of exceptions raised by the next calls of ``send_reply`` (in order);
    ``sent_before_fault`` makes an ``OutcomeUnknown`` fault happen *after* the reply reached
    the network, as a timeout does.
    """

    items: list[InboundItem] = field(default_factory=list)
    page_size: int = 50
    sent: list = field(default_factory=list)
    faults: list = field(default_factory=list)
    sent_before_fault: bool = False
    fetch_calls: list = field(default_factory=list)
    moderated: list = field(default_factory=list)
    moderate_fault: Exception | None = None

    def fetch_inbound(self, account, cursor, published_remote_ids):
        self.fetch_calls.append((dict(cursor), list(published_remote_ids)))
        start = int(cursor.get("offset", 0))
        page = self.items[start:start + self.page_size]
        end = start + len(page)
        return FetchResult(items=page, cursor={"offset": end}, more=end < len(self.items))

    def send_reply(self, account, request, state, save_state):
        if self.faults:
            fault = self.faults.pop(0)
            if self.sent_before_fault:
                self.sent.append(request)
            raise fault
        self.sent.append(request)
        return Published(remote_id=f"reply-{len(self.sent)}", url="https://example.test/r")

    def find_reply(self, account, request):
        for index, sent in enumerate(self.sent, start=1):
            if sent.marker == request.marker:
                return Published(remote_id=f"reply-{index}", url="https://example.test/r")
        return None

    def moderate(self, account, remote_id, action):
        if self.moderate_fault is not None:
            raise self.moderate_fault
        self.moderated.append((remote_id, action))


@pytest.fixture
def fake_adapter(monkeypatch):
    adapter = FakeInboundAdapter()
    monkeypatch.setitem(inbound.INBOUND_ADAPTERS, "facebook", lambda: adapter)
    return adapter


def item(number: int, *, thread: str = "t1", text: str = "Wann kommt der Radweg?",
         hours_ago: float = 1, author: str = "citizen-1", kind: str = "comment",
         **fields) -> InboundItem:
    return InboundItem(
        kind=kind, remote_id=f"c{number}", thread_key=thread, text=text,
        created_at=timezone.now() - timedelta(hours=hours_ago), author_id=author,
        author_name=f"Bürger {author}", **fields,
    )


@pytest.fixture
def account(department):
    return channel("facebook", department, name="Stadt auf Facebook")


@pytest.fixture
def second_head(department):
    return member(Role.HEAD, department, username="zweite-leitung")


@pytest.fixture
def other_head(other_department):
    return member(Role.HEAD, other_department, username="fremde-leitung")
