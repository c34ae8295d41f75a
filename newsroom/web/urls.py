from django.urls import path

from . import views_media, views_posts
from . import views_activity

app_name = "newsroom"

urlpatterns: list = [
    path("posts/", views_posts.post_list, name="post_list"),
    path("posts/new/", views_posts.post_create, name="post_create"),
    path("posts/preview/", views_posts.composer_preview, name="composer_preview"),
    path("posts/<int:pk>/", views_posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views_posts.post_edit, name="post_edit"),
    path("posts/<int:pk>/submit/", views_posts.post_submit, name="post_submit"),
    path("posts/<int:pk>/withdraw/", views_posts.post_withdraw, name="post_withdraw"),
    path("posts/<int:pk>/delete/", views_posts.post_delete, name="post_delete"),
    path("posts/<int:pk>/comment/", views_posts.post_comment, name="post_comment"),
    path("media/", views_media.media_list, name="media_list"),
    path("media/upload/", views_media.media_upload, name="media_upload"),
    path("media/<int:pk>/", views_media.media_detail, name="media_detail"),
    path("audit/", views_activity.audit_log, name="audit_log"),
    path("audit/export.csv", views_activity.audit_export, name="audit_export"),
    path("notifications/", views_activity.notifications, name="notifications"),
    path("notifications/<int:pk>/read/", views_activity.notification_read,
         name="notification_read"),
    path("notifications/read-all/", views_activity.notifications_read_all,
         name="notifications_read_all"),
]
