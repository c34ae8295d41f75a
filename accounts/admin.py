"""Django admin for people, departments and memberships.

Membership changes made here go through the same service functions as the command line, so
guardian permissions and the audit log stay in step.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiToken, Department, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    fields = ("department", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("department",)


def save_memberships(request, formset) -> None:
    """Apply an inline formset of memberships through the service functions."""
    for form in formset.forms:
        if not form.has_changed() and not form in formset.deleted_forms:  # noqa: E713
            continue
        instance = form.instance
        if form in formset.deleted_forms:
            if instance.pk:
                services.revoke_membership(actor=request.user, membership=instance)
            continue
        if not form.cleaned_data:
            continue
        if instance.pk:
            # A changed role or department is a revocation of the old and a grant of the new.
            old = Membership.objects.get(pk=instance.pk)
            services.revoke_membership(actor=request.user, membership=old)
        services.grant_membership(
            actor=request.user,
            user=form.cleaned_data.get("user") or formset.instance,
            department=form.cleaned_data["department"],
            role=form.cleaned_data["role"],
        )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active", "last_login")
    list_filter = ("is_active", "is_staff", "memberships__role", "memberships__department")

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset)
        else:
            super().save_formset(request, form, formset, change)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("number", "name")
    autocomplete_fields = ("parent",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "department", "role", "created_at")
    list_filter = ("role", "department")
    search_fields = ("user__username", "user__last_name", "department__name")
    autocomplete_fields = ("user", "department")

    def save_model(self, request, obj, form, change):
        if change:
            services.revoke_membership(
                actor=request.user, membership=Membership.objects.get(pk=obj.pk)
            )
        membership = services.grant_membership(
            actor=request.user, user=obj.user, department=obj.department, role=obj.role
        )
        obj.pk = membership.pk

    def delete_model(self, request, obj):
        services.revoke_membership(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.revoke_membership(actor=request.user, membership=membership)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Ausgewählte Tokens widerrufen"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            services.revoke_api_token(actor=request.user, token=token)
