"""Django admin for people, departments and memberships.

Membership changes made here go through the same service functions as the command line, so
guardian permissions and the audit log stay in step.
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom.errors import DomainError

from . import services, twofactor
from .models import ApiToken, Department, Membership, User, UserSession


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
    actions = ["deactivate", "reset_second_factor"]

    def save_model(self, request, obj, form, change):
        # Switching "aktiv" off is a deactivation: sessions and tokens end with it.
        deactivating = change and "is_active" in form.changed_data and not obj.is_active
        if deactivating:
            obj.is_active = True
        super().save_model(request, obj, form, change)
        if deactivating:
            try:
                services.deactivate_user(request.user, obj)
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)

    @admin.action(description=_("Ausgewählte Personen deaktivieren (Sitzungen und Tokens enden)"))
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            try:
                count += services.deactivate_user(request.user, user)
            except DomainError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d Person deaktiviert.", "%(count)d Personen deaktiviert.", count)
            % {"count": count},
        )

    @admin.action(description=_("Zwei-Faktor-Anmeldung zurücksetzen (neu einrichten lassen)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            try:
                twofactor.remove(actor=request.user, user=user)
            except DomainError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            save_memberships(request, formset)
            # The admin's change message reads what formset.save() would have recorded.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
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


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "last_seen_at", "expires_at", "ip_prefix")
    search_fields = ("user__username",)
    readonly_fields = ("user", "created_at", "last_seen_at", "expires_at", "user_agent",
                       "ip_prefix")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """Failed sign-ins (django-axes); unlocking goes through the audited service."""

    actions = ["unlock"]

    def get_actions(self, request):
        # Deleting rows directly would lift a lockout without an audit entry.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Anmeldesperre aufheben"))
    def unlock(self, request, queryset):
        for attempt in queryset:
            services.unlock_login(
                actor=request.user, username=attempt.username, ip_address=attempt.ip_address
            )
        self.message_user(request, _("Die Anmeldesperren wurden aufgehoben."))
