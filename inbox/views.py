"""The inbox pages. Thin doors: they read, render and call ``inbox.services``; a domain error
becomes a message. A missing right answers 403, a conversation of another department 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from channels_publish.networks import Network
from newsroom.errors import DomainError

from . import forms
from .models import (
    CitizenAccount,
    Conversation,
    Message,
    ModerationRequest,
    ModerationStatus,
    Reply,
    ReplyStatus,
    RoutingRule,
    SavedAnswer,
)
from .services import conversations as conversation_services
from .services import figures, moderation, privacy, replies, sending
from .services import settings as inbox_settings

PAGE_SIZE = 50


def _conversation(request, pk: int) -> Conversation:
    """A conversation the person handles: 404 if another department's, 403 without the
    right to handle it."""
    conversation = get_object_or_404(
        figures.findable_conversations(request.user).select_related(
            "channel_account", "department", "suggested_department", "assignee", "citizen",
            "post",
        ), pk=pk,
    )
    permissions.require(request.user, "conversation.handle", conversation)
    return conversation


def _back(conversation: Conversation):
    return redirect("inbox:conversation", pk=conversation.pk)


def _error(request, error: DomainError) -> None:
    messages.error(request, error.message)


@login_required
def inbox_list(request):
    """All conversations the person handles, filtered and paginated (constant query count)."""
    permissions.require(request.user, "inbox.view")
    form = forms.FilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    department = data.get("department")
    selected = figures.InboxFilter(
        query=data.get("q", ""), network=data.get("network", ""),
        department=department.pk if department else None, status=data.get("status", ""),
        older_than=data.get("age", ""), overdue=bool(data.get("overdue")),
        mine=bool(data.get("mine")), unrouted=bool(data.get("unrouted")),
        tag=data.get("tag", ""),
    )
    queryset = (
        figures.with_overdue(figures.filtered(request.user, selected))
        .select_related("channel_account", "department", "suggested_department", "assignee",
                        "citizen")
        .prefetch_related("tags")
        .order_by("-last_message_at", "-pk")
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/list.html", {
        "form": form,
        "page": page,
        "target_hours": figures.target_hours(),
        "may_manage_rules": permissions.can(request.user, "inbox.rules.manage"),
        "may_review": permissions.can(request.user, "reply.review_queue"),
        "may_citizen_data": permissions.can(request.user, "inbox.citizen_data"),
    })


@login_required
def conversation_detail(request, pk: int):
    """One conversation: the thread, notes, the reply composer with saved answers, actions."""
    conversation = _conversation(request, pk)
    thread = list(conversation.messages.select_related("author").prefetch_related(
        Prefetch("moderation_requests",
                 queryset=ModerationRequest.objects.select_related("requested_by",
                                                                   "decided_by"))
    ))
    open_reply = replies.open_reply(conversation)
    user = request.user
    may_route = permissions.can(user, "conversation.route", conversation)
    reply_form = forms.ReplyForm(initial={
        "text": open_reply.text if open_reply else "",
        "expected_version": open_reply.version if open_reply else None,
    })
    return render(request, "inbox/conversation.html", {
        "conversation": conversation,
        "thread": thread,
        "notes": conversation.notes.select_related("author"),
        "history": conversation.replies.exclude(pk=open_reply.pk if open_reply else None)
        .select_related("author", "approved_by"),
        "open_reply": open_reply,
        "may_review_reply": bool(open_reply) and open_reply.status == ReplyStatus.IN_REVIEW
        and permissions.can(user, "reply.review", open_reply),
        "may_edit_reply": open_reply is None or replies.may_edit(open_reply),
        "may_retry_reply": bool(open_reply) and sending.may_retry(open_reply),
        "may_discard_unknown": bool(open_reply) and replies.may_discard_unknown(open_reply),
        "discard_unknown_form": forms.DiscardUnknownForm(),
        "reply_form": reply_form,
        "note_form": forms.NoteForm(auto_id="id_note_%s"),
        "moderation_form": forms.ModerationForm(),
        "tags_form": forms.TagsForm(initial={
            "tags": ", ".join(tag.name for tag in conversation.tags.all())}),
        "saved_answers": inbox_settings.saved_answers_for(user).filter(
            department=conversation.department) if conversation.department_id else [],
        "may_route": may_route,
        "departments": Department.objects.filter(is_active=True) if may_route else [],
        "people": conversation_services.assignable_people(conversation),
        "open_moderations": {
            m.message_id: m for m in ModerationRequest.objects.filter(
                message__conversation=conversation, status=ModerationStatus.OPEN)
        },
    })


def _post_action(request, pk: int, action):
    conversation = _conversation(request, pk)
    try:
        action(conversation)
    except DomainError as error:
        _error(request, error)
    return _back(conversation)


@login_required
@require_POST
def route(request, pk: int):
    conversation = _conversation(request, pk)
    permissions.require(request.user, "conversation.route", conversation)
    form = forms.RouteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie ein Amt."))
        return _back(conversation)
    try:
        conversation_services.route(actor=request.user, conversation=conversation,
                                    department=form.cleaned_data["department"])
    except DomainError as error:
        _error(request, error)
        return _back(conversation)
    messages.success(request, _("Die Unterhaltung ist an %(department)s weitergeleitet.")
                     % {"department": form.cleaned_data["department"].name})
    if not permissions.can(request.user, "conversation.handle", conversation):
        return redirect("inbox:list")
    return _back(conversation)


@login_required
@require_POST
def assign(request, pk: int):
    form = forms.AssignForm(request.POST)
    assignee_id = form.cleaned_data.get("assignee") if form.is_valid() else None
    assignee = get_user_model().objects.filter(pk=assignee_id).first() if assignee_id else None
    return _post_action(request, pk, lambda c: conversation_services.assign(
        actor=request.user, conversation=c, assignee=assignee))


@login_required
@require_POST
def tags(request, pk: int):
    form = forms.TagsForm(request.POST)
    names = form.cleaned_data["tags"].split(",") if form.is_valid() else []
    return _post_action(request, pk, lambda c: conversation_services.set_tags(
        actor=request.user, conversation=c, names=names))


@login_required
@require_POST
def add_note(request, pk: int):
    text = request.POST.get("text", "")
    return _post_action(request, pk, lambda c: conversation_services.add_note(
        actor=request.user, conversation=c, text=text))


@login_required
@require_POST
def close(request, pk: int):
    return _post_action(request, pk, lambda c: conversation_services.close(
        actor=request.user, conversation=c))


@login_required
@require_POST
def reopen(request, pk: int):
    return _post_action(request, pk, lambda c: conversation_services.reopen(
        actor=request.user, conversation=c))


@login_required
@require_POST
def save_reply(request, pk: int):
    """Draft a reply or change the open one; optionally hand it to a second person at once."""
    conversation = _conversation(request, pk)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte schreiben Sie eine Antwort."))
        return _back(conversation)
    data = form.cleaned_data
    open_reply = replies.open_reply(conversation)
    try:
        if open_reply is None:
            in_reply_to = None
            if data.get("in_reply_to"):
                in_reply_to = get_object_or_404(conversation.messages, pk=data["in_reply_to"])
            reply = replies.draft(actor=request.user, conversation=conversation,
                                  text=data["text"], in_reply_to=in_reply_to)
        else:
            reply = replies.edit(actor=request.user, reply=open_reply, text=data["text"],
                                 expected_version=data.get("expected_version"))
        if data.get("submit") and reply.status in replies.SUBMITTABLE:
            replies.submit(actor=request.user, reply=reply)
            messages.success(request, _("Die Antwort wartet auf Freigabe durch eine zweite "
                                        "Person."))
        else:
            messages.success(request, _("Die Antwort ist gespeichert."))
    except DomainError as error:
        _error(request, error)
    return _back(conversation)


def _find_reply(request, pk: int) -> Reply:
    return get_object_or_404(Reply.objects.select_related(
        "conversation__channel_account", "conversation__department", "author",
        "last_edited_by", "in_reply_to__author", "approved_by",
    ).filter(conversation__in=figures.findable_conversations(request.user)), pk=pk)


def _reply_action(request, pk: int, action, success: str = ""):
    """Run a transition on one of the person's replies; a refusal becomes a message."""
    reply = _reply(request, pk)
    try:
        action(reply)
        if success:
            messages.success(request, success)
    except DomainError as error:
        _error(request, error)
    return _back(reply.conversation)


