from django.contrib import admin

from staffroom.core.admin import PlatformAdmin

from .models import Employee, Role


@admin.register(Employee)
class EmployeeAdmin(PlatformAdmin):
    list_display = ("full_name", "business", "role", "status", "provides_services")
    list_filter = ("status", "provides_services")
    search_fields = ("full_name", "person__email", "business__name")
    raw_id_fields = ("business", "person", "role")
    filter_horizontal = ("branches", "role_branches")


@admin.register(Role)
class RoleAdmin(PlatformAdmin):
    list_display = ("name", "business", "template_code", "is_owner_role")
    search_fields = ("name", "business__name")
    raw_id_fields = ("business",)
