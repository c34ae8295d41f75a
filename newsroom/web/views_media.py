"""The media library on the web: browse and search, upload, describe images (alt text)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import Department
from accounts.roles import DepartmentPermission
from newsroom.errors import DomainError
from newsroom.models import MediaKind
from newsroom.services import media as media_services

from .forms import AltTextForm, MediaUploadForm, split_tags

P = DepartmentPermission
PAGE_SIZE = 48


def _departments_with(user, permission: str):
    return permissions.filter_by_department(
        Department.objects.filter(is_active=True).order_by("number", "name"),
        user, permission, field_name="pk",
    )


@login_required
def media_list(request):
    permissions.require(request.user, "media.library")
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    try:
        department_id = int(request.GET.get("department") or 0) or None
    except ValueError:
        department_id = None
    assets = media_services.search(
        media_services.library_for(request.user), query=query, kind=kind,
        department_id=department_id,
    ).prefetch_related("tags").order_by("-created_at", "-pk")
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "newsroom/media/list.html", {
        "page": page,
        "query": query,
        "kind": kind if kind in MediaKind.values else "",
        "kinds": MediaKind.choices,
        "department_id": department_id,
        "departments": list(_departments_with(request.user, P.VIEW_WORK)),
        "may_upload": _departments_with(request.user, P.DRAFT_POST).exists(),
    })


@login_required
def media_upload(request):
    departments = _departments_with(request.user, P.DRAFT_POST)
    if not departments.exists():
        permissions.require(request.user, "media.upload", None)
    form = MediaUploadForm(request.POST or None, request.FILES or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            asset = media_services.upload(
                actor=request.user,
                department=form.cleaned_data["department"],
                uploaded_file=form.cleaned_data["file"],
                name=form.cleaned_data["name"],
                alt_text=form.cleaned_data["alt_text"],
                tags=split_tags(form.cleaned_data["tags"]),
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("„%(name)s“ ist in der Mediathek.") % {"name": asset.name})
            return redirect("newsroom:media_detail", pk=asset.pk)
    return render(request, "newsroom/media/upload.html", {"form": form})


@login_required
def media_detail(request, pk: int):
    asset = get_object_or_404(
        media_services.library_for(request.user).select_related("uploaded_by")
        .prefetch_related("tags"),
        pk=pk,
    )
    permissions.require(request.user, "media.view", asset)
    may_edit = permissions.can(request.user, "media.upload", asset.department)
    form = AltTextForm(initial={"alt_text": asset.alt_text})
    if request.method == "POST":
        permissions.require(request.user, "media.upload", asset.department)
        form = AltTextForm(request.POST)
        if form.is_valid():
            try:
                media_services.set_alt_text(
                    actor=request.user, asset=asset, alt_text=form.cleaned_data["alt_text"]
                )
            except DomainError as exc:
                form.add_error("alt_text", exc.message)
            else:
                messages.success(request, _("Der Alternativtext wurde gespeichert."))
                return redirect("newsroom:media_detail", pk=asset.pk)
    return render(request, "newsroom/media/detail.html", {
        "asset": asset,
        "form": form,
        "may_edit": may_edit,
    })
