"""App configuration for businesses and branches."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenancyConfig(AppConfig):
    name = "staffroom.tenancy"
    label = "tenancy"
    verbose_name = _("Businesses and branches")
