"""A member of staff leaves: export of their data, erasure (pseudonymisation), from every door."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import ApiToken, Membership
from newsroom.errors import DomainError, NotAllowed
from newsroom.models import AuditLogEntry, CalendarFeedToken, Notification, NotificationKind, Post
from newsroom.services import posts, privacy

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaver_post(editor, department):
    post = posts.create_post(
        actor=editor, department=department,
        data=posts.PostData(title="Radwege im Herbst", body="Text"),
    )
    posts.add_comment(actor=editor, post=post, text="Bitte Foto ergänzen")
    Notification.objects.create(recipient=editor, kind=NotificationKind.REVIEW_REQUESTED,
                                message="Hallo")
    CalendarFeedToken.issue(editor)
    ApiToken.issue(editor, "Skript")
    return post


def test_it_exports_everything_about_the_person(administrator, editor, leaver_post):
    data = privacy.export_personal_data(actor=administrator, user=editor)
    assert data["account"]["username"] == "redakteurin"
    assert data["memberships"][0]["department"] == "57"
    assert [row["title"] for row in data["records"]["newsroom.post.author"]] == [
        "Radwege im Herbst"
    ]
    assert data["records"]["newsroom.postcomment.author"][0]["text"] == "Bitte Foto ergänzen"
    assert data["records"]["newsroom.notification.recipient"][0]["message"] == "Hallo"
    # Secrets never leave: token hashes are masked.
    assert data["records"]["accounts.apitoken.user"][0]["key_hash"] == "***"
    assert data["records"]["newsroom.calendarfeedtoken.user"][0]["token_hash"] == "***"
    text = privacy.encode(data)
    assert json.loads(text)["account"]["email"] == editor.email
    entry = AuditLogEntry.objects.filter(action="newsroom.privacy.data_exported").get()
    assert entry.actor == administrator


def test_only_administrators_export(editor, head):
    with pytest.raises(NotAllowed):
        privacy.export_personal_data(actor=head, user=editor)


def test_it_erases_a_leaver_and_keeps_their_posts(administrator, editor, leaver_post):
    result = privacy.erase_staff_member(actor=administrator, user=editor)

    editor.refresh_from_db()
    assert editor.username == f"ehemalig-{editor.pk}"
    assert (editor.first_name, editor.last_name, editor.email) == ("", "", "")
    assert not editor.is_active and not editor.has_usable_password()
    assert not Membership.objects.filter(user=editor).exists()
    post = Post.objects.get(pk=leaver_post.pk)
    assert post.author is None and post.department.number == "57"
    assert not Notification.objects.filter(recipient=editor).exists()
    assert not CalendarFeedToken.objects.filter(user=editor).exists()
    assert not ApiToken.objects.filter(user=editor, revoked_at__isnull=True).exists()
    assert result.posts_reattributed == 1
    entry = AuditLogEntry.objects.filter(action="newsroom.privacy.staff_erased").get()
    assert entry.actor == administrator
    assert "Beiträge bleiben dem Amt zugeordnet" in entry.message()
    # The erasure is complete: an export afterwards holds no name or e-mail.
    data = privacy.personal_data(editor)
    assert data["account"]["email"] == "" and data["account"]["last_name"] == ""


def test_it_refuses_self_erasure_others_and_repeats(administrator, editor, head):
    with pytest.raises(NotAllowed):
        privacy.erase_staff_member(actor=head, user=editor)
    with pytest.raises(DomainError):
        privacy.erase_staff_member(actor=administrator, user=administrator)
    privacy.erase_staff_member(actor=administrator, user=editor)
    with pytest.raises(DomainError):
        privacy.erase_staff_member(actor=administrator, user=editor)


def test_the_commands_export_and_erase(editor, leaver_post, capsys, tmp_path):
    target = tmp_path / "export.json"
    call_command("export_staff_data", "redakteurin", "--output", str(target))
    assert json.loads(target.read_text())["account"]["username"] == "redakteurin"
    call_command("erase_staff_member", "redakteurin")
    assert "run again with --yes" in capsys.readouterr().out
    editor.refresh_from_db()
    assert editor.is_active
    call_command("erase_staff_member", "redakteurin", "--yes")
    editor.refresh_from_db()
    assert not editor.is_active and editor.username.startswith("ehemalig-")
    with pytest.raises(CommandError):
        call_command("erase_staff_member", "niemand", "--yes")


def _admin_client(client, administrator):
    client.force_login(administrator)
    session = client.session
    # The admin asks for a verified second factor when the newsroom requires one.
    session.save()
    return client


def test_the_admin_actions_export_and_erase(client, settings, administrator, editor,
                                            leaver_post):
    settings.NEWSROOM_REQUIRE_2FA = False
    client = _admin_client(client, administrator)
    url = reverse("admin:accounts_user_changelist")
    response = client.post(url, {"action": "export_personal_data",
                                 "_selected_action": [editor.pk]})
    assert response.status_code == 200
    assert json.loads(response.content)["people"][0]["account"]["username"] == "redakteurin"

    confirm = client.post(url, {"action": "erase_staff_members", "_selected_action": [editor.pk]})
    assert "Das lässt sich nicht rückgängig machen" in confirm.text
    editor.refresh_from_db()
    assert editor.is_active
    done = client.post(url, {"action": "erase_staff_members", "_selected_action": [editor.pk],
                             "confirm": "yes"})
    assert done.status_code == 302
    editor.refresh_from_db()
    assert not editor.is_active and editor.username.startswith("ehemalig-")
