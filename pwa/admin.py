"""Administrators see which devices receive push messages and can remove one (audited)."""

from django.contrib import admin

from accounts import permissions

from . import services
from .models import PushSubscription


@admin.register(PushSubscription)
class PushSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "user_agent", "created_at", "last_success_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__last_name", "user_agent")
    readonly_fields = ("user", "endpoint", "user_agent", "created_at", "last_success_at")
    exclude = ("p256dh", "auth", "session_hash")

    def has_add_permission(self, request) -> bool:
        return False  # only a browser can subscribe itself

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_module_permission(self, request) -> bool:
        return permissions.can(request.user, "admin.access")

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can(request.user, "admin.access")

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.can(request.user, "admin.access")

    def delete_model(self, request, obj) -> None:
        services.remove_by_admin(actor=request.user, subscriptions=[obj.pk])

    def delete_queryset(self, request, queryset) -> None:
        services.remove_by_admin(actor=request.user,
                                 subscriptions=list(queryset.values_list("pk", flat=True)))