def _reply(request, pk: int) -> Reply:
    reply = _find_reply(request, pk)
    permissions.require(request.user, "conversation.handle", reply.conversation)
    return reply


@login_required
@require_POST
def submit_reply(request, pk: int):
    return _reply_action(request, pk, lambda reply: replies.submit(
        actor=request.user, reply=reply))


@login_required
@require_POST
def discard_reply(request, pk: int):
    return _reply_action(request, pk, lambda reply: replies.discard(
        actor=request.user, reply=reply))


@login_required
@require_POST
def discard_unknown_reply(request, pk: int):
    """Give up a reply whose outcome stayed unknown, after the person checked the network."""
    reply = _reply(request, pk)
    form = forms.DiscardUnknownForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte bestätigen Sie, dass Sie beim Netzwerk nachgesehen "
                                  "haben."))
        return _back(reply.conversation)
    try:
        replies.discard_unknown(actor=request.user, reply=reply, checked_network=True)
        messages.success(request, _("Die Antwort ist verworfen; die Unterhaltung lässt sich "
                                    "jetzt schließen."))
    except DomainError as error:
        _error(request, error)
    return _back(reply.conversation)


@login_required
@require_POST
def retry_reply(request, pk: int):
    return _reply_action(request, pk, lambda reply: sending.retry(
        actor=request.user, reply=reply), success=_("Ein neuer Versuch ist angestoßen."))


