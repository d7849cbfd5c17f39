"""Choices of the payroll app: rule kinds, KPI metrics and run statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class KpiMetric(models.TextChoices):
    APPOINTMENTS_CREATED = "appointments_created", _("Appointments created")
    ARRIVED_SHARE = "arrived_share", _("Share of created appointments that arrived, %")
    BOOKED_REVENUE = "booked_revenue", _("Revenue of the visits they booked")
    PAYMENTS_COUNT = "payments_count", _("Payments processed")
    PAYMENTS_AMOUNT = "payments_amount", _("Amount of payments processed")
    VISITS_ARRIVED = "visits_arrived", _("Own visits that arrived")
    SERVICES_REVENUE = "services_revenue", _("Own services revenue")
    REBOOKING_RATE = "rebooking_rate", _("Rebooking rate of own clients, %")
    ORDERS_CLAIMED = "orders_claimed", _("Orders claimed")
    ORDERS_COMPLETED = "orders_completed", _("Orders completed")


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
