"""The inbox in Django's admin: read-only, administrators only, no bulk approval."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from tests.factories import member

from .helpers import conversation_of, reply_in_review

pytestmark = pytest.mark.django_db

CHANGELISTS = ["admin:inbox_conversation_changelist", "admin:inbox_reply_changelist",
               "admin:inbox_moderationrequest_changelist"]


@pytest.fixture
def superuser(comms_department):
    return member(Role.ADMIN, comms_department, username="root", is_staff=True,
                  is_superuser=True)


def test_it_shows_citizens_messages_to_administrators_only(client, department, account):
    conversation_of(account, department)
    staff = member(Role.HEAD, department, username="staff-leitung")
    # Staff with every inbox permission of Django's own, but not an administrator.
    type(staff).objects.filter(pk=staff.pk).update(is_staff=True)
    staff.refresh_from_db()
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="inbox"))
    client.force_login(staff)
    for name in CHANGELISTS:
        assert client.get(reverse(name)).status_code == 403, name
    assert "inbox" not in client.get(reverse("admin:index")).content.decode()


def test_the_lists_cost_the_same_as_they_grow(client, superuser, account, department, head):
    from inbox.services import moderation

    def add(number: int) -> None:
        conversation = conversation_of(account, department, thread=f"t{number}", number=number)
        reply_in_review(head, conversation)
        moderation.request(actor=head, message=conversation.messages.get(), action="hide",
                           reason="spam")

    client.force_login(superuser)
    add(1)
    counts = {}
    for name in CHANGELISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(queries)
    for number in range(2, 6):
        add(number)
    for name in CHANGELISTS:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse(name))
        assert page.status_code == 200
        assert len(queries) == counts[name], name
