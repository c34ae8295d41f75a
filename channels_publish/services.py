"""Channel accounts: which departments may post where."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm

from accounts import permissions
from accounts.models import Department
from newsroom import audit

from .models import PUBLISH_PERMISSION, ChannelAccount

audit.register_actions({
    "channels.account.granted": gettext_lazy(
        "%(actor)s hat dem Amt %(department)s den Kanal „%(object)s“ freigeschaltet."
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
