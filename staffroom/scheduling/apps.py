"""App configuration for schedules and calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "staffroom.scheduling"
    label = "scheduling"
    verbose_name = _("Schedules and calendar")

    def ready(self):
        # The savings advisor asks each app that knows who used their paid rights.
        from staffroom.billing.activity import register_activity_source

        from .selectors import employees_active_in_calendar

        register_activity_source("calendar", employees_active_in_calendar)
