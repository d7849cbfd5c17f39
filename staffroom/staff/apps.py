"""App configuration for employees and roles."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staffroom.staff"
    label = "staff"
    verbose_name = _("Employees and roles")
