"""Pages of publishing: the channel accounts' health, and each post's deliveries live."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission, Role
from newsroom.errors import DomainError
from newsroom.models import Post

from . import dispatch
from .models import OPEN_DELIVERY_STATES, ChannelAccount, Delivery

EXPIRY_WARNING = timedelta(days=14)


def visible_accounts(user):
    accounts = ChannelAccount.objects.all()
    if permissions.has_any_role(user, (Role.ADMIN, Role.DUTY_EDITOR)):
        return accounts
    ids = permissions.department_ids_with(user, DepartmentPermission.VIEW_WORK)
    return accounts.filter(
        channelaccountgroupobjectpermission__group__department__in=ids
    ).distinct()


@login_required
@require_GET
def account_list(request):
    if not permissions.can(request.user, "channels.list"):
        raise PermissionDenied
    accounts = list(visible_accounts(request.user).order_by("network", "name"))
    grants = {}
    departments = Department.objects.filter(
        group__channelaccountgroupobjectpermission__content_object__in=accounts
    ).values_list("group__channelaccountgroupobjectpermission__content_object_id", "name")
    for account_id, name in departments:
        grants.setdefault(account_id, []).append(name)
    now = timezone.now()
    rows = [
        {
            "account": account,
            "departments": sorted(grants.get(account.pk, [])),
            "expired": account.token_expires_at is not None and account.token_expires_at <= now,
            "expiring": account.token_expires_at is not None
            and now < account.token_expires_at <= now + EXPIRY_WARNING,
        }
        for account in accounts
    ]
    return render(request, "channels_publish/account_list.html", {"rows": rows})


def _visible_post(user, pk: int) -> Post:
    return get_object_or_404(
        permissions.filter_by_department(Post.objects.all(), user, DepartmentPermission.VIEW_WORK),
        pk=pk,
    )


@login_required
@require_GET
def post_deliveries(request, pk: int):
    """The per-channel status of one post (an htmx partial that polls while work is open)."""
    post = _visible_post(request.user, pk)
    return render(request, "channels_publish/_deliveries.html",
                  delivery_panel_context(request.user, post))


def delivery_panel_context(user, post: Post) -> dict:
    """What the per-channel status panel shows; the post page renders it, htmx refreshes it."""
    deliveries = list(
        Delivery.objects.filter(post=post).select_related("channel_account")
        .order_by("channel_account__network", "channel_account__name")
    )
    return {
        "post": post,
        "deliveries": deliveries,
        "polling": any(d.status in OPEN_DELIVERY_STATES for d in deliveries),
        "can_retry": permissions.can(user, "delivery.retry", deliveries[0])
        if deliveries else False,
    }


@login_required
@require_POST
def retry_delivery(request, pk: int):
    delivery = get_object_or_404(Delivery.objects.select_related("post"), pk=pk)
    if not permissions.can(request.user, "post.view", delivery.post):
        raise Http404
    try:
        dispatch.retry(actor=request.user, delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Ein neuer Versuch ist eingeplant."))
    return redirect("newsroom:post_detail", pk=delivery.post_id)
