"""Telling people what needs them: in the app (the bell) and by email, after commit."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.roles import Role

from .models import Notification, Post

User = get_user_model()


def notify(*, recipients: Iterable, kind: str, message: str, post: Post | None = None,
           url: str = "") -> list[Notification]:
    """Create one notification per recipient; their emails are sent once the change commits."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    notifications = Notification.objects.bulk_create(
        Notification(recipient=user, kind=kind, message=message[:500], post=post, url=url)
        for user in unique.values()
    )
    ids = [n.pk for n in notifications]
    if ids:
        from pwa.tasks import push_notification

        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
        # One push task per notification: a slow device delays nobody else's message.
        for pk in ids:
            transaction.on_commit(lambda pk=pk: push_notification.delay(pk))
    return notifications


def approvers_of(post: Post) -> list:
    """Who may approve ``post``: the department's heads; if it has none, the duty editors.
    A crisis message goes to the whole crisis team.

    The author and everyone who edited the current version are left out (four eyes).
    """
    excluded = {post.author_id, *post.editors.values_list("pk", flat=True)}
    if post.is_crisis:
        return crisis_team(exclude=excluded)
    heads = list(User.objects.filter(
        is_active=True, memberships__department=post.department, memberships__role=Role.HEAD
    ).exclude(pk__in=excluded).distinct())
    if heads:
        return heads
    return list(User.objects.filter(
        is_active=True, memberships__role=Role.DUTY_EDITOR,
        memberships__department__is_active=True,
    ).exclude(pk__in=excluded).distinct())


def crisis_team(exclude=()) -> list:
    """Who approves crisis messages: duty editors, administrators and the heads of the Amt für
    Kommunikation (``accounts.permissions.is_crisis_team``), day and night."""
    from accounts.permissions import crisis_team_members

    return list(crisis_team_members().exclude(pk__in=exclude))


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

