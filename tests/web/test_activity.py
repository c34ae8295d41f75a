"""The audit log page, its CSV export, and notifications."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from newsroom import audit
from newsroom.models import AuditLogEntry, Notification, NotificationKind
from newsroom.services import posts
from tests.factories import channel, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(editor, other_editor, department, other_department):
    """One post in each department, each with its own audit entries."""
    own = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="=Radwoche", body="Text",
                            channel_account_ids=[channel("facebook", department).pk]),
    )
    other = posts.create_post(
        actor=other_editor, department=other_department,
        data=posts.PostData(title="Baustelle", body="Text",
                            channel_account_ids=[channel("x", other_department).pk]),
    )
    return own, other


def _messages_on_page(response):
    return [row["message"] for row in response.context["rows"]]


def test_a_head_reads_only_their_departments_entries(client, head, trail):
    own, other = trail
    client.force_login(head)
    response = client.get(reverse("newsroom:audit_log"))
    assert response.status_code == 200
    objects = {row["entry"].object_repr for row in response.context["rows"]}
    assert own.title in objects
    assert other.title not in objects
    # Entries of no department (logins, accounts) are for the city-wide roles only.
    assert all(row["entry"].department_id == head.memberships.get().department_id
               for row in response.context["rows"])


@pytest.mark.parametrize("persona", ["duty_editor", "administrator"])
def test_city_wide_roles_read_everything(client, trail, persona, request):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    response = client.get(reverse("newsroom:audit_log"))
    objects = {row["entry"].object_repr for row in response.context["rows"]}
    assert {"=Radwoche", "Baustelle"} <= objects


def test_editors_and_community_may_not_read_the_log(client, editor, community):
    for person in (editor, community):
        client.force_login(person)
        assert client.get(reverse("newsroom:audit_log")).status_code == 403
        assert client.get(reverse("newsroom:audit_export")).status_code == 403


def test_entries_read_as_german_sentences(client, duty_editor, editor, trail):
    client.force_login(duty_editor)
    response = client.get(reverse("newsroom:audit_log"), {"action": "newsroom.post.created"})
    html = response.content.decode()
    assert response.context["rows"]
    assert "newsroom.post.created" in html
    assert all(row["message"] != row["entry"].action for row in response.context["rows"])


def test_the_log_filters_by_department_person_action_post_and_period(
    client, duty_editor, editor, other_editor, other_department, trail
):
    own, _other = trail
    client.force_login(duty_editor)
    url = reverse("newsroom:audit_log")

    def objects(**params):
        return {row["entry"].object_repr for row in client.get(url, params).context["rows"]}

    in_other = objects(department=other_department.pk)
    assert "Baustelle" in in_other and "=Radwoche" not in in_other
    assert objects(department=other_department.pk, action="newsroom.post.created") == {
        "Baustelle"
    }
    assert objects(person=other_editor.username, action="newsroom.post.created") == {"Baustelle"}
    assert objects(post=own.pk) == {"=Radwoche"}
    today = timezone.localdate()
    assert "=Radwoche" in objects(date_from=today.isoformat(), date_to=today.isoformat())
    assert objects(date_to=(today - timedelta(days=1)).isoformat()) == set()
    # A nonsensical period finds nothing and says why.
    response = client.get(url, {"date_from": today.isoformat(),
                                "date_to": (today - timedelta(days=3)).isoformat()})
    assert response.context["rows"] == []
    assert "Startdatum liegt nach dem Enddatum" in response.content.decode()


def test_the_log_is_paginated_with_constant_queries(client, duty_editor, department,
                                                    django_assert_max_num_queries):
    for number in range(60):
        audit.log("accounts.user.created", actor=duty_editor, obj=duty_editor,
                  department=department, data={"n": number})
    client.force_login(duty_editor)
    url = reverse("newsroom:audit_log")
    client.get(url)
    with django_assert_max_num_queries(10) as first:
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get(url, {"page": 2})
    assert len(response.context["rows"]) == AuditLogEntry.objects.count() - 50


def test_the_export_is_excel_friendly_csv_of_the_filtered_entries(client, duty_editor,
                                                                  department, trail):
    own, _other = trail
    client.force_login(duty_editor)
    response = client.get(reverse("newsroom:audit_export"), {"post": own.pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Nr.", "Zeit", "Aktion", "Was geschah", "Person", "Objekt", "Amt",
                       "IP-Adresse", "Details", "Vorherige Prüfsumme", "Prüfsumme"]
    entries = list(AuditLogEntry.for_object(own).order_by("-id"))
    assert len(rows) == 1 + len(entries)
    first = rows[1]
    assert first[0] == str(entries[0].pk)
    assert first[2] == entries[0].action
    # A title that looks like a formula is defused for spreadsheet programs.
    assert first[5] == "'=Radwoche"
    assert first[6] == department.name
    assert first[10] == entries[0].entry_hash
    assert first[1] == timezone.localtime(entries[0].created_at).strftime("%Y-%m-%d %H:%M:%S")


def test_a_heads_export_leaves_out_other_departments(client, head, trail):
    client.force_login(head)
    response = client.get(reverse("newsroom:audit_export"))
    content = b"".join(response.streaming_content).decode("utf-8")
    assert "Radwoche" in content
    assert "Baustelle" not in content


def _note(recipient, message, *, read=False, **fields):
    return Notification.objects.create(
        recipient=recipient, kind=NotificationKind.REVIEW_REQUESTED, message=message,
        read_at=timezone.now() if read else None, **fields,
    )


def test_notifications_show_only_ones_own_unread_first(client, head, editor):
    _note(head, "Alt und gelesen", read=True)
    _note(head, "Neu für die Leitung", url="/review/")
    _note(editor, "Für jemand anderen")
    client.force_login(head)
    response = client.get(reverse("newsroom:notifications"))
    messages = [row["notification"].message for row in response.context["rows"]]
    assert messages == ["Neu für die Leitung", "Alt und gelesen"]
    assert response.context["rows"][0]["url"] == "/review/"
    assert "Für jemand anderen" not in response.content.decode()


def test_opening_a_notification_marks_it_read_and_leads_to_its_target(client, head):
    note = _note(head, "Bitte prüfen", url="/review/")
    client.force_login(head)
    response = client.post(reverse("newsroom:notification_read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/review/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_not_found(client, head, editor):
    note = _note(editor, "Nicht Ihre")
    client.force_login(head)
    assert client.post(reverse("newsroom:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_an_external_target_is_not_followed(client, head):
    note = _note(head, "Seltsam", url="https://example.com/phishing")
    client.force_login(head)
    response = client.post(reverse("newsroom:notification_read", args=[note.pk]))
    assert response["Location"] == reverse("home")


def test_mark_all_read_touches_only_ones_own(client, head, editor):
    mine = [_note(head, "Eins"), _note(head, "Zwei")]
    theirs = _note(editor, "Drei")
    client.force_login(head)
    response = client.post(reverse("newsroom:notifications_read_all"))
    assert response.status_code == 302
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_review_request_leads_to_the_review_page(client, department, editor):
    head = member(Role.HEAD, department, username="leitung-2")
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Zur Prüfung", body="Text",
                            channel_account_ids=[channel("facebook", department).pk]),
    )
    from approvals import services as review

    review.submit_for_review(actor=editor, post=post)
    note = Notification.objects.get(recipient=head, kind=NotificationKind.REVIEW_REQUESTED)
    client.force_login(head)
    response = client.post(reverse("newsroom:notification_read", args=[note.pk]))
    assert response["Location"] == reverse("approvals:review", args=[post.pk])
