"""Retention rules of the core, the record of processing, and the audit log exports."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from accounts.services import grant_membership
from newsroom import audit
from newsroom.models import AuditLogEntry, CalendarFeedToken, Notification, NotificationKind
from newsroom.retention import enforce_retention, retention_rules
from newsroom.services import posts
from newsroom.tasks import enforce_retention as enforce_retention_task
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_core_registers_a_rule_for_each_kind_of_personal_data():
    keys = {rule.key for rule in retention_rules()}
    assert {"newsroom.notifications", "newsroom.audit_entries",
            "newsroom.calendar_feed_tokens", "newsroom.posts",
            "newsroom.staff_accounts"} <= keys
    for rule in retention_rules():
        assert rule.purpose and rule.label, rule.key


def test_the_daily_task_purges_old_notifications_tokens_and_audit_entries(editor, settings):
    old = timezone.now() - timedelta(days=400)
    stale = Notification.objects.create(recipient=editor, kind=NotificationKind.REVIEW_REQUESTED,
                                        message="alt", created_at=old)
    fresh = Notification.objects.create(recipient=editor, kind=NotificationKind.REVIEW_REQUESTED,
                                        message="neu")
    token, _key = CalendarFeedToken.issue(editor)
    CalendarFeedToken.objects.filter(pk=token.pk).update(revoked_at=old)
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.audit_entries": 1}
    AuditLogEntry.objects.update(created_at=old)  # the set-up's entries are "old" now
    before = AuditLogEntry.objects.count()

    enforce_retention_task.delay()

    assert not Notification.objects.filter(pk=stale.pk).exists()
    assert Notification.objects.filter(pk=fresh.pk).exists()
    assert not CalendarFeedToken.objects.filter(pk=token.pk).exists()
    # The backdated entries are gone; the truncation and the summary remain, chain intact.
    assert AuditLogEntry.objects.count() == 2
    assert before > 0
    summary = AuditLogEntry.objects.get(action="newsroom.retention.enforced")
    assert summary.data["counts"]["newsroom.notifications"] == 1
    # The chain was broken by the backdating above, but truncation removed exactly those.
    assert audit.verify_audit_chain().intact


def test_settings_change_the_period(settings, editor):
    Notification.objects.create(recipient=editor, kind=NotificationKind.REVIEW_REQUESTED,
                                message="x", created_at=timezone.now() - timedelta(days=20))
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.notifications": 30}
    assert enforce_retention()["newsroom.notifications"] == 0
    settings.NEWSROOM_RETENTION_DAYS = {"newsroom.notifications": 10}
    assert enforce_retention()["newsroom.notifications"] == 1


def test_the_record_of_processing_in_three_formats(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("newsroom:processing_record"))
    assert "Verzeichnis der Verarbeitungstätigkeiten" in page.text
    assert "Protokoll (Audit-Log)" in page.text and "1095 Tage" in page.text
    data = json.loads(client.get(reverse("newsroom:processing_record_json")).content)
    keys = [row["key"] for row in data["records"]]
    assert keys == sorted(rule.key for rule in retention_rules())
    text = client.get(reverse("newsroom:processing_record_csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][1] == "Datenart" and len(rows) == len(keys) + 1


# --- Audit log exports --------------------------------------------------------------------
@pytest.fixture
def trail(department, other_department, editor, other_editor):
    """Entries of two departments, two people and one post."""
    post = posts.create_post(actor=editor, department=department,
                             data=posts.PostData(title="Baustelle", body="Text"))
    posts.create_post(actor=other_editor, department=other_department,
                      data=posts.PostData(title="Fremd", body="Text"))
    person = UserFactory(username="neu")
    grant_membership(actor=editor, user=person, department=department, role=Role.COMMUNITY)
    return post


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def _json(response):
    return json.loads(b"".join(response.streaming_content))


def test_exports_filter_by_department_person_post_and_period(client, duty_editor, trail,
                                                              department, editor):
    client.force_login(duty_editor)
    csv_url, json_url = reverse("newsroom:audit_export"), reverse("newsroom:audit_export_json")
    everything = _json(client.get(json_url))["entries"]
    assert {e["department"] for e in everything} >= {"57", "66"}

    by_department = _json(client.get(json_url, {"department": department.pk}))
    assert {e["department"] for e in by_department["entries"]} == {"57"}
    assert by_department["filters"] == {"department": department.pk}

    by_post = _csv(client.get(csv_url, {"post": trail.pk}))
    assert len(by_post) == 2 and "Baustelle" in by_post[1][5]

    by_person = _json(client.get(json_url, {"person": editor.username}))["entries"]
    assert by_person and all(e["actor_id"] == editor.pk for e in by_person)

    today = timezone.localdate()
    assert len(_json(client.get(json_url, {"date_from": today.isoformat()}))["entries"]) == len(
        everything
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert _json(client.get(json_url, {"date_from": tomorrow}))["entries"] == []


def test_heads_export_only_their_departments_entries(client, head, trail):
    client.force_login(head)
    entries = _json(client.get(reverse("newsroom:audit_export_json")))["entries"]
    assert entries and {e["department"] for e in entries} == {"57"}


def test_exports_carry_the_chain_so_a_tampered_row_can_be_found(client, duty_editor, trail):
    client.force_login(duty_editor)
    victim = AuditLogEntry.objects.order_by("id")[2]
    AuditLogEntry.objects.filter(pk=victim.pk).update(object_repr="Gefälscht")
    entries = _json(client.get(reverse("newsroom:audit_export_json")))["entries"]
    by_id = {e["id"]: e for e in entries}
    # The export shows what is stored, including the now wrong hash; the check names it.
    assert by_id[victim.pk]["object"] == "Gefälscht"
    assert by_id[victim.pk]["entry_hash"] == victim.entry_hash
    assert audit.verify_audit_chain().first_broken_id == victim.pk
    rows = _csv(client.get(reverse("newsroom:audit_export")))
    assert rows[0][-1] == "Prüfsumme" and any(row[-1] == victim.entry_hash for row in rows[1:])


def test_csv_cells_that_look_like_formulas_are_defused(client, duty_editor, department):
    person = UserFactory(username="formel", first_name="=HYPERLINK(\"x\")", last_name="")
    grant_membership(actor=person, user=person, department=department, role=Role.EDITOR)
    client.force_login(duty_editor)
    rows = _csv(client.get(reverse("newsroom:audit_export")))
    assert any(row[4].startswith("'=HYPERLINK") for row in rows[1:])


def test_the_scheduler_runs_the_retention_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "newsroom.tasks.enforce_retention" in tasks
