from django.urls import path

from . import views

app_name = "channels"

urlpatterns = [
    path("", views.account_list, name="accounts"),
    path("posts/<int:pk>/deliveries/", views.post_deliveries, name="post_deliveries"),
    path("deliveries/<int:pk>/retry/", views.retry_delivery, name="delivery_retry"),
]
