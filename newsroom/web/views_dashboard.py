"""The duty editor's dashboard: what needs attention today, each with its action one click away.

A constant number of queries: today's timeline, failed or unclear deliveries, posts in review
that are due soon, and channel accounts that must be reconnected.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts import permissions
from channels_publish.models import AccountHealth, ChannelAccount, Delivery, DeliveryStatus
from newsroom import calendar
from newsroom.models import PostStatus

ATTENTION_LIMIT = 50
REVIEW_HORIZON = timedelta(hours=2)
SURGE_HORIZON = timedelta(hours=6)


@login_required
@require_GET
def dashboard(request):
    permissions.require(request.user, "dashboard.view")
    user = request.user
    now = timezone.now()
    today = timezone.localtime(now, calendar.BERLIN).date()
    day_start = datetime.combine(today, datetime.min.time(), calendar.BERLIN)
    labels = calendar.network_labels()

    timeline = list(calendar.posts_in_range(user, day_start, day_start + timedelta(days=1)))
    for post in timeline:
        post.badge, post.badge_label = calendar.display_status(post)
        post.network_names = [
            labels.get(n, n) for n in sorted({a.network for a in post.channel_accounts.all()})
        ]

    deliveries = list(
        Delivery.objects.filter(
            status__in=(DeliveryStatus.FAILED, DeliveryStatus.OUTCOME_UNKNOWN),
            post__in=calendar.visible_posts(user).values("pk"),
        )
        .select_related("post", "post__department", "channel_account")
        .order_by("-updated_at", "-pk")[:ATTENTION_LIMIT]
    )
    for delivery in deliveries:
        delivery.may_retry = permissions.can(user, "delivery.retry", delivery)

    # Due within two hours, overdue, or "immediately after approval" (no time at all).
    reviews_due = list(
        calendar.visible_posts(user)
        .filter(status=PostStatus.IN_REVIEW)
        .filter(Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now + REVIEW_HORIZON))
        .select_related("department")
        .order_by("scheduled_at", "pk")[:ATTENTION_LIMIT]
    )

    reconnect = list(
        ChannelAccount.objects.filter(health=AccountHealth.RECONNECT_NEEDED)
        .order_by("network", "name")
    )
    from analytics.services.topics import recent_surges

    # Topics that surged in the inbox in the last six hours (analytics).
    surges = list(recent_surges(now - SURGE_HORIZON))
    from inbox.services.figures import overdue_conversations, target_hours

    # Citizens waiting longer than the target for a first answer (inbox).
    overdue = overdue_conversations(user, limit=ATTENTION_LIMIT)
    return render(request, "newsroom/dashboard/dashboard.html", {
        "inbox_overdue": overdue,
        "inbox_target_hours": target_hours(),
        "surges": surges,
        "now": now,
        "today": today,
        "timeline": timeline,
        "deliveries": deliveries,
        "reviews_due": reviews_due,
        "reconnect": reconnect,
    })
