"""App configuration for orders."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "staffroom.orders"
    label = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # The savings advisor asks each app that knows who used their paid rights.
        from staffroom.billing.activity import register_activity_source

        from .selectors import employees_who_worked_orders

        register_activity_source("orders", employees_who_worked_orders)
