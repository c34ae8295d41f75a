"""Writing posts on the web: "Meine Beiträge", the composer with live checks, the post page.

Views only parse input and call the services (``newsroom.services.posts``,
``approvals.services``); a ``DomainError`` becomes a field error or a message. Another
department's post is looked up through the department filter and so answers 404; a missing
right answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from approvals import services as approvals
from approvals.models import Review
from channels_publish.views import delivery_panel_context
from newsroom import channel_rules
from newsroom.errors import Conflict, DomainError
from newsroom.models import (
    EDITABLE_STATES,
    AuditLogEntry,
    MediaAsset,
    Post,
    PostMedia,
    PostStatus,
    PostVariant,
    VariantMedia,
)
from newsroom.services import posts as post_services
from newsroom.services.validation import NotReadyForReview

from .forms import (
    SERVICE_FIELDS,
    CommentForm,
    PostForm,
    form_field_for_problem,
    initial_from_post,
    variant_field,
)

P = DepartmentPermission
PAGE_SIZE = 50

# The tabs of "Meine Beiträge": (key, label, statuses). "department" shows the department's posts.
STATUS_TABS = (
    ("", gettext_lazy("Alle"), None),
    ("draft", gettext_lazy("Entwürfe"), {PostStatus.DRAFT}),
    ("in_review", gettext_lazy("In Prüfung"), {PostStatus.IN_REVIEW}),
    ("changes_requested", gettext_lazy("Änderungen erbeten"), {PostStatus.CHANGES_REQUESTED}),
    ("approved", gettext_lazy("Freigegeben"), {PostStatus.APPROVED, PostStatus.SCHEDULED}),
    ("published", gettext_lazy("Veröffentlicht"), {
        PostStatus.PUBLISHING, PostStatus.PUBLISHED, PostStatus.PARTLY_FAILED, PostStatus.FAILED,
    }),
    ("withdrawn", gettext_lazy("Zurückgezogen"), {PostStatus.WITHDRAWN, PostStatus.ARCHIVED}),
)
DEPARTMENT_TAB = "department"


# --- Look-ups ---------------------------------------------------------------------------------
def visible_posts(user):
    """Posts of the departments whose work the person may see (others are not found: 404)."""
    return permissions.filter_by_department(Post.objects.all(), user, P.VIEW_WORK)


def drafting_departments(user):
    """Departments in which the person may write posts."""
    return permissions.filter_by_department(
        Department.objects.filter(is_active=True).order_by("number", "name"),
        user, P.DRAFT_POST, field_name="pk",
    )


def networks_of(department: Department) -> list[str]:
    """The networks the department has at least one channel on, in the rules' order."""
    available = set(
        post_services.allowed_channel_accounts(department).values_list("network", flat=True)
    )
    return [network for network in channel_rules.NETWORKS if network in available]


