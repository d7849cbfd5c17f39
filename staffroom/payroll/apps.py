"""App configuration for payroll."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayrollConfig(AppConfig):
    name = "staffroom.payroll"
    label = "payroll"
    verbose_name = _("Payroll")

    def ready(self):
        from staffroom.core.exports import ExportKind, register_export_kind
        from staffroom.staff.catalogue import Perm

        from . import services

        register_export_kind(
            ExportKind(
                code="payroll_run",
                label=_("Payroll run"),
                permissions=(Perm.PAYROLL_VIEW_ALL,),
                build=services.payroll_run_export_build,
                count=services.payroll_run_export_count,
                formats=("csv", "xlsx"),
            )
        )
