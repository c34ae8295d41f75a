from django.contrib import admin

from .models import ChannelAccount


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    list_display = ("name", "network", "external_id", "health", "token_expires_at")
    list_filter = ("network", "health")
    search_fields = ("name", "external_id")