# --- "Meine Beiträge" -------------------------------------------------------------------------
@login_required
def post_list(request):
    permissions.require(request.user, "posts.list")
    visible = visible_posts(request.user)
    # A subquery instead of a join: no duplicate rows, so no DISTINCT over the whole list.
    edited = Post.editors.through.objects.filter(user=request.user).values("post_id")
    mine = visible.filter(Q(author=request.user) | Q(pk__in=edited))
    tab = request.GET.get("status", "")
    tabs = {key: (label, statuses) for key, label, statuses in STATUS_TABS}
    if tab == DEPARTMENT_TAB:
        posts = visible
    elif tab in tabs:
        statuses = tabs[tab][1]
        posts = mine.filter(status__in=statuses) if statuses else mine
    else:
        tab, posts = "", mine
    # One query for the numbers on every tab.
    counts = mine.aggregate(**{
        f"tab_{key or 'all'}": Count("pk", filter=Q(status__in=statuses))
        if statuses else Count("pk")
        for key, _label, statuses in STATUS_TABS
    })
    posts = (
        posts.select_related("department", "author")
        .prefetch_related("channel_accounts")
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    tab_links = [
        {"key": key, "label": label, "count": counts[f"tab_{key or 'all'}"], "active": key == tab}
        for key, label, _statuses in STATUS_TABS
    ]
    tab_links.append({
        "key": DEPARTMENT_TAB, "label": _("Alle meiner Ämter"), "count": None,
        "active": tab == DEPARTMENT_TAB,
    })
    return render(request, "newsroom/posts/list.html", {
        "page": page,
        "tabs": tab_links,
        "tab": tab,
        "network_labels": dict(channel_rules.NETWORK_LIMITS.items()),
        "may_create": drafting_departments(request.user).exists(),
    })


# --- Previews and live checks -----------------------------------------------------------------
@dataclass
class NetworkPreview:
    """One network's variant as the composer and the post page show it."""

    network: str
    label: str
    text: str
    title: str
    teaser: str
    link: str
    media: list[MediaAsset]
    account_names: list[str]
    department: Department
    selected: bool = True
    report: channel_rules.VariantReport | None = None
    extra: dict = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"newsroom/previews/{self.network}.html"

    @property
    def images(self) -> list[dict]:
        """The attachments as the preview shows them (a mid-sized rendition where ready)."""
        shown = []
        for asset in self.media:
            url = asset.rendition_url("preview") if asset.is_image else None
            shown.append({
                "url": url or asset.thumbnail_url,
                "alt": asset.alt_text,
                "is_video": asset.is_video,
                "name": asset.name,
            })
        return shown

    @property
    def x_text(self) -> str:
        return channel_rules.x_tweet_text(self.text, self.link)


def _facts(asset: MediaAsset) -> channel_rules.MediaFacts:
    return channel_rules.MediaFacts(
        kind=asset.kind, width=asset.width, height=asset.height, duration_s=asset.duration_s,
        alt_text=asset.alt_text, name=asset.name, mime_type=asset.mime_type,
    )


def _check(preview: NetworkPreview) -> NetworkPreview:
    preview.report = channel_rules.validate_variant(
        channel_rules.VariantDraft(
            network=preview.network, text=preview.text, title=preview.title,
            teaser=preview.teaser, link=preview.link or None,
            media=[_facts(asset) for asset in preview.media],
        )
    )
    return preview


def _as_ids(values) -> list[int]:
    ids = []
    for value in values or []:
        try:
            ids.append(int(getattr(value, "pk", value)))
        except (TypeError, ValueError):
            continue
    return ids


def live_previews(form: PostForm) -> list[NetworkPreview]:
    """Each network's preview and report for the composer's current (possibly unsaved) values.

    Works on bound and unbound forms alike (``BoundField.value()``), without saving anything.
    """
    department = form.department_obj
    accounts = list(form.fields["channel_accounts"].queryset)
    chosen_accounts = set(_as_ids(form["channel_accounts"].value()))
    library = {asset.pk: asset for asset in form.fields["media"].queryset}
    media = [library[pk] for pk in dict.fromkeys(_as_ids(form["media"].value())) if pk in library]
    body = form["body"].value() or ""
    post_title = form["title"].value() or ""
    link = (form["link"].value() or "").strip()
    previews = []
    for network in form.networks:
        follows = form[variant_field(network, "follow")].value()
        names = [a.name for a in accounts if a.network == network and a.pk in chosen_accounts]
        title_field = variant_field(network, "title")
        teaser_field = variant_field(network, "teaser")
        preview = NetworkPreview(
            network=network,
            label=str(channel_rules.NETWORK_LIMITS[network].label),
            text=body if follows else (form[variant_field(network, "text")].value() or ""),
            title=(form[title_field].value() if title_field in form.fields else "") or post_title,
            teaser=(form[teaser_field].value() if teaser_field in form.fields else "") or "",
            link=link,
            media=media,
            account_names=names,
            department=department,
            selected=bool(names),
        )
        previews.append(_check(preview) if preview.selected else preview)
    return previews


def post_previews(post: Post) -> list[NetworkPreview]:
    """Each network's preview and report for a saved post (variants and media prefetched)."""
    post_media = [item.asset for item in post.post_media.all()]
    names: dict[str, list[str]] = {}
    for account in post.channel_accounts.all():
        names.setdefault(account.network, []).append(account.name)
    previews = []
    for variant in post.variants.all():
        media = (
            [item.asset for item in variant.variant_media.all()]
            if variant.media_customised else post_media
        )
        previews.append(_check(NetworkPreview(
            network=variant.network,
            label=str(channel_rules.NETWORK_LIMITS[variant.network].label),
            text=variant.text if variant.text_customised else post.body,
            title=variant.title or post.title,
            teaser=variant.teaser,
            link=post.link,
            media=media,
            account_names=names.get(variant.network, []),
            department=post.department,
        )))
    return previews


@login_required
@require_POST
def composer_preview(request):
    """The composer's live counters, warnings and previews (htmx, out-of-band swaps)."""
    permissions.require(request.user, "posts.list")
    chosen = _as_ids([request.POST.get("department")])
    department = get_object_or_404(
        drafting_departments(request.user), pk=chosen[0] if chosen else 0
    )
    form = _composer_form(request.POST, department=department, user=request.user)
    return render(request, "newsroom/posts/_live.html", {
        "previews": live_previews(form),
    })


# --- The composer -----------------------------------------------------------------------------
def _composer_form(data, *, department, user, post=None, initial=None) -> PostForm:
    departments = (
        Department.objects.filter(pk=post.department_id) if post else drafting_departments(user)
    )
    return PostForm(
        data, initial=initial, department=department, departments=departments,
        networks=networks_of(department),
    )


def _attach_problems(form: PostForm, problems: list[tuple[str, str]]) -> list[dict]:
    """Put each problem next to its input; returns the list shown above the form."""
    listed, seen = [], set()
    for problem_field, message in problems:
        form_field, network = form_field_for_problem(problem_field)
        if form_field not in form.fields:
            form_field = None
        key = (form_field, str(message))
        if key in seen:
            continue
        seen.add(key)
        if form_field is not None:
            form.add_error(form_field, message)
        else:
            form.add_error(None, message)
        listed.append({
            "message": message,
            "anchor": form[form_field].auto_id if form_field else "",
            "network": str(channel_rules.NETWORK_LIMITS[network].label) if network else "",
        })
    return listed


def _attach_domain_error(form: PostForm, exc: DomainError) -> None:
    form_field = SERVICE_FIELDS.get(exc.field or "")
    form.add_error(form_field if form_field in form.fields else None, exc.message)


def _render_composer(request, form: PostForm, post: Post | None, *, problems=None, status=200):
    previews = live_previews(form)
    chosen_media = set(_as_ids(form["media"].value()))
    chosen_accounts = set(_as_ids(form["channel_accounts"].value()))
    sections = form.variant_sections()
    by_network = {preview.network: preview for preview in previews}
    for section in sections:
        section["preview"] = by_network[section["network"]]
    return render(request, "newsroom/posts/composer.html", {
        "form": form,
        "post": post,
        "sections": sections,
        "previews": previews,
        "problems": problems or [],
        "accounts": [
            {"account": account, "checked": account.pk in chosen_accounts}
            for account in form.fields["channel_accounts"].queryset
        ],
        "library": [
            {"asset": asset, "checked": asset.pk in chosen_media}
            for asset in form.fields["media"].queryset
        ],
        "departments": list(form.fields["department"].queryset) if post is None else [],
    }, status=status)


def _saved_form(request, post: Post, department: Department) -> PostForm:
    """The submitted values again, now pointing at the saved version (for the next save)."""
    data = request.POST.copy()
    data["expected_version"] = str(post.version)
    data["department"] = str(post.department_id)
    form = _composer_form(data, department=department, user=request.user, post=post)
    form.is_valid()
    return form


def _compose(request, post: Post | None, department: Department):
    form = _composer_form(request.POST, department=department, user=request.user, post=post)
    if not form.is_valid():
        return _render_composer(request, form, post)
    wants_review = request.POST.get("action") == "submit"
    data = form.to_post_data()
    try:
        if post is None:
            post = post_services.create_post(
                actor=request.user, department=form.cleaned_data["department"], data=data
            )
        else:
            post = post_services.update_post(
                actor=request.user, post=post, data=data,
                expected_version=form.cleaned_data.get("expected_version"),
            )
    except NotReadyForReview as exc:
        # Editing a post under review sends the new version to review at once: it must be ready.
        problems = _attach_problems(form, exc.problems)
        messages.error(request, _("Nicht gespeichert: Der Beitrag ist in Prüfung, und die neue "
                                  "Fassung ist noch nicht bereit zur Freigabe."))
        return _render_composer(request, form, post, problems=problems)
    except Conflict as exc:
        form.add_error(None, exc.message)
        return _render_composer(request, form, post)
    except DomainError as exc:
        _attach_domain_error(form, exc)
        return _render_composer(request, form, post)
    if not wants_review:
        messages.success(request, _("Entwurf gespeichert."))
        return redirect("newsroom:post_edit", pk=post.pk)
    if post.status in approvals.SUBMITTABLE_STATES:
        try:
            approvals.submit_for_review(actor=request.user, post=post)
        except NotReadyForReview as exc:
            form = _saved_form(request, post, department)
            problems = _attach_problems(form, exc.problems)
            messages.warning(request, _("Der Entwurf ist gespeichert, aber noch nicht bereit zur "
                                        "Freigabe. Bitte beheben Sie die markierten Punkte."))
            return _render_composer(request, form, post, problems=problems)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("newsroom:post_detail", pk=post.pk)
        messages.success(request, _("Der Beitrag wurde zur Freigabe eingereicht."))
    else:
        messages.success(request, _("Gespeichert. Die neue Fassung liegt zur Freigabe vor."))
    return redirect("newsroom:post_detail", pk=post.pk)


@login_required
def post_create(request):
    permissions.require(request.user, "posts.list")
    departments = drafting_departments(request.user)
    source = request.POST if request.method == "POST" else request.GET
    chosen = _as_ids([source.get("department")])
    department = (departments.filter(pk=chosen[0]).first() if chosen else None) or (
        departments.first()
    )
    if department is None:
        raise PermissionDenied("post.create")
    if request.method == "POST" and request.POST.get("action") in ("save", "submit"):
        return _compose(request, None, department)
    # First visit, or the department was switched: keep whatever was already typed.
    initial = {"department": department.pk}
    if request.GET.get("switch") or request.method == "POST":
        for name in ("title", "body", "link", "campaign", "tags", "scheduled_at"):
            if name in source:
                initial[name] = source.get(name)
    form = _composer_form(None, department=department, user=request.user, initial=initial)
    return _render_composer(request, form, None)


@login_required
def post_edit(request, pk: int):
    post = get_object_or_404(visible_posts(request.user).select_related("department"), pk=pk)
    permissions.require(request.user, "post.edit", post)
    if post.status not in EDITABLE_STATES:
        messages.info(request, _("Ein Beitrag im Status „%(status)s“ kann nicht mehr bearbeitet "
                                 "werden.") % {"status": post.get_status_display()})
        return redirect("newsroom:post_detail", pk=post.pk)
    if request.method == "POST":
        return _compose(request, post, post.department)
    form = _composer_form(None, department=post.department, user=request.user, post=post,
                          initial=initial_from_post(post))
    return _render_composer(request, form, post)


# --- The post page and its actions ------------------------------------------------------------
def _get_post(request, pk: int, action: str) -> Post:
    post = get_object_or_404(visible_posts(request.user).select_related("department"), pk=pk)
    permissions.require(request.user, action, post)
    return post


@login_required
def post_detail(request, pk: int):
    post = get_object_or_404(
        visible_posts(request.user)
        .select_related("department", "author", "approved_by")
        .prefetch_related(
            "channel_accounts", "tags", "editors",
            Prefetch("post_media", PostMedia.objects.select_related("asset")),
            Prefetch("variants", PostVariant.objects.prefetch_related(
                Prefetch("variant_media", VariantMedia.objects.select_related("asset"))
            )),
        ),
        pk=pk,
    )
    permissions.require(request.user, "post.view", post)
    user = request.user
    deletable = (post.status in post_services.DELETABLE_STATES and post.approved_at is None)
    actions = {
        "edit": post.status in EDITABLE_STATES and permissions.can(user, "post.edit", post),
        "submit": post.status in approvals.SUBMITTABLE_STATES
        and permissions.can(user, "post.submit", post),
        "withdraw": post.status in approvals.WITHDRAWABLE_STATES
        and permissions.can(user, "post.withdraw", post),
        "delete": deletable and permissions.can(user, "post.edit", post),
        "review": post.status == PostStatus.IN_REVIEW
        and permissions.can(user, "post.review", post),
        "comment": permissions.can(user, "post.comment", post),
    }
    return render(request, "newsroom/posts/detail.html", {
        "post": post,
        "previews": post_previews(post),
        "reviews": Review.objects.filter(post=post).select_related("submitted_by", "decided_by"),
        "comments": post.comments.select_related("author"),
        "audit_entries": AuditLogEntry.for_object(post).order_by("-created_at", "-id"),
        "actions": actions,
        "comment_form": CommentForm(),
        **delivery_panel_context(user, post),
    })


def _back_to(post: Post):
    return redirect("newsroom:post_detail", pk=post.pk)


@login_required
@require_POST
def post_submit(request, pk: int):
    post = _get_post(request, pk, "post.submit")
    try:
        approvals.submit_for_review(actor=request.user, post=post)
    except NotReadyForReview as exc:
        messages.error(request, _("Noch nicht bereit zur Freigabe:"))
        for _field, message in dict.fromkeys(exc.problems):
            messages.error(request, message)
        return redirect("newsroom:post_edit", pk=post.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to(post)
    messages.success(request, _("Der Beitrag wurde zur Freigabe eingereicht."))
    return _back_to(post)


@login_required
@require_POST
def post_withdraw(request, pk: int):
    post = _get_post(request, pk, "post.withdraw")
    try:
        approvals.withdraw(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Der Beitrag wurde zurückgezogen."))
    return _back_to(post)


@login_required
@require_POST
def post_delete(request, pk: int):
    post = _get_post(request, pk, "post.edit")
    try:
        post_services.delete_post(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back_to(post)
    messages.success(request, _("Der Beitrag „%(title)s“ wurde gelöscht.") % {"title": post.title})
    return redirect("newsroom:post_list")


@login_required
@require_POST
def post_comment(request, pk: int):
    post = _get_post(request, pk, "post.comment")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Der Kommentar ist leer."))
    else:
        try:
            post_services.add_comment(actor=request.user, post=post, text=form.cleaned_data["text"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Kommentar gespeichert."))
    return redirect(reverse("newsroom:post_detail", kwargs={"pk": post.pk}) + "#discussion")
