"""What happened and what needs me: the audit log (with CSV export) and notifications."""

from __future__ import annotations

import csv
import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F, Q
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.models import Department
from accounts.roles import Role
from newsroom.audit import ACTION_MESSAGES
from newsroom.models import AuditLogEntry, Notification, Post
from newsroom.spreadsheets import safe_text
from newsroom.timezones import BERLIN

AUDIT_PAGE_SIZE = 50


# --- Audit log ------------------------------------------------------------------------------
def audit_department_ids(user) -> set[int] | None:
    """The departments whose entries ``user`` reads; None for everything.

    Duty editors and administrators read the whole log (including entries of no department,
    such as logins); heads read the entries of the departments they lead.
    """
    if permissions.has_any_role(user, (Role.DUTY_EDITOR, Role.ADMIN)):
        return None
    access = permissions.access_of(user)
    return {
        department_id
        for department_id, roles in access.roles_by_department.items()
        if Role.HEAD in roles
    }


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=gettext_lazy("Von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Bis"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Amt"), required=False, coerce=int, empty_value=None
    )
    person = forms.CharField(
        label=gettext_lazy("Person"), required=False, max_length=150,
        help_text=gettext_lazy("Name oder Benutzername, auch teilweise."),
    )
    action = forms.ChoiceField(label=gettext_lazy("Aktion"), required=False)
    post = forms.IntegerField(
        label=gettext_lazy("Beitrag (Nr.)"), required=False, min_value=1,
        help_text=gettext_lazy("Die Nummer des Beitrags, wie in seiner Adresse."),
    )

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", _("alle")), *((d.pk, f"{d.number} – {d.name}") for d in departments)
        ]
        self.fields["action"].choices = [
            ("", _("alle")), *((code, code) for code in sorted(ACTION_MESSAGES))
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("Das Startdatum liegt nach dem Enddatum."))
        return cleaned


def _berlin_midnight(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=BERLIN)


def _audit_entries(request):
    """The entries the person may read, narrowed by the filter form; and the form itself."""
    permissions.require(request.user, "audit.view")
    visible = audit_department_ids(request.user)
    departments = Department.objects.order_by("number")
    entries = AuditLogEntry.objects.select_related("department")
    if visible is not None:
        departments = departments.filter(pk__in=visible)
        entries = entries.filter(department_id__in=visible)
    form = AuditFilterForm(request.GET or None, departments=departments)
    if form.is_valid():
        data = form.cleaned_data
        if data["date_from"]:
            entries = entries.filter(created_at__gte=_berlin_midnight(data["date_from"]))
        if data["date_to"]:
            # The whole "to" day counts, in Berlin time.
            entries = entries.filter(
                created_at__lt=_berlin_midnight(data["date_to"] + timedelta(days=1))
            )
        if data["department"]:
            entries = entries.filter(department_id=data["department"])
        if data["person"]:
            entries = entries.filter(
                Q(actor_display__icontains=data["person"])
                | Q(actor__username__iexact=data["person"])
            )
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["post"]:
            entries = entries.filter(
                content_type=ContentType.objects.get_for_model(Post), object_id=str(data["post"])
            )
    elif form.is_bound:
        entries = entries.none()
    return entries.order_by("-id"), form


@login_required
def audit_log(request):
    """The audit log as sentences, newest first, 50 a page."""
    entries, form = _audit_entries(request)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"entry": entry, "message": entry.message(),
         "time": timezone.localtime(entry.created_at, BERLIN)}
        for entry in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "newsroom/activity/audit_log.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "filtered": bool(query),
    })


