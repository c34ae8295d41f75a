from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.index, name="index"),
    path("city/", views.city, name="city"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("posts/<int:pk>/", views.post, name="post"),
    path("topics/", views.topics, name="topics"),
    path("topics/<str:keyword>/", views.topic, name="topic"),
]
