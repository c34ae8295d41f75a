from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from pwa import views as pwa_views

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("accounts/", include("accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("newsroom.web.urls")),
    path("review/", include("approvals.urls")),
    path("api/", include("newsroom.api.urls")),
    path("feeds/", include("channels_publish.urls")),
    path("channels/", include("channels_publish.web_urls")),
    path("crisis/", include("crisis.urls")),
    path("inbox/", include("inbox.urls")),
    path("analytics/", include("analytics.urls")),
    path("app/", include("pwa.urls")),
    # The service worker must sit at the root to control every page (scope "/").
    path("sw.js", pwa_views.service_worker, name="service_worker"),
    path("admin/", admin.site.urls),
    # Uploaded media are served by the app itself (Instagram fetches them by URL).
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]

# API addresses answer 404 as JSON, like every other API error.
handler404 = "newsroom.api.errors.not_found"
