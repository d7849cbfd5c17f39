"""App configuration for services catalogue."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "staffroom.catalog"
    label = "catalog"
    verbose_name = _("Services catalogue")
