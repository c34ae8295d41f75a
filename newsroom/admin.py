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

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
