"""Sale facts for tests: visits with service lines, payments and refunds written straight to the tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from staffroom.catalog.models import Service, ServiceCategory
from staffroom.payments.models import Payment, Refund
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.models import Appointment, AppointmentLine
from staffroom.scheduling.tests.factories import make_client

D = Decimal


def category(business, name: str) -> ServiceCategory:
    found, _ = ServiceCategory.objects.for_business(business).get_or_create(business=business, name=name)
    return found


def service(business, name: str, category_name: str = "Hair", price: str = "1000.00") -> Service:
    found, _ = Service.objects.for_business(business).get_or_create(
        business=business,
        name=name,
        defaults={"category": category(business, category_name), "duration_minutes": 60, "price": D(price)},
    )
    return found


def make_visit(
    business,
    *,
    specialist,
    branch,
    date: dt.date,
    lines,
    hour: int = 10,
    status: str = "completed",
    created_by=None,
    client=None,
) -> Appointment:
    """`lines`: (service, price, discount) triples; the visit's sums are the lines' sums."""
    starts_at = local_to_utc(date, dt.time(hour), business.zone)
    appointment = Appointment.objects.create(
        business=business,
        branch=branch,
        specialist=specialist,
        client=client or make_client(business),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=60 * len(lines)),
        status=status,
        created_by=created_by or specialist,
        price=sum((D(price) for _, price, _ in lines), D(0)),
        discount_amount=sum((D(discount) for _, _, discount in lines), D(0)),
        total=sum((D(price) - D(discount) for _, price, discount in lines), D(0)),
    )
    AppointmentLine.objects.bulk_create(
        AppointmentLine(
            business=business,
            appointment=appointment,
            service=line_service,
            category=line_service.category,
            service_name=line_service.name,
            position=position,
            duration_minutes=60,
            price=D(price),
            discount_amount=D(discount),
            total=D(price) - D(discount),
        )
        for position, (line_service, price, discount) in enumerate(lines)
    )
    return appointment


def pay(appointment, *, by, amount=None, at=None) -> Payment:
    return Payment.objects.create(
        business=appointment.business,
        branch=appointment.branch,
        appointment=appointment,
        client=appointment.client,
        amount=amount if amount is not None else appointment.total,
        method="card",
        currency=appointment.business.currency,
        processed_by=by,
        processed_at=at or appointment.starts_at,
    )


def refund(payment, amount, *, by, at=None) -> Refund:
    payment.refunded_amount += D(amount)
    payment.save(update_fields=["refunded_amount"])
    return Refund.objects.create(
        business=payment.business,
        payment=payment,
        branch=payment.branch,
        amount=D(amount),
        method=payment.method,
        reason="test",
        processed_by=by,
        processed_at=at or timezone.now(),
    )


def sell_order(owner, *, responsible, items, at: dt.datetime, complete: bool = False, branch=None):
    """An order of `responsible` walked through the real services: created, paid and "paid" at `at` (its sale
    moment), optionally completed an hour later. `items`: ItemInput lines."""
    import time_machine

    from staffroom.orders import services as orders

    with time_machine.travel(at, tick=False):
        order = orders.order_create(
            actor=owner, client=make_client(owner.business), items=items, responsible=responsible, pickup_branch=branch
        )
        order = orders.order_status_change(actor=owner, order=order, status="in_progress")
        orders.order_payment_take(actor=owner, order=order, amount=order.total, method="cash")
        order.refresh_from_db()
        order = orders.order_status_change(actor=owner, order=order, status="paid")
    if complete:
        with time_machine.travel(at + dt.timedelta(hours=1), tick=False):
            order = orders.order_status_change(actor=owner, order=order, status="completed")
    return order


def return_goods(owner, order, *, item, quantity: int, at: dt.datetime):
    """Goods of an order come back at `at` (the money goes back through the order's payment)."""
    import time_machine

    from staffroom.orders import services as orders

    with time_machine.travel(at, tick=False):
        order.refresh_from_db()
        return orders.order_return_register(
            actor=owner, order=order, lines=[orders.ReturnInput(item=item, quantity=quantity)], reason="Faulty"
        )
