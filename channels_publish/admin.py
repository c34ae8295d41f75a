from django.contrib import admin

from .models import ChannelAccount


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "external_id", "is_active")
    list_filter = ("network", "is_active")
    search_fields = ("name", "external_id")
