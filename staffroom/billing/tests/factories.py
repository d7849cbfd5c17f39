"""Plans and subscriptions for billing tests."""

import datetime
from decimal import Decimal

import time_machine

from staffroom.billing import services
from staffroom.billing.models import Plan


def make_plan(code="standard", *, base_price="1990", free_seats=2, seat_price="380", **fields) -> Plan:
    defaults = {
        "name": code.title(),
        "currency": "RUB",
        "discount_1": Decimal(0),
        "discount_3": Decimal(5),
        "discount_6": Decimal(10),
        "discount_12": Decimal(15),
        "grace_days": 14,
        "trial_days": 14,
    }
    defaults.update(fields)
    return Plan.objects.create(
        code=code, base_price=Decimal(base_price), free_seats=free_seats, seat_price=Decimal(seat_price), **defaults
    )


def noon_utc(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 9, 0, tzinfo=datetime.UTC)


def make_active_subscription(business, plan, *, start: datetime.date, months: int = 12, actor=None):
    """Trial started `trial_days` before `start`, a purchase paid the day before: the term runs from `start`."""
    actor = actor or business.owner
    trial_start = start - datetime.timedelta(days=plan.trial_days)
    with time_machine.travel(noon_utc(trial_start), tick=False):
        services.subscription_start_trial(business=business, plan=plan)
    day_before = start - datetime.timedelta(days=1)
    with time_machine.travel(noon_utc(day_before), tick=False):
        invoice = services.subscription_purchase(actor=actor, months=months)
        assert invoice.term_start == start
        services.invoice_mark_paid(invoice=invoice, operator_label="Operator", reference="BANK-1")
    with time_machine.travel(noon_utc(start), tick=False):
        services.billing_run(run_date=start)
    return services.Subscription.objects.for_business(business).get()
