"""Admin views of the inbox. Replies and moderations change only through their services (the
admin actions call the same functions as the pages and the API)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.errors import DomainError

from .models import Conversation, ModerationRequest, Reply, RoutingRule, SavedAnswer
from .services import moderation, replies


class _ReadOnly(admin.ModelAdmin):
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
    list_display = ["preview", "channel_account", "department", "status", "last_message_at"]
    list_filter = ["status", "channel_account__network", "department"]


@admin.register(Reply)
class ReplyAdmin(_ReadOnly):
    list_display = ["text", "conversation", "status", "author", "approved_by", "sent_at"]
    list_filter = ["status"]
    actions = ["approve_replies"]

    @admin.action(description=gettext_lazy("Antworten freigeben"))
    def approve_replies(self, request, queryset):
        _run(self, request, queryset,
             lambda user, reply: replies.approve(actor=user, reply=reply,
                                                 expected_version=reply.version),
             _("%(count)s Antwort(en) freigegeben."))


@admin.register(ModerationRequest)
class ModerationRequestAdmin(_ReadOnly):
    list_display = ["message", "action", "reason", "status", "requested_by", "decided_by"]
    list_filter = ["status", "action", "reason"]
    actions = ["approve_moderations", "retry_moderations"]

    @admin.action(description=gettext_lazy("Moderationen freigeben"))
    def approve_moderations(self, request, queryset):
        _run(self, request, queryset,
             lambda user, item: moderation.approve(actor=user, moderation=item),
             _("%(count)s Moderation(en) freigegeben."))

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
