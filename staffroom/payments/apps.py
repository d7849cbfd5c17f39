"""App configuration for payments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "staffroom.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # The savings advisor asks each app that knows who used their paid rights.
        from staffroom.billing.activity import register_activity_source

        from .selectors import employees_who_took_payments

        register_activity_source("payments", employees_who_took_payments)
