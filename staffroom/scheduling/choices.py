"""Choices of the scheduling app: weekdays, schedule exception kinds and appointment statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ExceptionKind(models.TextChoices):
    DAY_OFF = "day_off", _("Day off")
    CHANGED_HOURS = "changed_hours", _("Changed hours")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Arrived")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


# Appointments that hold the specialist's time. A no-show frees it, so a walk-in can take the rest of the slot.
ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)

# A visit is a sale once the client came; booked, no-show and cancelled appointments sold nothing.
SOLD_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)

# Allowed status changes (cancel has its own service because it needs a reason).
STATUS_TRANSITIONS = {
    AppointmentStatus.BOOKED: {AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW, AppointmentStatus.COMPLETED},
    AppointmentStatus.ARRIVED: {AppointmentStatus.COMPLETED, AppointmentStatus.BOOKED},
    AppointmentStatus.NO_SHOW: {AppointmentStatus.BOOKED},
    AppointmentStatus.COMPLETED: {AppointmentStatus.ARRIVED},
    AppointmentStatus.CANCELLED: set(),
}


class AppointmentSource(models.TextChoices):
    """Who made the booking: staff in the calendar, or the client on the public booking page ("online")."""

    STAFF = "staff", _("Staff")
    ONLINE = "online", _("Online")


class DiscountKind(models.TextChoices):
    NONE = "none", _("No discount")
    AMOUNT = "amount", _("Amount")
    PERCENT = "percent", _("Percent")
