"""App configuration for schedules and calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "staffroom.scheduling"
    label = "scheduling"
    verbose_name = _("Schedules and calendar")
