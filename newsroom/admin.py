"""Django admin for the newsroom core.

Posts are read-only here: their content changes only in the composer, and the admin's actions
call the same transition functions as the browser pages and the API, so a rule (four eyes,
states) cannot be bypassed through the admin.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from approvals import services as review
from newsroom.errors import DomainError

from .models import AuditLogEntry, MediaAsset, Post


def _run_transition(modeladmin, request, queryset, transition, done_message) -> None:
    done = 0
    for post in queryset:
        try:
            transition(actor=request.user, post=post)
        except PermissionDenied:
            modeladmin.message_user(
                request,
                _("„%(post)s“: Das dürfen Sie bei diesem Beitrag nicht (Vier-Augen-Prinzip).")
                % {"post": post},
                messages.ERROR,
            )
        except DomainError as exc:
            modeladmin.message_user(request, f"„{post}“: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("title", "department", "author", "status", "scheduled_at", "version")
    list_filter = ("status", "department", "is_crisis")
    search_fields = ("title", "body")
    date_hierarchy = "scheduled_at"
    actions = ["submit_posts", "approve_posts", "withdraw_posts"]
    list_select_related = ("department", "author")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Zur Freigabe einreichen"))
    def submit_posts(self, request, queryset):
        _run_transition(self, request, queryset, review.submit_for_review,
                        _("%(count)s Beitrag/Beiträge eingereicht."))

    @admin.action(description=_("Freigeben"))
    def approve_posts(self, request, queryset):
        _run_transition(self, request, queryset, review.approve,
                        _("%(count)s Beitrag/Beiträge freigegeben."))

    @admin.action(description=_("Zurückziehen"))
    def withdraw_posts(self, request, queryset):
        _run_transition(self, request, queryset, review.withdraw,
                        _("%(count)s Beitrag/Beiträge zurückgezogen."))


@admin.register(MediaAsset)
class MediaAssetAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "kind", "mime_type", "size_bytes", "created_at")
    list_filter = ("kind", "department")
    search_fields = ("name", "alt_text")
    readonly_fields = ("file", "mime_type", "size_bytes", "sha256", "width", "height",
                       "duration_s", "renditions", "rendition_status", "uploaded_by")

    def has_add_permission(self, request):
        return False  # uploads are checked and cleaned by the media library


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor_display", "object_repr", "department",
                    "ip_address")
    list_filter = ("action", "department")
    search_fields = ("action", "actor_display", "object_repr", "object_id")
    date_hierarchy = "created_at"
    change_list_template = "admin/newsroom/auditlogentry/change_list.html"

    def get_urls(self):
        from django.urls import path

        return [
            path("verify/", self.admin_site.admin_view(self.verify_view),
                 name="newsroom_auditlogentry_verify"),
            *super().get_urls(),
        ]

    def verify_view(self, request):
        """Check the hash chain now and show the result (same check as verify_audit_log)."""
        from django.core.exceptions import PermissionDenied
        from django.template.response import TemplateResponse

        from newsroom.audit import verify_audit_chain

        if not self.has_view_permission(request):
            raise PermissionDenied
        report = verify_audit_chain()
        broken = (
            AuditLogEntry.objects.filter(pk=report.first_broken_id).first()
            if not report.intact else None
        )
        return TemplateResponse(request, "admin/newsroom/auditlogentry/verify.html", {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Protokoll prüfen"),
            "report": report,
            "broken": broken,
        })

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- Data protection: actions on the people list (accounts' UserAdmin) ----------------------
@admin.action(description=_("Personenbezogene Daten exportieren (JSON)"))
def export_personal_data(modeladmin, request, queryset):
    """Download what the newsroom holds about the selected people (Art. 15/20 DSGVO)."""
    from django.http import HttpResponse

    from newsroom.services import privacy

    try:
        exports = [privacy.export_personal_data(actor=request.user, user=user)
                   for user in queryset]
    except DomainError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return None
    response = HttpResponse(
        privacy.encode({"people": exports}), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="personenbezogene-daten.json"'
    return response


@admin.action(description=_("Ausgeschieden: deaktivieren und Daten löschen"))
def erase_staff_members(modeladmin, request, queryset):
    """Ask for confirmation, then pseudonymise the selected people (posts stay)."""
    from django.contrib.admin import helpers
    from django.template.response import TemplateResponse

    from newsroom.services import privacy

    if request.POST.get("confirm") != "yes":
        return TemplateResponse(request, "admin/newsroom/erase_staff_confirm.html", {
            **modeladmin.admin_site.each_context(request),
            "title": _("Ausgeschiedene Personen löschen"),
            "people": queryset,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })
    done = 0
    for user in queryset:
        try:
            privacy.erase_staff_member(actor=request.user, user=user)
        except DomainError as exc:
            modeladmin.message_user(request, f"{user}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, _("%(count)s Person(en) deaktiviert und pseudonymisiert.") % {"count": done},
            messages.SUCCESS,
        )
    return None


def _add_privacy_actions() -> None:
    from django.contrib.auth import get_user_model

    user_admin = admin.site._registry.get(get_user_model())
    if user_admin is not None:
        user_admin.actions = [*user_admin.actions, export_personal_data, erase_staff_members]


_add_privacy_actions()
