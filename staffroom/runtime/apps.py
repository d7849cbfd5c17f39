"""App configuration for the runtime: background tasks, the e-mail outbox, periodic jobs, health and metrics."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    name = "staffroom.runtime"
    label = "runtime"
    verbose_name = _("Runtime")

    def ready(self):
        from . import metrics, signals  # noqa: F401  (task counters and the metrics collector register here)
