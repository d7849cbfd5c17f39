"""Pure rules of orders: the status transition table, line and order totals, return amounts, overdue tasks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import OrderStatus

S = OrderStatus

# The pipeline new -> in progress -> paid -> shipped -> completed, with cancel before payment and return after it.
STATUS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.NEW: (S.IN_PROGRESS, S.CANCELLED),
    S.IN_PROGRESS: (S.PAID, S.CANCELLED),
    S.PAID: (S.SHIPPED, S.COMPLETED, S.RETURNED),
    S.SHIPPED: (S.COMPLETED, S.RETURNED),
    S.COMPLETED: (S.RETURNED,),
    S.CANCELLED: (),
    S.RETURNED: (),
}

# Items and amounts can be edited until the order is paid.
EDITABLE_STATUSES = frozenset({S.NEW, S.IN_PROGRESS})
# Orders that count as sales (reports): they reached "paid"; returns are subtracted, not the order dropped.
SOLD_STATUSES = frozenset({S.PAID, S.SHIPPED, S.COMPLETED, S.RETURNED})
# Payments may be taken while the order is open; returns only once it has been sold.
PAYABLE_STATUSES = frozenset({S.NEW, S.IN_PROGRESS, S.PAID, S.SHIPPED})
RETURNABLE_STATUSES = frozenset({S.PAID, S.SHIPPED, S.COMPLETED})
CLOSED_STATUSES = frozenset({S.COMPLETED, S.CANCELLED, S.RETURNED})


def allowed_transitions(status: str) -> tuple[str, ...]:
    return STATUS_TRANSITIONS.get(status, ())


def is_transition_allowed(current: str, target: str) -> bool:
    return target in allowed_transitions(current)


def _cents(amount: Decimal, places: Decimal) -> Decimal:
    return amount.quantize(places, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineFigures:
    gross: Decimal
    discount: Decimal
    total: Decimal


def line_figures(
    quantity: int, unit_price: Decimal, discount: Decimal, places: Decimal = Decimal("0.01")
) -> LineFigures:
    """gross = quantity x unit price; the discount (an amount for the whole line) cannot exceed it."""
    if quantity <= 0:
        raise ValueError("quantity must be positive")
    if unit_price < 0 or discount < 0:
        raise ValueError("money must not be negative")
    gross = _cents(unit_price * quantity, places)
    discount = _cents(discount, places)
    if discount > gross:
        raise ValueError("discount above the line's amount")
    return LineFigures(gross=gross, discount=discount, total=gross - discount)


@dataclass(frozen=True)
class OrderFigures:
    gross: Decimal
    discount: Decimal
    total: Decimal


def order_figures(lines: list[LineFigures]) -> OrderFigures:
    gross = sum((line.gross for line in lines), Decimal(0))
    discount = sum((line.discount for line in lines), Decimal(0))
    return OrderFigures(gross=gross, discount=discount, total=gross - discount)


def return_amount(
    *,
    line_total: Decimal,
    quantity: int,
    already_returned_quantity: int,
    already_returned_amount: Decimal,
    returning: int,
    places: Decimal = Decimal("0.01"),
) -> Decimal:
    """Money back for `returning` units of a line: its share of what the line cost after discount.

    The share is rounded on the cumulative quantity returned, so the parts never exceed the line's total and a line
    returned in parts gives back exactly its total.
    """
    if returning <= 0 or already_returned_quantity + returning > quantity:
        raise ValueError("cannot return more than was bought")
    returned_after = already_returned_quantity + returning
    if returned_after == quantity:
        return line_total - already_returned_amount
    return _cents(line_total * returned_after / quantity, places) - already_returned_amount


def net_sales(*, gross: Decimal, discounts: Decimal, returns: Decimal, allowances: Decimal = Decimal(0)) -> Decimal:
    """PRODUCT.md M5: net = gross - returns - allowances - discounts."""
    return gross - returns - allowances - discounts


def is_task_overdue(*, due_at: dt.datetime | None, is_done: bool, now: dt.datetime) -> bool:
    return not is_done and due_at is not None and due_at <= now
