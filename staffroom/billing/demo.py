"""Demo plan catalogue (Start, Standard, Business in RUB, seats at 380) and a paid Standard subscription."""

import datetime
from decimal import Decimal

from django.db import transaction

from .models import Invoice, InvoiceKind, Plan, Subscription
from .services import (
    business_today,
    invoice_issue,
    invoice_mark_paid,
    subscription_for_update,
    subscription_start_trial,
)

DEMO_PLANS = [
    {"code": "start", "name": "Start", "base_price": Decimal("990"), "free_seats": 1},
    {"code": "standard", "name": "Standard", "base_price": Decimal("1990"), "free_seats": 3},
    {"code": "business", "name": "Business", "base_price": Decimal("4990"), "free_seats": 10},
]


@transaction.atomic
def load(context: dict) -> None:
    plans = {}
    for spec in DEMO_PLANS:
        plan = Plan.objects.filter(code=spec["code"]).order_by("-version").first()
        if plan is None:
            plan = Plan.objects.create(
                **spec,
                currency="RUB",
                seat_price=Decimal("380"),
                discount_1=Decimal(0),
                discount_3=Decimal(5),
                discount_6=Decimal(10),
                discount_12=Decimal(15),
                grace_days=14,
                trial_days=14,
            )
        plans[spec["code"]] = plan
    context["plans"] = plans
    business = context.get("business")
    if business is None or Subscription.objects.for_business(business).exists():
        return
    # A year of Standard bought on the first of this month, after a two-week trial.
    today = business_today(business)
    start = today.replace(day=1)
    plan = plans["standard"]
    subscription_start_trial(
        business=business,
        plan=plan,
        term_months=12,
        today=start - datetime.timedelta(days=plan.trial_days),
        actor_label="demo",
    )
    subscription = subscription_for_update(business)
    invoice, _created = invoice_issue(
        subscription=subscription, kind=InvoiceKind.PURCHASE, term_start=start, plan=plan, months=12, today=start
    )
    invoice_mark_paid(invoice=invoice, operator_label="Platform Operator", reference="DEMO-0001", today=start)
    context["subscription"] = Subscription.objects.for_business(business).get()
    context["invoices"] = list(Invoice.objects.for_business(business))
