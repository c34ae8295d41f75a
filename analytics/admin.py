"""Read-only admin views of the analytics; figures change only through the collection, which
the action "Jetzt abrufen" starts for the chosen accounts (the same task the beat runs)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import CollectionState, MonthlyReport, TopicSurge


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CollectionState)
class CollectionStateAdmin(_ReadOnly):
    list_display = ["channel_account", "last_run_at", "paused_until", "last_error"]
    actions = ["collect_now"]

    @admin.action(description=_("Kennzahlen jetzt abrufen"))
    def collect_now(self, request, queryset):
        from .tasks import collect_account_metrics

        ids = list(queryset.values_list("channel_account_id", flat=True))
        for account_id in ids:
            collect_account_metrics.delay(account_id)
        self.message_user(request, ngettext(
            "Abruf für %(count)d Kanal angestoßen.", "Abruf für %(count)d Kanäle angestoßen.",
            len(ids)) % {"count": len(ids)}, messages.SUCCESS)


@admin.register(MonthlyReport)
class MonthlyReportAdmin(_ReadOnly):
    list_display = ["department", "month", "sent_at"]


@admin.register(TopicSurge)
class TopicSurgeAdmin(_ReadOnly):
    list_display = ["keyword", "hour", "count", "baseline"]
