"""Choices of the reports app: the KPI metrics reports compute and payroll's KPI rules refer to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
