"""Channel accounts: which departments may post where."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts import permissions
from accounts.models import Department
from newsroom import audit

from .models import PUBLISH_PERMISSION, ChannelAccount
from .signals import account_reconnected

audit.register_actions({
    "channels.account.granted": gettext_lazy(
        "%(actor)s hat dem Amt %(department)s den Kanal „%(object)s“ freigeschaltet."
    ),
    "channels.account.reconnected": gettext_lazy(
        "%(actor)s hat den Kanal „%(object)s“ neu verbunden; %(released)s angehaltene "
        "Auslieferungen laufen weiter."
    ),
    "channels.account.reconnect_needed": gettext_lazy(
        "Der Kanal „%(object)s“ muss neu verbunden werden: %(error)s"
    ),
    "channels.account.revoked": gettext_lazy(
        "%(actor)s hat dem Amt %(department)s den Kanal „%(object)s“ entzogen."
    ),
})


def grant_channel(*, actor, account: ChannelAccount, department: Department) -> None:
    """Let ``department`` post to ``account`` (a guardian permission for its group)."""
    if actor is not None:
        permissions.require(actor, "channel.manage", account)
    with transaction.atomic():
        assign_perm(f"channels_publish.{PUBLISH_PERMISSION}", department.group, account)
        audit.log("channels.account.granted", actor=actor, obj=account, department=department,
                  data={"department": department.number})


def revoke_channel(*, actor, account: ChannelAccount, department: Department) -> None:
    if actor is not None:
        permissions.require(actor, "channel.manage", account)
    with transaction.atomic():
        remove_perm(f"channels_publish.{PUBLISH_PERMISSION}", department.group, account)
        audit.log("channels.account.revoked", actor=actor, obj=account, department=department,
                  data={"department": department.number})


def mark_reconnect_needed(account: ChannelAccount, message: str) -> bool:
    """The account's token no longer works (publishing, the inbox or analytics found out).

    Marks it as needing a reconnect, holds its pending deliveries, logs the fact once and tells
    the administrators and duty editors. Only the first caller that finds the account healthy
    does so; returns whether this call changed it.
    """
    from django.utils import timezone

    from .models import AccountHealth, Delivery, DeliveryStatus

    now = timezone.now()
    with transaction.atomic():
        changed = ChannelAccount.objects.filter(pk=account.pk, health=AccountHealth.OK).update(
            health=AccountHealth.RECONNECT_NEEDED, health_message=message[:500],
            health_changed_at=now,
        )
        Delivery.objects.filter(
            channel_account=account, status__in=(DeliveryStatus.PENDING,)
        ).update(status=DeliveryStatus.HELD, hold_reason="account", updated_at=now)
        if changed:
            audit.log("channels.account.reconnect_needed", obj=account,
                      data={"error": message[:300]})
            _notify_reconnect(account, message)
    return bool(changed)


def _notify_reconnect(account: ChannelAccount, message: str) -> None:
    from django.contrib.auth import get_user_model
    from django.utils.translation import gettext as _

    from accounts.roles import Role
    from newsroom.models import NotificationKind
    from newsroom.notifications import notify

    owners = get_user_model().objects.filter(
        is_active=True, memberships__role__in=(Role.ADMIN, Role.DUTY_EDITOR)
    ).distinct()
    notify(
        recipients=owners,
        kind=NotificationKind.ACCOUNT_RECONNECT,
        message=_("Der Kanal „%(account)s“ muss neu verbunden werden: %(error)s")
        % {"account": account.name, "error": message},
        url="",
    )


def reconnect_account(*, actor, account: ChannelAccount, credentials: dict,
                      token_expires_at=None) -> int:
    """Store new credentials; the account is healthy again and its held deliveries resume.

    Returns how many held deliveries were released.
    """
    from django.utils import timezone

    from .models import AccountHealth, Delivery, DeliveryStatus

    permissions.require(actor, "channel.manage", account)
    now = timezone.now()
    with transaction.atomic():
        account.set_credentials(credentials)
        account.token_expires_at = token_expires_at
        account.health = AccountHealth.OK
        account.health_message = ""
        account.health_changed_at = now
        account.save(update_fields=["credentials_encrypted", "credentials_updated_at",
                                    "token_expires_at", "health", "health_message",
                                    "health_changed_at"])
        released = Delivery.objects.filter(
            channel_account=account, status=DeliveryStatus.HELD, hold_reason="account"
        ).update(status=DeliveryStatus.PENDING, hold_reason="", next_attempt_at=now,
                 updated_at=now)
        # Only the fact is logged: the credentials never enter the audit log.
        audit.log("channels.account.reconnected", actor=actor, obj=account,
                  data={"released": released})
        account_reconnected.send(sender=ChannelAccount, account=account, actor=actor)
    return released
