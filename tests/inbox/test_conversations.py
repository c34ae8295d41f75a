"""Triage: visibility, routing, assignment, tags, notes, closing, the list and its filters."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import Conversation, ConversationStatus, SavedAnswer
from inbox.services import conversations
from inbox.services.figures import InboxFilter, filtered, visible_conversations
from newsroom.errors import DomainError
from newsroom.models import AuditLogEntry, Notification, NotificationKind

from .helpers import conversation_of

pytestmark = pytest.mark.django_db


def test_a_department_sees_only_what_is_routed_to_it(account, department, other_department,
                                                     head, other_head, community,
                                                     duty_editor, editor):
    ours = conversation_of(account, department, thread="a")
    theirs = conversation_of(account, other_department, thread="b", number=2)
    unrouted = conversation_of(account, thread="c", number=3)
    assert set(visible_conversations(head)) == {ours}
    assert set(visible_conversations(other_head)) == {theirs}
    assert set(visible_conversations(community)) == {ours, theirs, unrouted}
    assert set(visible_conversations(duty_editor)) == {ours, theirs, unrouted}
    assert not visible_conversations(editor).exists()


def test_the_community_management_re_routes_and_the_old_assignee_lets_go(
        account, department, other_department, head, community, other_head):
    conversation = conversation_of(account, department)
    conversations.assign(actor=head, conversation=conversation, assignee=head)
    with pytest.raises(PermissionDenied):
        conversations.route(actor=head, conversation=conversation, department=other_department)
    conversation = conversations.route(actor=community, conversation=conversation,
                                       department=other_department)
    assert conversation.department == other_department
    assert conversation.assignee is None and conversation.status == ConversationStatus.NEW
    assert AuditLogEntry.objects.filter(action="inbox.conversation.routed").exists()
    assert set(visible_conversations(other_head)) == {conversation}


def test_assigning_notifies_the_person_and_rejects_outsiders(account, department, head,
                                                            second_head, other_head):
    conversation = conversation_of(account, department)
    conversations.assign(actor=head, conversation=conversation, assignee=second_head)
    conversation.refresh_from_db()
    assert conversation.status == ConversationStatus.ASSIGNED
    assert Notification.objects.filter(recipient=second_head,
                                       kind=NotificationKind.CONVERSATION_ASSIGNED).exists()
    with pytest.raises(DomainError):
        conversations.assign(actor=head, conversation=conversation, assignee=other_head)


def test_tags_notes_close_and_reopen(account, department, head):
    conversation = conversation_of(account, department)
    conversations.set_tags(actor=head, conversation=conversation, names=["#Radweg", " Lob "])
    assert sorted(t.name for t in conversation.tags.all()) == ["lob", "radweg"]
    conversations.add_note(actor=head, conversation=conversation, text="Bauamt fragen")
    assert conversation.notes.get().text == "Bauamt fragen"
    conversations.close(actor=head, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.CLOSED
    conversations.reopen(actor=head, conversation=conversation)
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.NEW


def test_filters_and_search(account, department, community):
    a = conversation_of(account, department, thread="a", text="Ampel kaputt", hours_ago=30)
    b = conversation_of(account, thread="b", text="Lob fürs Stadtfest", number=2, hours_ago=1)
    assert list(filtered(community, InboxFilter(query="ampel"))) == [a]
    assert list(filtered(community, InboxFilter(unrouted=True))) == [b]
    assert list(filtered(community, InboxFilter(older_than="24h"))) == [a]
    assert list(filtered(community, InboxFilter(overdue=True))) == [a]
    assert set(filtered(community, InboxFilter(network="facebook"))) == {a, b}
    assert list(filtered(community, InboxFilter(network="x"))) == []
    assert list(filtered(community, InboxFilter(department=department.pk))) == [a]


def _list_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_the_list_costs_the_same_number_of_queries_as_it_grows(client, account, department,
                                                                community):
    client.force_login(community)
    url = reverse("inbox:list")
    for number in range(3):
        conversation_of(account, department, thread=f"s{number}", number=number)
    few = _list_queries(client, url)
    for number in range(3, 30):
        conversation = conversation_of(account, department, thread=f"s{number}",
                                       number=number)
        conversations.set_tags(actor=community, conversation=conversation, names=["x"])
    many = _list_queries(client, url)
    assert many == few
    assert _list_queries(client, url + "?q=Wann&network=facebook&age=1h") == few


def test_the_conversation_page_shows_thread_composer_and_saved_answers(client, account,
                                                                       department, head):
    conversation = conversation_of(account, department, text="Wo ist das Bürgerbüro?")
    SavedAnswer.objects.create(department=department, title="Bürgerbüro",
                               text="Das Bürgerbüro ist im Rathaus.")
    client.force_login(head)
    page = client.get(reverse("inbox:conversation", kwargs={"pk": conversation.pk}))
    html = page.content.decode()
    assert "Wo ist das Bürgerbüro?" in html
    assert "Das Bürgerbüro ist im Rathaus." in html
    assert 'name="text"' in html


def test_response_times_per_department_and_channel(client, account, department, head,
                                                   second_head, fake_adapter):
    from inbox.services import replies, sending
    from inbox.services.figures import response_times

    conversation = conversation_of(account, department, hours_ago=3)
    conversation_of(account, department, thread="late", number=2, hours_ago=30)
    reply = replies.submit(actor=head, reply=replies.draft(
        actor=head, conversation=conversation, text="Antwort"))
    replies.approve(actor=second_head, reply=reply, expected_version=reply.version)
    sending.send(reply.pk)
    figures = response_times(head)
    row = figures["department"][0]
    assert row.label == department.name
    assert row.answered == 1 and 2.9 < row.median_hours < 3.1
    assert row.waiting == 1 and row.overdue == 1
    assert figures["network"][0].label == "facebook"
    client.force_login(head)
    assert client.get(reverse("inbox:response_times")).status_code == 200


def test_overdue_conversations_are_notified_once_and_flagged_on_the_dashboard(
        client, account, department, head, duty_editor, community, comms_department):
    from accounts.roles import Role
    from inbox.tasks import notify_overdue
    from tests.factories import member

    central = member(Role.COMMUNITY, comms_department, username="social-media-team")

    late = conversation_of(account, department, hours_ago=30, text="Seit gestern keine Antwort")
    conversation_of(account, department, thread="fresh", number=2, hours_ago=1)
    assert notify_overdue.delay().get() == 1
    assert notify_overdue.delay().get() == 0
    notified = Notification.objects.filter(kind=NotificationKind.CONVERSATION_OVERDUE)
    assert set(notified.values_list("recipient_id", flat=True)) == {
        head.pk, community.pk, central.pk}
    client.force_login(duty_editor)
    html = client.get(reverse("newsroom:dashboard")).content.decode()
    assert "Seit gestern keine Antwort" in html
    assert reverse("inbox:conversation", kwargs={"pk": late.pk}) in html


def test_the_pages_route_assign_tag_note_and_close(client, account, department, community,
                                                   head):
    conversation = conversation_of(account)
    client.force_login(community)

    def post(name, data=None):
        url = reverse(f"inbox:{name}", kwargs={"pk": conversation.pk})
        assert client.post(url, data or {}).status_code == 302

    post("route", {"department": department.pk})
    post("assign", {"assignee": head.pk})
    post("tags", {"tags": "radweg, lob"})
    post("add_note", {"text": "Rückruf vereinbart"})
    conversation.refresh_from_db()
    assert (conversation.department, conversation.assignee) == (department, head)
    assert conversation.status == ConversationStatus.ASSIGNED
    assert conversation.tags.count() == 2 and conversation.notes.count() == 1
    post("close")
    assert Conversation.objects.get(pk=conversation.pk).status == ConversationStatus.CLOSED


def test_the_navigation_shows_the_inbox_to_those_who_handle_it(client, head, editor):
    client.force_login(head)
    assert "Bürgerpostfach" in client.get("/").content.decode()
    client.force_login(editor)
    assert "Bürgerpostfach" not in client.get("/").content.decode()


def test_overdue_notices_cost_the_same_per_conversation_as_they_grow(account, department, head,
                                                                    community):
    from inbox.services.figures import notify_overdue

    def queries_for(count: int, offset: int) -> int:
        for number in range(offset, offset + count):
            conversation = conversation_of(account, department, thread=f"late-{number}",
                                           number=number, hours_ago=30)
            Conversation.objects.filter(pk=conversation.pk).update(assignee=head)
        with CaptureQueriesContext(connection) as queries:
            assert notify_overdue() == count
        return len(queries)

    two, five = queries_for(2, 100), queries_for(5, 200)
    per_conversation = (five - two) / 3
    # Claim, notifications (savepoint around them): nothing per person or per lookup.
    assert per_conversation <= 4, (two, five)
    assert two - 2 * per_conversation <= 6  # the fixed part: candidates and people, once


def test_assignable_people_fall_back_to_the_central_team(account, other_department,
                                                          comms_department):
    from accounts.roles import Role
    from tests.factories import member

    # Nobody in the department handles the inbox: the central team does, and may be assigned.
    central = member(Role.COMMUNITY, comms_department, username="zentrale")
    conversation = conversation_of(account, other_department)
    people = conversations.assignable_people(conversation)
    assert central in people
    conversations.assign(actor=central, conversation=conversation, assignee=central)
