"""Operator console for the support desk: calendars, SLA rules, agents, canned replies, pricing, plans."""

from django.contrib import admin

from staffroom.core.admin import PlatformAdmin, ReadOnlyAdmin

from . import services
from .models import (
    AbuseReport,
    CannedReply,
    ManagerPricing,
    SlaRule,
    SupportAccount,
    SupportAgent,
    SupportCalendar,
    SupportCalendarDay,
    Ticket,
)


class CalendarDayInline(admin.TabularInline):
    model = SupportCalendarDay
    extra = 1


@admin.register(SupportCalendar)
class SupportCalendarAdmin(PlatformAdmin):
    list_display = ("name", "time_zone", "country", "day_starts_at", "day_ends_at", "is_default")
    inlines = [CalendarDayInline]


@admin.register(SlaRule)
class SlaRuleAdmin(PlatformAdmin):
    list_display = ("plan", "ticket_type", "target", "working_hours", "same_day_cutoff")
    list_filter = ("plan",)


@admin.register(SupportAgent)
class SupportAgentAdmin(PlatformAdmin):
    list_display = ("person", "role", "is_active")
    raw_id_fields = ("person",)


@admin.register(CannedReply)
class CannedReplyAdmin(PlatformAdmin):
    list_display = ("title", "is_active")


@admin.register(ManagerPricing)
class ManagerPricingAdmin(PlatformAdmin):
    list_display = ("rate", "currency", "hour_coefficient", "enhancement_coefficient", "user_coefficient")


@admin.register(SupportAccount)
class SupportAccountAdmin(PlatformAdmin):
    list_display = ("business", "plan", "manager", "calendar")
    list_filter = ("plan",)
    fields = ("business", "plan", "calendar", "manager", "implementation_type", "implementation_hours")

    def get_readonly_fields(self, request, obj=None):
        return ("business",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        # The plan changes through its service, so the change is audited like every other.
        saved = services.support_account_set(
            operator=request.user,
            business=obj.business,
            plan=obj.plan,
            calendar=obj.calendar,
            manager=obj.manager,
            implementation_type=obj.implementation_type,
            implementation_hours=obj.implementation_hours,
        )
        obj.pk = saved.pk


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "business", "ticket_type", "status", "assignee", "sla_due_at", "is_breached")
    list_filter = ("status", "ticket_type", "is_breached")


@admin.register(AbuseReport)
class AbuseReportAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "business", "filed_at", "reviewed_at")
