"""Choices of the payroll app: rule kinds and run statuses (KPI metrics are the reports app's, below payroll)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from staffroom.reports.choices import KpiMetric  # noqa: F401  (payroll rules name the metrics reports compute)


class RuleKind(models.TextChoices):
    FIXED = "fixed", _("Fixed amount per period")
    # "% of" is a literal percent sign, not a format directive.
    # xgettext:no-python-format
    SERVICES_PERCENT = "services_percent", _("% of own services revenue")
    # xgettext:no-python-format
    PRODUCT_SALES_PERCENT = "product_sales_percent", _("% of product sales")
    PER_APPOINTMENT_CREATED = "per_appointment_created", _("Amount per appointment created")
    PER_VISIT_ARRIVED = "per_visit_arrived", _("Amount per visit that arrived")
    KPI_BONUS = "kpi_bonus", _("KPI bonus")
    DEDUCTION_FIXED = "deduction_fixed", _("Deduction, fixed")
    DEDUCTION_PERCENT = "deduction_percent", _("Deduction, %")
    CORRECTION = "correction", _("Correction of an earlier period")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


EARNING_KINDS = (
    RuleKind.FIXED,
    RuleKind.SERVICES_PERCENT,
    RuleKind.PRODUCT_SALES_PERCENT,
    RuleKind.PER_APPOINTMENT_CREATED,
    RuleKind.PER_VISIT_ARRIVED,
)
DEDUCTION_KINDS = (RuleKind.DEDUCTION_FIXED, RuleKind.DEDUCTION_PERCENT)