@login_required
def review_queue(request):
    """Replies waiting for this person's approval; made for the phone as well."""
    permissions.require(request.user, "reply.review_queue")
    page = Paginator(replies.review_queue(request.user), PAGE_SIZE).get_page(
        request.GET.get("page"))
    return render(request, "inbox/review_queue.html", {"page": page})


@login_required
def review_reply(request, pk: int):
    """Approve or send back one reply (usable at 375 px)."""
    reply = _find_reply(request, pk)
    if not permissions.can(request.user, "reply.review_queue"):
        raise PermissionDenied("reply.review_queue")
    if not permissions.can(request.user, "conversation.handle", reply.conversation):
        raise Http404
    if request.method == "POST":
        form = forms.DecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte laden Sie die Seite neu."))
            return redirect("inbox:review_reply", pk=reply.pk)
        data = form.cleaned_data
        # The services check the four eyes (never the author or last editor): 403 otherwise.
        try:
            if data["decision"] == "approve":
                replies.approve(actor=request.user, reply=reply,
                                expected_version=data["expected_version"])
                messages.success(request, _("Die Antwort ist freigegeben und wird gesendet."))
            else:
                replies.request_changes(actor=request.user, reply=reply,
                                        comment=data["comment"] or "",
                                        expected_version=data["expected_version"])
                messages.success(request, _("Die Antwort geht mit Ihrer Bitte um Änderungen "
                                            "zurück."))
        except DomainError as error:
            _error(request, error)
            return redirect("inbox:review_reply", pk=reply.pk)
        return redirect("inbox:review_queue")
    thread = list(reply.conversation.messages.select_related("author").order_by(
        "-created_at", "-pk")[:5])[::-1]
    return render(request, "inbox/review_reply.html", {
        "reply": reply,
        "thread": thread,
        "own": replies.written_by(request.user, reply),
        "may_decide": reply.status == ReplyStatus.IN_REVIEW
        and permissions.can(request.user, "reply.review", reply),
        "form": forms.DecisionForm(initial={"expected_version": reply.version}),
    })


@login_required
@require_POST
def request_moderation(request, pk: int):
    message = get_object_or_404(Message.objects.select_related("conversation").filter(
        conversation__in=figures.findable_conversations(request.user)), pk=pk)
    conversation = message.conversation
    permissions.require(request.user, "conversation.handle", conversation)
    form = forms.ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte wählen Sie Maßnahme und Grund."))
        return _back(conversation)
    try:
        moderation.request(actor=request.user, message=message, **form.cleaned_data)
        messages.success(request, _("Die Moderation wartet auf Freigabe durch eine zweite "
                                    "Person."))
    except DomainError as error:
        _error(request, error)
    return _back(conversation)


@login_required
@require_POST
def decide_moderation(request, pk: int):
    item = get_object_or_404(ModerationRequest.objects.select_related(
        "message__conversation").filter(
        message__conversation__in=figures.findable_conversations(request.user)), pk=pk)
    conversation = item.message.conversation
    permissions.require(request.user, "conversation.handle", conversation)
    if not permissions.can(request.user, "moderation.review", item):
        raise PermissionDenied("moderation.review")
    try:
        if request.POST.get("decision") == "approve":
            moderation.approve(actor=request.user, moderation=item)
            messages.success(request, _("Die Moderation ist freigegeben."))
        else:
            moderation.reject(actor=request.user, moderation=item)
            messages.success(request, _("Die Moderation ist abgelehnt."))
    except DomainError as error:
        _error(request, error)
    return _back(conversation)


@login_required
@require_POST
def retry_moderation(request, pk: int):
    """Another attempt at a moderation the network refused or did not answer."""
    item = get_object_or_404(ModerationRequest.objects.select_related(
        "message__conversation").filter(
        message__conversation__in=figures.findable_conversations(request.user)), pk=pk)
    conversation = item.message.conversation
    permissions.require(request.user, "conversation.handle", conversation)
    try:
        moderation.retry(actor=request.user, moderation=item)
        messages.success(request, _("Ein neuer Versuch der Moderation ist angestoßen."))
    except DomainError as error:
        _error(request, error)
    return _back(conversation)


# --- Saved answers ------------------------------------------------------------------------
def _answer_departments(user):
    ids = permissions.inbox_department_ids(user)
    departments = Department.objects.filter(is_active=True)
    if isinstance(ids, permissions.AllDepartments):
        return departments
    return departments.filter(pk__in=ids)


