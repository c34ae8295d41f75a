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
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return notifications


def approvers_of(post: Post) -> list:
    """Who may approve ``post``: the department's heads; if it has none, the duty editors.

    The author and everyone who edited the current version are left out (four eyes).
    """
    excluded = {post.author_id, *post.editors.values_list("pk", flat=True)}
    heads = list(User.objects.filter(
        is_active=True, memberships__department=post.department, memberships__role=Role.HEAD
    ).exclude(pk__in=excluded).distinct())
    if heads:
        return heads
    return list(User.objects.filter(
        is_active=True, memberships__role=Role.DUTY_EDITOR,
        memberships__department__is_active=True,
    ).exclude(pk__in=excluded).distinct())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()

