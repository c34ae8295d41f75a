from django.urls import path

from . import feeds

app_name = "feeds"

urlpatterns = [
    path("website/<int:account_id>.atom", feeds.website_atom, name="website_atom"),
    path("website/<int:account_id>.json", feeds.website_json, name="website_json"),
    path("website/items/<int:delivery_id>/", feeds.website_item, name="website_item"),
    path("press/<int:pk>/", feeds.press_release, name="press_release"),
]
