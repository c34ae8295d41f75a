"""The REST API (/api/v1/): the same service functions as the browser pages."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import auth, schema, views  # noqa: F401 (schema registers the token scheme)

app_name = "api"

router = SimpleRouter()
router.register("posts", views.PostViewSet, basename="post")
router.register("media", views.MediaViewSet, basename="media")

v1 = [
    path("auth/token/", auth.TokenView.as_view(), name="token"),
    path("review-queue/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("audit-log/", views.AuditLogView.as_view(), name="audit-log"),
    path("inbox/", include("inbox.api_urls")),
    *router.urls,
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/", include(v1)),
]
