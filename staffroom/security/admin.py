from django.contrib import admin

from staffroom.core.admin import ReadOnlyAdmin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = (
        "occurred_at",
        "business",
        "event_type",
        "outcome",
        "actor_label",
        "object_label",
        "ip_address",
    )
    list_filter = ("event_type", "outcome")
    search_fields = ("event_type", "actor_label", "object_label")
