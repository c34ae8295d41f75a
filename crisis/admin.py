"""Read-only admin views: crises and holding statements change only through their services."""

from django.contrib import admin

from .models import Crisis, CrisisMessage, HoldingStatement


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Crisis)
class CrisisAdmin(_ReadOnly):
    list_display = ["reason", "type", "status", "started_at", "ended_at"]
    list_filter = ["status", "type"]


@admin.register(CrisisMessage)
class CrisisMessageAdmin(_ReadOnly):
    list_display = ["post", "crisis", "created_at"]


@admin.register(HoldingStatement)
class HoldingStatementAdmin(_ReadOnly):
    list_display = ["title", "crisis_type", "status", "approved_by"]
    list_filter = ["crisis_type", "status"]
