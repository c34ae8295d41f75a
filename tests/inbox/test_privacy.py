"""Data protection: the retention task, export and erasure of one citizen's messages."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from inbox.models import CitizenAccount, Conversation, Message
from inbox.services import privacy
from inbox.services.ingest import store_page
from newsroom.models import AuditLogEntry
from newsroom.tasks import enforce_retention

from .conftest import item

pytestmark = pytest.mark.django_db


def test_the_retention_task_anonymises_old_citizen_messages(account, settings):
    settings.NEWSROOM_RETENTION_DAYS = {"inbox.messages": 30}
    store_page(account, [item(1, thread="old", hours_ago=24 * 40, author="alt"),
                         item(2, thread="new", hours_ago=2, author="neu")], None, {})
    counts = enforce_retention.delay().get()
    assert counts["inbox.messages"] == 1
    old = Message.objects.get(remote_id="c1")
    assert old.text == privacy.ERASED_TEXT and old.author is None and old.anonymised_at
    assert Conversation.objects.get(thread_key="old").preview == privacy.ERASED_TEXT
    assert Message.objects.get(remote_id="c2").text == "Wann kommt der Radweg?"
    assert not CitizenAccount.objects.filter(remote_id="alt").exists()
    assert CitizenAccount.objects.filter(remote_id="neu").exists()
    # Running it again changes nothing.
    assert enforce_retention.delay().get()["inbox.messages"] == 0


def test_it_exports_everything_of_one_citizen_as_json_and_csv(account, community):
    store_page(account, [item(1, thread="a", author="x1"), item(2, thread="b", author="x1"),
                         item(3, thread="c", author="x2")], None, {})
    citizen = CitizenAccount.objects.get(remote_id="x1")
    content, _type = privacy.export_citizen(actor=community, citizen=citizen)
    data = json.loads(content)
    assert data["account"]["id"] == "x1"
    assert sorted(m["remote_id"] for m in data["messages"]) == ["c1", "c2"]
    content, _type = privacy.export_citizen(actor=community, citizen=citizen, fmt="csv")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 2
    assert AuditLogEntry.objects.filter(action="inbox.citizen.exported").count() == 2


def test_it_erases_everything_of_one_citizen_and_logs_it(account, community):
    store_page(account, [item(1, thread="a", author="x1"), item(2, thread="a", author="x2")],
               None, {})
    citizen = CitizenAccount.objects.get(remote_id="x1")
    assert privacy.erase_citizen(actor=community, citizen=citizen) == 1
    assert Message.objects.get(remote_id="c1").text == privacy.ERASED_TEXT
    assert Message.objects.get(remote_id="c2").text != privacy.ERASED_TEXT
    citizen.refresh_from_db()
    assert citizen.erased_at and citizen.name == ""
    entry = AuditLogEntry.objects.get(action="inbox.citizen.erased")
    assert "Bürger x1" not in entry.object_repr


def test_only_the_central_team_handles_citizens_data(account, head):
    store_page(account, [item(1)], None, {})
    with pytest.raises(PermissionDenied):
        privacy.export_citizen(actor=head, citizen=CitizenAccount.objects.get())


def test_the_pages_export_and_erase(client, account, community):
    store_page(account, [item(1, author="x1")], None, {})
    citizen = CitizenAccount.objects.get()
    client.force_login(community)
    found = client.get(reverse("inbox:citizens"), {"q": "x1"})
    assert "Bürger x1" in found.content.decode()
    response = client.get(reverse("inbox:citizen_export", kwargs={"pk": citizen.pk}),
                          {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "Wann kommt der Radweg?" in response.content.decode()
    client.post(reverse("inbox:citizen_erase", kwargs={"pk": citizen.pk}))
    assert Message.objects.get().text == privacy.ERASED_TEXT