@login_required
def saved_answers(request):
    permissions.require(request.user, "inbox.view")
    departments = _answer_departments(request.user)
    form = forms.SavedAnswerForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            inbox_settings.save_answer(actor=request.user, **form.cleaned_data)
            messages.success(request, _("Der Textbaustein ist gespeichert."))
            return redirect("inbox:saved_answers")
        except DomainError as error:
            _error(request, error)
    return render(request, "inbox/saved_answers.html", {
        "answers": inbox_settings.saved_answers_for(request.user), "form": form,
    })


def _answer(request, pk: int) -> SavedAnswer:
    """404 for another department's saved answer, 403 without the right to manage it."""
    queryset = SavedAnswer.objects.select_related("department")
    if not permissions.is_inbox_central(request.user):
        queryset = permissions.filter_by_department(
            queryset, request.user, DepartmentPermission.VIEW_WORK)
    answer = get_object_or_404(queryset, pk=pk)
    permissions.require(request.user, "inbox.saved_answers.manage", answer.department)
    return answer


@login_required
def saved_answer_edit(request, pk: int):
    answer = _answer(request, pk)
    departments = _answer_departments(request.user)
    form = forms.SavedAnswerForm(request.POST or None, departments=departments, initial={
        "department": answer.department, "title": answer.title, "text": answer.text})
    if request.method == "POST" and form.is_valid():
        try:
            inbox_settings.save_answer(actor=request.user, answer=answer, **form.cleaned_data)
            messages.success(request, _("Der Textbaustein ist gespeichert."))
            return redirect("inbox:saved_answers")
        except DomainError as error:
            _error(request, error)
    return render(request, "inbox/saved_answer_edit.html", {"answer": answer, "form": form})


@login_required
@require_POST
def saved_answer_delete(request, pk: int):
    answer = _answer(request, pk)
    inbox_settings.delete_answer(actor=request.user, answer=answer)
    messages.success(request, _("Der Textbaustein ist gelöscht."))
    return redirect("inbox:saved_answers")


# --- Routing rules ------------------------------------------------------------------------
@login_required
def routing_rules(request, pk: int | None = None):
    permissions.require(request.user, "inbox.rules.manage")
    rule = get_object_or_404(RoutingRule, pk=pk) if pk else None
    form = forms.RoutingRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        inbox_settings.save_rule(actor=request.user, rule=form.save(commit=False))
        messages.success(request, _("Die Regel ist gespeichert."))
        return redirect("inbox:routing_rules")
    return render(request, "inbox/routing_rules.html", {
        "rules": RoutingRule.objects.select_related("department", "post_department"),
        "form": form, "rule": rule,
    })


@login_required
@require_POST
def routing_rule_delete(request, pk: int):
    permissions.require(request.user, "inbox.rules.manage")
    inbox_settings.delete_rule(actor=request.user, rule=get_object_or_404(RoutingRule, pk=pk))
    messages.success(request, _("Die Regel ist gelöscht."))
    return redirect("inbox:routing_rules")


# --- Figures ------------------------------------------------------------------------------
@login_required
def response_times(request):
    permissions.require(request.user, "inbox.view")
    try:
        days = max(1, min(365, int(request.GET.get("days", 30))))
    except ValueError:
        days = 30
    rows = figures.response_times(request.user, days=days)
    labels = dict(Network.choices)
    for row in rows["network"]:
        row.label = labels.get(row.label, row.label)
    return render(request, "inbox/response_times.html", {
        "by_department": rows["department"], "by_network": rows["network"], "days": days,
        "target_hours": figures.target_hours(),
    })


# --- Citizens' data (DSGVO) ---------------------------------------------------------------
@login_required
def citizens(request):
    permissions.require(request.user, "inbox.citizen_data")
    query = request.GET.get("q", "")
    return render(request, "inbox/citizens.html", {
        "query": query, "results": privacy.find_citizens(query),
    })


@login_required
def citizen_export(request, pk: int):
    permissions.require(request.user, "inbox.citizen_data")
    citizen = get_object_or_404(CitizenAccount, pk=pk, erased_at__isnull=True)
    fmt = "csv" if request.GET.get("format") == "csv" else "json"
    content, content_type = privacy.export_citizen(actor=request.user, citizen=citizen,
                                                   fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="buerger-{citizen.pk}.{fmt}"'
    return response


@login_required
@require_POST
def citizen_erase(request, pk: int):
    permissions.require(request.user, "inbox.citizen_data")
    citizen = get_object_or_404(CitizenAccount, pk=pk, erased_at__isnull=True)
    count = privacy.erase_citizen(actor=request.user, citizen=citizen)
    messages.success(request, _("%(count)s Nachrichten wurden gelöscht.") % {"count": count})
    return redirect("inbox:citizens")
