"""App configuration for reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "staffroom.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from staffroom.core.exports import ExportKind, register_export_kind
        from staffroom.staff.catalogue import Perm

        from . import services

        # Aggregates: their rows are groups, never large, so they are built at once unless EXPORT_BACKGROUND_ROWS is 0.
        register_export_kind(
            ExportKind(
                code="sales_report",
                label=_("Sales report"),
                permissions=(Perm.REPORTS_VIEW_SALES, Perm.REPORTS_EXPORT),
                build=services.sales_report_export_build,
                formats=services.EXPORT_FORMATS,
            )
        )
        register_export_kind(
            ExportKind(
                code="kpi",
                label=_("KPI"),
                permissions=(Perm.REPORTS_VIEW_KPI, Perm.REPORTS_EXPORT),
                build=services.kpi_export_build,
                formats=services.EXPORT_FORMATS,
            )
        )
