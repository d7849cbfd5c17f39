"""What payments answers through the clients app's hooks (registered in `PaymentsConfig.ready()`)."""

from __future__ import annotations

from decimal import Decimal

from staffroom.core.money import round_money
from staffroom.scheduling.choices import AppointmentStatus
from staffroom.scheduling.models import Appointment

from .models import Payment


def client_card_money(actor, client, card: dict, sees_money: bool) -> None:
    """Paid in total, and owed for visits that took place less what was paid for visits (a prepayment: a credit)."""
    if not sees_money:
        return
    payments = Payment.objects.for_business(actor.business).filter(client=client)
    paid = sum((p.amount - p.refunded_amount for p in payments), Decimal(0))
    billed = sum(
        (
            visit.total
            for visit in Appointment.objects.for_business(actor.business)
            .filter(client=client)
            .filter(status__in=[AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED])
        ),
        Decimal(0),
    )
    paid_for_visits = sum((p.amount - p.refunded_amount for p in payments if p.appointment_id), Decimal(0))
    card["paid_total"] = round_money(paid, actor.business.currency)
    card["balance_due"] = round_money(billed - paid_for_visits, actor.business.currency)


def client_merged_move_payments(business, duplicate, keep) -> dict:
    moved = Payment.objects.for_business(business).filter(client=duplicate).update(client=keep)
    return {"moved_payments": moved}
