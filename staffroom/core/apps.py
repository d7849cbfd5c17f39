"""App configuration for shared kernel."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "staffroom.core"
    label = "core"
    verbose_name = _("Shared kernel")
