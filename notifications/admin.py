from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are written by the services, never by hand."""

    list_display = ("user", "kind", "article", "visible_from", "read_at")
    list_filter = ("kind",)
    list_select_related = ("user", "article")
    search_fields = ("user__username", "event_key")
    date_hierarchy = "visible_from"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
