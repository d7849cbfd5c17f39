"""Where scheduling calls up into the apps above it (core.hooks): they register in their `AppConfig.ready()`.

Payments sits above scheduling (a payment belongs to a visit), yet a visit's page, its cancellation and its
discount need what it has been paid: payments registers those readers here.
"""

from __future__ import annotations

from decimal import Decimal

from staffroom.core.hooks import Hook

# Staff changes of appointments: (event, appointment) inside the service's transaction (booking's client notices).
appointment_changed = Hook("scheduling: appointment changed by staff")

paid_amount = Hook("scheduling: paid amount of a visit", single=True)
allowance_amount = Hook("scheduling: allowances granted on a visit", single=True)
allowances = Hook("scheduling: the allowances of a visit", single=True)


def appointment_paid_amount(appointment) -> Decimal:
    """Paid minus refunded for one visit, as payments counts it."""
    return paid_amount.call_one(appointment)


def appointment_allowance_amount(appointment) -> Decimal:
    return allowance_amount.call_one(appointment)


def allowances_of_appointment(appointment):
    return allowances.call_one(appointment)
