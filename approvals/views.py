"""The reviewer's door: the queue, the review page, and the two decisions.

The views only read and render; approving and requesting changes are the service functions in
``approvals.services``, whose domain errors become messages here.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.models import ChannelAccount
from channels_publish.networks import Network
from newsroom.errors import DomainError
from newsroom.models import MediaAsset, Post, PostStatus
from newsroom.services.validation import reports
from newsroom.timezones import BERLIN

from . import services
from .forms import ApproveForm, QueueFilterForm, RequestChangesForm
from .models import Review, ReviewStatus
from .snapshots import diff_snapshots

APPROVE = DepartmentPermission.APPROVE_POST

FOUR_EYES_MESSAGE = gettext_lazy(
    "Sie haben diese Fassung verfasst oder bearbeitet. Nach dem Vier-Augen-Prinzip muss "
    "jemand anderes sie freigeben."
)


def due_hint(moment: datetime | None, now: datetime | None = None) -> str:
    """How far away ``moment`` is, the way people say it: "in 45 Min.", "seit 10 Min. fällig"."""
    if moment is None:
        return _("sofort nach Freigabe")
    now = now or timezone.now()
    minutes = int((moment - now).total_seconds() // 60)
    if minutes < 0:
        overdue = -minutes
        if overdue < 60:
            return _("seit %(minutes)s Min. überfällig") % {"minutes": overdue}
        return _("seit %(hours)s Std. überfällig") % {"hours": overdue // 60}
    if minutes < 60:
        return _("in %(minutes)s Min.") % {"minutes": minutes}
    if minutes < 24 * 60:
        hours, rest = divmod(minutes, 60)
        if rest:
            return _("in %(hours)s Std. %(minutes)s Min.") % {"hours": hours, "minutes": rest}
        return _("in %(hours)s Std.") % {"hours": hours}
    days = minutes // (24 * 60)
    return ngettext("in %(days)s Tag", "in %(days)s Tagen", days) % {"days": days}


def _due_limit(due: str, now: datetime) -> datetime | None:
    if due == "2h":
        return now + timedelta(hours=2)
    if due == "today":
        tomorrow = now.astimezone(BERLIN).date() + timedelta(days=1)
        return datetime.combine(tomorrow, datetime.min.time(), tzinfo=BERLIN)
    if due == "week":
        return now + timedelta(days=7)
    return None


# The most urgent first; a long queue goes on over further pages.
QUEUE_PAGE_SIZE = 50


def queue_posts(user):
    """Posts in review of the departments where ``user`` may approve, most urgent first."""
    open_reviews = Review.objects.open()
    return (
        permissions.filter_by_department(Post.objects.filter(status=PostStatus.IN_REVIEW), user,
                                         APPROVE)
        .annotate(submitted_at=Subquery(
            open_reviews.filter(post=OuterRef("pk")).values("submitted_at")[:1]
        ))
        .select_related("department", "author")
        .prefetch_related(
            "editors",
            "variants",
            "channel_accounts",
            Prefetch(
                "reviews",
                queryset=open_reviews.defer("snapshot").select_related("submitted_by"),
                to_attr="open_reviews",
            ),
        )
        .order_by(F("scheduled_at").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True),
                  "pk")
    )


@login_required
def queue(request):
    """The review queue: what waits for this person's approval."""
    permissions.require(request.user, "review_queue.view")
    department_ids = permissions.department_ids_with(request.user, APPROVE)
    departments = Department.objects.filter(is_active=True).order_by("number")
    if not isinstance(department_ids, permissions.AllDepartments):
        departments = departments.filter(pk__in=department_ids)
    form = QueueFilterForm(request.GET or None, departments=departments)
    posts = queue_posts(request.user)
    now = timezone.now()
    if form.is_valid():
        if form.cleaned_data["department"]:
            posts = posts.filter(department_id=form.cleaned_data["department"])
        if form.cleaned_data["network"]:
            posts = posts.filter(Exists(ChannelAccount.objects.filter(
                posts=OuterRef("pk"), network=form.cleaned_data["network"]
            )))
        limit = _due_limit(form.cleaned_data["due"], now)
        if limit is not None:
            posts = posts.filter(scheduled_at__isnull=False, scheduled_at__lt=limit)
    page = Paginator(posts, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for post in page:
        review = post.open_reviews[0] if post.open_reviews else None
        rows.append({
            "post": post,
            "networks": [Network(n).label for n in post.networks],
            "scheduled_at": post.scheduled_at.astimezone(BERLIN) if post.scheduled_at else None,
            "due_hint": due_hint(post.scheduled_at, now),
            "overdue": post.scheduled_at is not None and post.scheduled_at <= now,
            "submitted_by": review.submitted_by if review else post.author,
            "submitted_at": post.submitted_at.astimezone(BERLIN) if post.submitted_at else None,
            "own": permissions.is_author_or_editor(request.user, post),
        })
    return render(request, "approvals/queue.html", {
        "form": form, "rows": rows, "page": page,
        "filtered": bool(set(request.GET) - {"page"}),
    })


def _visible_post(user, pk: int) -> Post:
    """The post if ``user`` may see it; otherwise it is simply not found."""
    post = get_object_or_404(Post.objects.select_related("department", "author"), pk=pk)
    if not permissions.can(user, "post.view", post):
        raise Http404
    return post


def _media_by_id(*snapshots: dict | None) -> dict[int, MediaAsset]:
    ids = set()
    for snapshot in snapshots:
        if not snapshot:
            continue
        ids.update(item["id"] for item in snapshot.get("media", []))
        for variant in snapshot.get("variants", {}).values():
            ids.update(item["id"] for item in variant.get("media", []))
    return MediaAsset.objects.in_bulk(ids)


def _preview(snapshot: dict, assets: dict[int, MediaAsset]) -> dict:
    """The snapshot in the shape the template shows: one block per network."""
    def media(items):
        return [{"name": item["name"], "alt_text": item["alt_text"],
                 "asset": assets.get(item["id"])} for item in items]

    scheduled = snapshot.get("scheduled_at")
    return {
        "title": snapshot.get("title", ""),
        "body": snapshot.get("body", ""),
        "link": snapshot.get("link", ""),
        "campaign": snapshot.get("campaign", ""),
        "tags": snapshot.get("tags", []),
        "is_crisis": snapshot.get("is_crisis", False),
        "scheduled_at": (datetime.fromisoformat(scheduled).astimezone(BERLIN)
                         if scheduled else None),
        "channels": [
            {"name": c["name"], "network": Network(c["network"]).label
             if c["network"] in Network.values else c["network"]}
            for c in snapshot.get("channels", [])
        ],
        "variants": [
            {
                "network": network,
                "label": Network(network).label if network in Network.values else network,
                "title": variant.get("title", ""),
                "teaser": variant.get("teaser", ""),
                "text": variant.get("text", ""),
                "media": media(variant.get("media", [])),
            }
            for network, variant in sorted(snapshot.get("variants", {}).items())
        ],
    }


def _render_review(request, post: Post, *, change_form: RequestChangesForm | None = None,
                   status: int = 200):
    reviews = list(post.reviews.select_related("submitted_by", "decided_by").order_by("-pk"))
    if not reviews:
        # Never submitted: there is nothing to review yet.
        raise Http404
    current = next((r for r in reviews if r.status == ReviewStatus.OPEN), reviews[0])
    previous = next(
        (r for r in reviews if r.status == ReviewStatus.APPROVED and r.pk < current.pk), None
    )
    assets = _media_by_id(current.snapshot)
    is_open = current.status == ReviewStatus.OPEN and post.status == PostStatus.IN_REVIEW
    may_decide = is_open and permissions.can(request.user, "post.review", post)
    own = (is_open and permissions.has_department_permission(request.user, APPROVE,
                                                             post.department_id)
           and permissions.is_author_or_editor(request.user, post))
    warnings = []
    if is_open and current.version == post.version:
        for network, report in reports(post).items():
            label = Network(network).label if network in Network.values else network
            warnings.extend({"network": label, "level": issue.level, "message": issue.message}
                            for issue in report.issues)
    version = current.version
    return render(request, "approvals/review.html", {
        "post": post,
        "review": current,
        "is_open": is_open,
        "may_decide": may_decide,
        "may_view_queue": permissions.can(request.user, "review_queue.view"),
        "own": own,
        "preview": _preview(current.snapshot, assets),
        "previous": previous,
        "changes": diff_snapshots(previous.snapshot if previous else None, current.snapshot),
        "comments": post.comments.select_related("author"),
        "warnings": warnings,
        "approve_form": ApproveForm(initial={"expected_version": version}),
        "change_form": change_form or RequestChangesForm(initial={"expected_version": version}),
    }, status=status)


@login_required
def review(request, pk: int):
    """The review page: the version under review, what changed, the discussion, the decision."""
    post = _visible_post(request.user, pk)
    return _render_review(request, post)


def _reviewable_post(request, pk: int) -> Post:
    """The post for a decision: not found without view right, 403 without the approver role."""
    post = _visible_post(request.user, pk)
    if not permissions.has_department_permission(request.user, APPROVE, post.department_id):
        raise PermissionDenied("post.review")
    return post


@login_required
@require_POST
def approve(request, pk: int):
    post = _reviewable_post(request, pk)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Die Fassung fehlt. Bitte laden Sie die Seite neu."))
        return redirect("approvals:review", pk=post.pk)
    if permissions.is_author_or_editor(request.user, post):
        messages.error(request, FOUR_EYES_MESSAGE)
        return redirect("approvals:review", pk=post.pk)
    try:
        services.approve(actor=request.user, post=post,
                         expected_version=form.cleaned_data["expected_version"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("approvals:review", pk=post.pk)
    except PermissionDenied:
        # Someone edited the post in the meantime and made this person one of its editors.
        messages.error(request, FOUR_EYES_MESSAGE)
        return redirect("approvals:review", pk=post.pk)
    messages.success(request, _("„%(title)s“ ist freigegeben.") % {"title": post.title})
    return redirect("approvals:queue")


@login_required
@require_POST
def request_changes(request, pk: int):
    post = _reviewable_post(request, pk)
    form = RequestChangesForm(request.POST)
    if not form.is_valid():
        return _render_review(request, post, change_form=form, status=400)
    if permissions.is_author_or_editor(request.user, post):
        messages.error(request, FOUR_EYES_MESSAGE)
        return redirect("approvals:review", pk=post.pk)
    try:
        services.request_changes(actor=request.user, post=post,
                                 comment=form.cleaned_data["comment"],
                                 expected_version=form.cleaned_data["expected_version"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("approvals:review", pk=post.pk)
    except PermissionDenied:
        messages.error(request, FOUR_EYES_MESSAGE)
        return redirect("approvals:review", pk=post.pk)
    messages.success(request, _("Die Änderungswünsche zu „%(title)s“ sind verschickt.")
                     % {"title": post.title})
    return redirect("approvals:queue")
