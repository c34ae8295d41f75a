"""Admin views of the inbox: read-only, and only for administrators (citizens' messages are
not everyone's business). Replies and moderations are approved only on the review pages and
through the API, where the approver reads the exact text; the admin offers no bulk approval.
The one admin action (retrying a failed moderation) calls the same service as the pages."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import permissions
from newsroom.errors import DomainError

from .models import Conversation, ModerationRequest, Reply, RoutingRule, SavedAnswer
from .services import moderation


class _ReadOnly(admin.ModelAdmin):
    def has_view_permission(self, request, obj=None) -> bool:
        # Superusers and administrators only, whatever Django permissions a staff user holds.
        return permissions.can(request.user, "admin.access") and super().has_view_permission(
            request, obj)

    def has_module_permission(self, request) -> bool:
        return permissions.can(request.user, "admin.access") and super().has_module_permission(
            request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _run(modeladmin, request, queryset, transition, done_message: str) -> None:
    done = 0
    for obj in queryset:
        try:
            transition(request.user, obj)
        except PermissionDenied:
            modeladmin.message_user(
                request, _("„%(object)s“: Das dürfen Sie hier nicht (Vier-Augen-Prinzip).")
                % {"object": obj}, messages.ERROR)
        except DomainError as exc:
            modeladmin.message_user(request, f"„{obj}“: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, done_message % {"count": done}, messages.SUCCESS)


@admin.register(Conversation)
class ConversationAdmin(_ReadOnly):
    list_display = ["__str__", "preview", "channel_account", "department", "status",
                    "last_message_at"]
    list_filter = ["status", "channel_account__network", "department"]
    list_select_related = ["channel_account", "department"]


@admin.register(Reply)
class ReplyAdmin(_ReadOnly):
    list_display = ["__str__", "text", "conversation", "status", "author", "approved_by",
                    "sent_at"]
    list_filter = ["status"]
    list_select_related = ["conversation", "author", "approved_by"]


@admin.register(ModerationRequest)
class ModerationRequestAdmin(_ReadOnly):
    list_display = ["__str__", "message", "action", "reason", "status", "requested_by",
                    "decided_by"]
    list_filter = ["status", "action", "reason"]
    list_select_related = ["message", "requested_by", "decided_by"]
    actions = ["retry_moderations"]

    @admin.action(description=gettext_lazy("Fehlgeschlagene Moderationen erneut versuchen"))
    def retry_moderations(self, request, queryset):
        _run(self, request, queryset,
             lambda user, item: moderation.retry(actor=user, moderation=item),
             _("%(count)s Moderation(en) erneut angestoßen."))


@admin.register(RoutingRule)
class RoutingRuleAdmin(_ReadOnly):
    list_display = ["name", "priority", "keywords", "network", "department", "mode",
                    "is_active"]


@admin.register(SavedAnswer)
class SavedAnswerAdmin(_ReadOnly):
    list_display = ["title", "department", "updated_at"]
