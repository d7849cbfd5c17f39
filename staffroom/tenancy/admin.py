from django.contrib import admin

from staffroom.core.admin import PlatformAdmin

from .models import Branch, Business


@admin.register(Business)
class BusinessAdmin(PlatformAdmin):
    list_display = ("name", "time_zone", "currency", "owner", "is_active", "created_at")
    list_filter = ("is_active", "currency")
    search_fields = ("name",)
    raw_id_fields = ("owner",)


@admin.register(Branch)
class BranchAdmin(PlatformAdmin):
    list_display = ("name", "business", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "business__name")
    raw_id_fields = ("business",)
