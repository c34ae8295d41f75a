"""The crisis pages. Thin doors: they read, render and call ``crisis.services``; a domain error
becomes a message. A missing right answers 403, an object the person may not see 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.roles import DepartmentPermission
from channels_publish.models import Delivery
from newsroom.errors import DomainError
from newsroom.models import Post

from . import services
from .forms import (
    ComposeForm,
    HoldingStatementForm,
    RescheduleForm,
    StartCrisisForm,
    VersionForm,
)
from .models import Crisis, CrisisMessage, CrisisStatus, HoldingStatement


def _require_team(user) -> None:
    if not permissions.is_crisis_team(user):
        raise PermissionDenied("crisis.team")


def _messages_of(crisis: Crisis):
    return (
        CrisisMessage.objects.filter(crisis=crisis)
        .select_related("post__author", "post__approved_by")
        .prefetch_related(Prefetch(
            "post__deliveries",
            queryset=Delivery.objects.select_related("channel_account").order_by("pk"),
        ))
    )


@login_required
def index(request):
    """The current crisis, the start form, holding statements and the history."""
    permissions.require(request.user, "crisis.view")
    may_manage = permissions.can(request.user, "crisis.manage")
    team = permissions.is_crisis_team(request.user)
    return render(request, "crisis/index.html", {
        "crisis": services.active_crisis(),
        "may_manage": may_manage,
        "start_form": StartCrisisForm() if may_manage else None,
        "statements": HoldingStatement.objects.select_related("approved_by") if team else None,
        "history": Crisis.objects.filter(status=CrisisStatus.ENDED).select_related(
            "started_by", "ended_by"
        )[:20],
    })


@login_required
@require_POST
def start(request):
    permissions.require(request.user, "crisis.manage")
    form = StartCrisisForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte prüfen Sie die Angaben: %(errors)s") % {
            "errors": " ".join(e for errors in form.errors.values() for e in errors)
        })
        return redirect("crisis:index")
    data = form.cleaned_data
    try:
        crisis = services.start_crisis(
            actor=request.user, reason=data["reason"], crisis_type=data["type"],
            all_channels=data["all_channels"],
            department_ids=[d.pk for d in data["departments"]],
            channel_account_ids=[a.pk for a in data["channel_accounts"]],
            planned_end_at=data["planned_end_at"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("crisis:index")
    messages.success(request, _("Der Krisenmodus ist aktiv. Geplante Beiträge sind angehalten."))
    return redirect("crisis:detail", pk=crisis.pk)


@login_required
def detail(request, pk: int):
    permissions.require(request.user, "crisis.view")
    crisis = get_object_or_404(
        Crisis.objects.select_related("started_by", "ended_by")
        .prefetch_related("departments", "channel_accounts"), pk=pk,
    )
    team = permissions.is_crisis_team(request.user)
    may_compose = crisis.is_active and permissions.can(request.user, "crisis.compose")
    return render(request, "crisis/detail.html", {
        "crisis": crisis,
        "team": team,
        "may_manage": permissions.can(request.user, "crisis.manage"),
        "may_compose": may_compose,
        "may_view_held": permissions.can(request.user, "crisis.held.view"),
        "crisis_messages": _messages_of(crisis) if team else [],
        "statements": (
            HoldingStatement.objects.filter(crisis_type=crisis.type, status="approved")
            if may_compose else []
        ),
        "held_count": services.held_posts().count(),
    })


@login_required
def compose(request, pk: int):
    """The crisis message composer: one text, every channel in scope preselected."""
    permissions.require(request.user, "crisis.compose")
    crisis = get_object_or_404(Crisis, pk=pk)
    if not crisis.is_active:
        messages.error(request, _("Die Krise ist beendet."))
        return redirect("crisis:detail", pk=crisis.pk)
    accounts = services.scope_channel_accounts(crisis)
    form = ComposeForm(request.POST or None, accounts=accounts,
                       library=services.crisis_media_library())
    if request.method == "POST" and form.is_valid():
        try:
            post = services.compose_crisis_message(
                request.user, crisis, form.cleaned_data["text"],
                [a.pk for a in form.cleaned_data["channel_accounts"]],
                media_ids=[asset.pk for asset in form.cleaned_data["media"]],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Die Meldung wartet auf die Freigabe durch ein zweites "
                                        "Mitglied des Krisenteams."))
            return redirect("crisis:approve", pk=post.pk)
    return render(request, "crisis/compose.html", {"crisis": crisis, "form": form})


def _crisis_post(pk: int) -> Post:
    return get_object_or_404(
        Post.objects.select_related("department", "author").prefetch_related(
            "channel_accounts", "editors"
        ),
        pk=pk, is_crisis=True,
    )


@login_required
def approve(request, pk: int):
    """GET: the message full width with one big button. POST: approve the version read."""
    _require_team(request.user)
    post = _crisis_post(pk)
    if request.method == "POST":
        form = VersionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Die Fassung fehlt. Bitte laden Sie die Seite neu."))
            return redirect("crisis:approve", pk=post.pk)
        try:
            services.approve_crisis_message(request.user, post,
                                            form.cleaned_data["expected_version"])
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("crisis:approve", pk=post.pk)
        messages.success(request, _("Freigegeben. Die Meldung geht jetzt hinaus."))
        return redirect("crisis:approve", pk=post.pk)
    own = permissions.is_author_or_editor(request.user, post)
    link = CrisisMessage.objects.filter(post=post).select_related("crisis").first()
    return render(request, "crisis/approve.html", {
        "post": post,
        "crisis": link.crisis if link else None,
        "own": own,
        "may_approve": post.status == "in_review"
        and permissions.can(request.user, "crisis.message.approve", post),
        "form": VersionForm(initial={"expected_version": post.version}),
        "deliveries": post.deliveries.select_related("channel_account").order_by("pk"),
    })


@login_required
@require_POST
def end(request, pk: int):
    permissions.require(request.user, "crisis.manage")
    crisis = get_object_or_404(Crisis, pk=pk)
    try:
        services.end_crisis(actor=request.user, crisis=crisis)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("crisis:detail", pk=crisis.pk)
    messages.success(request, _("Die Krise ist beendet. Bitte bestätigen Sie jeden angehaltenen "
                                "Beitrag."))
    return redirect("crisis:held", pk=crisis.pk)


def _visible_held_posts(user):
    posts = services.held_posts()
    if permissions.can(user, "newsroom.view_city_wide"):
        return posts
    return permissions.filter_by_department(posts, user, DepartmentPermission.APPROVE_POST)


@login_required
def held(request, pk: int):
    """Every post held by a crisis; each goes out again only when a person confirms it."""
    permissions.require(request.user, "crisis.held.view")
    crisis = get_object_or_404(Crisis, pk=pk)
    rows = []
    for post in _visible_held_posts(request.user).prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.select_related("channel_account"))
    ):
        rows.append({
            "post": post,
            "may_confirm": permissions.can(request.user, "crisis.held.confirm", post),
            "reschedule_form": RescheduleForm(
                initial={"expected_version": post.version}, auto_id=f"id_{post.pk}_%s"
            ),
        })
    return render(request, "crisis/held.html", {"crisis": crisis, "rows": rows})


def _held_post(request, pk: int) -> Post:
    post = get_object_or_404(services.held_posts(), pk=pk)
    if not permissions.can(request.user, "post.view", post):
        raise Http404
    permissions.require(request.user, "crisis.held.confirm", post)
    return post


@login_required
@require_POST
def release(request, crisis_pk: int, pk: int):
    post = _held_post(request, pk)
    try:
        services.release_held_post(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("„%(title)s“ ist wieder eingeplant.") % {"title": post.title})
    return redirect("crisis:held", pk=crisis_pk)


@login_required
@require_POST
def reschedule(request, crisis_pk: int, pk: int):
    post = _held_post(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("crisis:held", pk=crisis_pk)
    try:
        services.reschedule_held_post(
            actor=request.user, post=post, scheduled_at=form.cleaned_data["scheduled_at"],
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("„%(title)s“ ist verschoben.") % {"title": post.title})
    return redirect("crisis:held", pk=crisis_pk)


@login_required
@require_POST
def cancel(request, crisis_pk: int, pk: int):
    post = _held_post(request, pk)
    try:
        services.cancel_held_post(actor=request.user, post=post)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("„%(title)s“ ist abgesagt.") % {"title": post.title})
    return redirect("crisis:held", pk=crisis_pk)


# --- Holding statements ---------------------------------------------------------------------
@login_required
def statement_list(request):
    _require_team(request.user)
    return render(request, "crisis/statement_list.html", {
        "statements": HoldingStatement.objects.select_related("author", "approved_by")
        .prefetch_related("channel_accounts"),
        "may_edit": permissions.can(request.user, "crisis.compose"),
        "crisis": services.active_crisis(),
    })


@login_required
def statement_edit(request, pk: int | None = None):
    """Create (no ``pk``) or edit a holding statement; an edit revokes its approval."""
    permissions.require(request.user, "crisis.compose")
    statement = get_object_or_404(HoldingStatement, pk=pk) if pk is not None else None
    initial = {}
    if statement is not None:
        initial = {
            "crisis_type": statement.crisis_type, "title": statement.title,
            "text": statement.text, "expected_version": statement.version,
            "channel_accounts": list(statement.channel_accounts.values_list("pk", flat=True)),
            "media": list(statement.media.values_list("pk", flat=True)),
        }
    form = HoldingStatementForm(request.POST or None, initial=initial,
                                library=services.crisis_media_library())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.save_holding_statement(
                actor=request.user, statement=statement,
                expected_version=data["expected_version"],
                data=services.StatementData(
                    crisis_type=data["crisis_type"], title=data["title"], text=data["text"],
                    channel_account_ids=[a.pk for a in data["channel_accounts"]],
                    media_ids=[asset.pk for asset in data["media"]],
                ),
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Gespeichert. Eine zweite Person muss die Erklärung "
                                        "freigeben."))
            return redirect("crisis:statement_list")
    return render(request, "crisis/statement_edit.html", {"form": form, "statement": statement})


@login_required
@require_POST
def statement_approve(request, pk: int):
    _require_team(request.user)
    statement = get_object_or_404(HoldingStatement, pk=pk)
    permissions.require(request.user, "crisis.statement.approve", statement)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Die Fassung fehlt. Bitte laden Sie die Seite neu."))
        return redirect("crisis:statement_list")
    try:
        services.approve_holding_statement(
            actor=request.user, statement=statement,
            expected_version=form.cleaned_data["expected_version"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Erklärung ist freigegeben."))
    return redirect("crisis:statement_list")


@login_required
@require_POST
def statement_send(request, pk: int):
    permissions.require(request.user, "crisis.compose")
    statement = get_object_or_404(HoldingStatement, pk=pk)
    crisis = services.active_crisis()
    if crisis is None:
        messages.error(request, _("Es läuft keine Krise."))
        return redirect("crisis:statement_list")
    try:
        post = services.send_holding_statement(request.user, statement, crisis)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("crisis:statement_list")
    messages.success(request, _("„%(title)s“ geht jetzt hinaus.") % {"title": post.title})
    return redirect("crisis:detail", pk=crisis.pk)