# Spreadsheet programs run cells that start like a formula; such values get a leading quote.
class _Echo:
    """A file-like object whose write() hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


EXPORT_CHUNK = 2000


def _export_filename(extension: str) -> str:
    stamp = timezone.localtime(timezone.now(), BERLIN).strftime("%Y%m%d-%H%M")
    return f"protokoll-{stamp}.{extension}"


def _csv_rows(entries):
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([
        _("Nr."), _("Zeit"), _("Aktion"), _("Was geschah"), _("Person"), _("Objekt"), _("Amt"),
        _("IP-Adresse"), _("Details"), _("Vorherige Prüfsumme"), _("Prüfsumme"),
    ])
    for entry in entries.iterator(chunk_size=EXPORT_CHUNK):
        yield writer.writerow([
            entry.pk,
            timezone.localtime(entry.created_at, BERLIN).strftime("%Y-%m-%d %H:%M:%S"),
            entry.action,
            safe_text(entry.message()),
            safe_text(entry.actor_display),
            safe_text(entry.object_repr),
            safe_text(entry.department.name if entry.department else ""),
            entry.ip_address or "",
            safe_text(json.dumps(entry.data, cls=DjangoJSONEncoder, ensure_ascii=False,
                             sort_keys=True)),
            entry.previous_hash,
            entry.entry_hash,
        ])


@login_required
def audit_export(request):
    """The filtered entries as CSV for Excel: UTF-8 with BOM, semicolons; streamed."""
    entries, _form = _audit_entries(request)
    response = StreamingHttpResponse(_csv_rows(entries), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("csv")}"'
    return response


def _json_entry(entry: AuditLogEntry) -> dict:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.isoformat(),
        "action": entry.action,
        "message": entry.message(),
        "actor": entry.actor_display,
        "actor_id": entry.actor_id,
        "object_type": entry.content_type.model if entry.content_type_id else None,
        "object_id": entry.object_id,
        "object": entry.object_repr,
        "department": entry.department.number if entry.department else None,
        "department_name": entry.department.name if entry.department else None,
        "ip_address": entry.ip_address,
        "data": entry.data,
        "previous_hash": entry.previous_hash,
        "entry_hash": entry.entry_hash,
    }


def _json_chunks(entries, filters: dict):
    encoder = DjangoJSONEncoder(ensure_ascii=False)
    generated = timezone.now().isoformat()
    yield (
        '{"generated_at": ' + encoder.encode(generated)
        + ', "filters": ' + encoder.encode(filters) + ', "entries": ['
    )
    first = True
    for entry in entries.select_related("content_type").iterator(chunk_size=EXPORT_CHUNK):
        yield ("" if first else ",") + "\n" + encoder.encode(_json_entry(entry))
        first = False
    yield "\n]}\n"


@login_required
def audit_export_json(request):
    """The filtered entries as JSON (public-records and press enquiries), with the chain hashes
    so a recipient can check them; streamed."""
    entries, form = _audit_entries(request)
    filters = (
        {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        if form.is_bound and form.is_valid() else {}
    )
    response = StreamingHttpResponse(
        _json_chunks(entries, filters), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_export_filename("json")}"'
    return response


# --- Notifications --------------------------------------------------------------------------
def _target(notification: Notification) -> str:
    try:
        url = notification.target_url
    except NoReverseMatch:
        # The target page does not exist (yet): the start page is a safe place to land.
        return reverse("home")
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return reverse("home")
    return url


@login_required
def notifications(request):
    """The person's own notifications, unread first, newest first."""
    items = (
        Notification.objects.filter(recipient=request.user)
        .order_by(F("read_at").asc(nulls_first=True), "-created_at", "-pk")[:200]
    )
    rows = [
        {"notification": n, "url": _target(n),
         "time": timezone.localtime(n.created_at, BERLIN)}
        for n in items
    ]
    return render(request, "newsroom/activity/notifications.html", {
        "rows": rows, "unread": sum(1 for row in rows if row["notification"].read_at is None),
    })


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one notification read and go where it leads."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return redirect(_target(notification))


@login_required
@require_POST
def notifications_read_all(request):
    count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        messages.success(request, _("Alle Benachrichtigungen sind als gelesen markiert."))
    return redirect("newsroom:notifications")
