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

        from staffroom.core.exports import ExportKind, register_export_kind
        from staffroom.staff.catalogue import Perm

        from . import services

        register_export_kind(
            ExportKind(
                code="orders",
                label=_("Orders"),
                permissions=(Perm.ORDERS_EXPORT,),
                build=services.orders_export_build,
                count=services.orders_export_count,
            )
        )
        # One row per manager: built at once unless EXPORT_BACKGROUND_ROWS is 0.
        register_export_kind(
            ExportKind(
                code="sales_by_manager",
                label=_("Sales by manager"),
                permissions=(Perm.REPORTS_VIEW_SALES, Perm.REPORTS_EXPORT),
                build=services.sales_by_manager_export_build,
            )
        )
