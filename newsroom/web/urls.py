from django.urls import path

from . import views_activity, views_calendar, views_dashboard, views_media, views_posts

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
    # Calendar and duty editor's dashboard.
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/events.json", views_calendar.calendar_events, name="calendar_events"),
    path("calendar/warnings/", views_calendar.calendar_warnings, name="calendar_warnings"),
    path("calendar/list/", views_calendar.calendar_list, name="calendar_list"),
    path("calendar/move/<int:pk>/", views_calendar.calendar_move, name="calendar_move"),
    path("calendar/move/<int:pk>/check/", views_calendar.calendar_move_check,
         name="calendar_move_check"),
    path("calendar/subscription/", views_calendar.calendar_feed_settings,
         name="calendar_feed_settings"),
    path("calendar/ics/<str:token>.ics", views_calendar.calendar_ics, name="calendar_ics"),
    path("dashboard/", views_dashboard.dashboard, name="dashboard"),
]
