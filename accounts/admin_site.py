"""The Django admin behind two-factor authentication.

``NewsroomAdminConfig`` replaces ``django.contrib.admin`` in INSTALLED_APPS, so every
``@admin.register`` of every app lands on ``NewsroomAdminSite``. When the newsroom requires a
second factor, only sessions verified with one (django-otp) may use the admin; signing in
happens on the newsroom's own login pages.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import HttpResponseRedirect
from django.urls import reverse


class NewsroomAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        if not super().has_permission(request):
            return False
        if not settings.NEWSROOM_REQUIRE_2FA:
            return True
        is_verified = getattr(request.user, "is_verified", None)
        return bool(is_verified and is_verified())

    def login(self, request, extra_context=None):
        """Sign in on the newsroom's pages (password, then code) and come back."""
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        query = urlencode({"next": next_url})
        if not request.user.is_authenticated:
            return HttpResponseRedirect(f"{reverse('accounts:login')}?{query}")
        if request.user.is_staff and settings.NEWSROOM_REQUIRE_2FA:
            # Staff without a verified session: the code prompt, or enrolment if they have
            # no authenticator yet (the admin is for verified sessions only).
            from .twofactor import authenticator

            step = "accounts:otp_verify" if authenticator(request.user) else "accounts:otp_enrol"
            return HttpResponseRedirect(f"{reverse(step)}?{query}")
        return super().login(request, extra_context)


class NewsroomAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.NewsroomAdminSite"
