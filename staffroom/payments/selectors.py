"""Reads of money: what a visit has been paid, its balance, and a branch's cash summary for a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Sum, Value
from django.db.models.functions import Coalesce

from staffroom.core.money import MoneyField, round_money

from .models import Allowance, Payment, PaymentMethod, Refund


def paid_amount(payments, currency: str) -> Decimal:
    """Paid minus refunded over any payments queryset (e.g. an order's linked payments), rounded to the currency."""
    figures = payments.aggregate(paid=Sum("amount"), refunded=Sum("refunded_amount"))
    return round_money((figures["paid"] or Decimal(0)) - (figures["refunded"] or Decimal(0)), currency)


def appointment_paid_amount(appointment) -> Decimal:
    """Paid minus refunded, for one visit (tips are the specialist's and do not count towards the price)."""
    figures = (
        Payment.objects.for_business(appointment.business_id)
        .filter(appointment=appointment)
        .aggregate(paid=Sum("amount"), refunded=Sum("refunded_amount"))
    )
    # SQLite sums decimals without their scale; quantize so both databases answer "500.00".
    paid = (figures["paid"] or Decimal(0)) - (figures["refunded"] or Decimal(0))
    return round_money(paid, appointment.business.currency)


def appointment_allowance_amount(appointment) -> Decimal:
    """The allowances granted on a visit (price reductions after the sale)."""
    total = (
        Allowance.objects.for_business(appointment.business_id)
        .filter(appointment=appointment)
        .aggregate(total=Sum("amount"))["total"]
    )
    return round_money(total or Decimal(0), appointment.business.currency)


def appointment_returned_amount(appointment) -> Decimal:
    """Money refunded on a visit's payments as a return (refunds paid back for an allowance are the allowance)."""
    total = (
        Refund.objects.for_business(appointment.business_id)
        .filter(payment__appointment=appointment, allowance__isnull=True)
        .aggregate(total=Sum("amount"))["total"]
    )
    return round_money(total or Decimal(0), appointment.business.currency)


def appointment_balance(appointment) -> Decimal:
    """What is still to pay for a visit (its total less allowances); negative would mean overpaid."""
    return appointment.total - appointment_allowance_amount(appointment) - appointment_paid_amount(appointment)


def allowances_of_appointment(appointment):
    return (
        Allowance.objects.for_business(appointment.business_id)
        .filter(appointment=appointment)
        .select_related("granted_by")
        .order_by("granted_at", "id")
    )


def payments_for_business(business):
    return Payment.objects.for_business(business).select_related("processed_by", "branch", "client", "appointment")


def cash_summary(business, branch, date: dt.date) -> dict:
    """Takings of a branch on a local business date: per method, refunds, tips, and the net."""
    from staffroom.scheduling.selectors import business_day_bounds

    day_start, day_end = business_day_bounds(business, date)
    payments = Payment.objects.for_business(business).filter(
        branch=branch, processed_at__gte=day_start, processed_at__lt=day_end
    )
    refunds = Refund.objects.for_business(business).filter(
        branch=branch, processed_at__gte=day_start, processed_at__lt=day_end
    )
    by_method = {method: {"taken": Decimal(0), "refunded": Decimal(0), "tips": Decimal(0)} for method in PaymentMethod}
    for row in payments.values("method").annotate(taken=Sum("amount"), tips=Sum("tip_amount")):
        by_method[row["method"]]["taken"] = round_money(row["taken"] or Decimal(0), business.currency)
        by_method[row["method"]]["tips"] = round_money(row["tips"] or Decimal(0), business.currency)
    for row in refunds.values("method").annotate(refunded=Sum("amount")):
        by_method[row["method"]]["refunded"] = round_money(row["refunded"] or Decimal(0), business.currency)
    rows = []
    for method in PaymentMethod:
        figures = by_method[method]
        net = figures["taken"] - figures["refunded"] + figures["tips"]
        rows.append({"method": method.value, "label": str(method.label), **figures, "net": net})
    totals = {key: sum((row[key] for row in rows), Decimal(0)) for key in ("taken", "refunded", "tips", "net")}
    return {
        "date": date,
        "branch": branch,
        "currency": business.currency,
        "rows": rows,
        "totals": totals,
        "payment_count": payments.count(),
        "refund_count": refunds.count(),
    }


def refundable_total(payment) -> Decimal:
    return payment.amount - payment.refunded_amount


def employees_who_took_payments(business, since: dt.datetime) -> set[int]:
    """Who used the payment right since `since` (took a payment or issued a refund)."""
    took = Payment.objects.for_business(business).filter(processed_at__gte=since)
    refunded = Refund.objects.for_business(business).filter(processed_at__gte=since)
    return set(took.values_list("processed_by_id", flat=True).distinct()) | set(
        refunded.values_list("processed_by_id", flat=True).distinct()
    )


def allowances_for_business(business):
    """Allowances with what went back for each (`paid_back`), newest first."""
    return (
        Allowance.objects.for_business(business)
        .select_related("granted_by", "order_link")
        .annotate(paid_back=Coalesce(Sum("refunds__amount"), Value(Decimal(0)), output_field=MoneyField()))
        .order_by("-granted_at", "-id")
    )


def allowance_paid_back(allowance) -> Decimal:
    """What went back to the client for an allowance (refunds that belong to it)."""
    total = (
        Refund.objects.for_business(allowance.business_id).filter(allowance=allowance).aggregate(total=Sum("amount"))
    )["total"]
    return round_money(total or Decimal(0), allowance.currency)
