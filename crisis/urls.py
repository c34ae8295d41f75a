from django.urls import path

from . import views

app_name = "crisis"

urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/compose/", views.compose, name="compose"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/held/", views.held, name="held"),
    path("<int:crisis_pk>/held/<int:pk>/release/", views.release, name="release"),
    path("<int:crisis_pk>/held/<int:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("<int:crisis_pk>/held/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("messages/<int:pk>/approve/", views.approve, name="approve"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/new/", views.statement_edit, name="statement_create"),
    path("statements/<int:pk>/", views.statement_edit, name="statement_edit"),
    path("statements/<int:pk>/approve/", views.statement_approve, name="statement_approve"),
    path("statements/<int:pk>/send/", views.statement_send, name="statement_send"),
]
