"""App configuration for subscription billing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "staffroom.billing"
    label = "billing"
    verbose_name = _("Subscription billing")

    def ready(self):
        from staffroom.staff import seat_hooks

        from . import selectors, services

        seat_hooks.register(services.seats_sync)
        seat_hooks.register_previewer(selectors.seat_preview)
        seat_hooks.register_seat_summary(selectors.seat_summary)
