"""Operator API: what the operator console does with plans, subscriptions, invoices and their payments.

Platform operators only (an operator token `so_…` or the console's session, both with a second factor); a business
token never reaches these routes, and an operator acts here in no business. Each route's rule is the console's own
Django permission, and each action calls the service the console page calls.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from staffroom.core.api import OperatorSessionAuth, OperatorTokenAuth
from staffroom.core.errors import field_error
from staffroom.staff.permissions import api_permission, operator_rule
from staffroom.tenancy.models import Business

from . import services
from .api import invoice_out, plan_out
from .models import Invoice, Plan, Subscription

operator_router = Router(tags=["operator console"], auth=[OperatorTokenAuth(), OperatorSessionAuth(csrf=True)])

PAGE_SIZE = 100


def _label(request) -> str:
    return str(request.operator)


# --- plans -------------------------------------------------------------------------------------------------------


class BillingOperatorPlanOut(Schema):
    id: int
    code: str
    version: int
    name: str
    currency: str
    base_price: Decimal
    free_seats: int
    seat_price: Decimal
    discounts: dict[int, Decimal]
    seat_removal_extends_term: bool
    grace_days: int
    trial_days: int
    is_offered: bool
    effective_from: dt.date | None


class BillingOperatorPlanIn(Schema):
    code: str = Field(..., min_length=1, max_length=32)
    name: str = Field(..., min_length=1, max_length=100)
    currency: str = Field(..., min_length=3, max_length=3)
    base_price: Decimal = Field(..., max_digits=12, decimal_places=2)
    free_seats: int = Field(0, ge=0, le=100000)
    seat_price: Decimal = Field(..., max_digits=12, decimal_places=2)
    discount_1: Decimal = Field(Decimal("0"), max_digits=5, decimal_places=2)
    discount_3: Decimal = Field(Decimal("0"), max_digits=5, decimal_places=2)
    discount_6: Decimal = Field(Decimal("0"), max_digits=5, decimal_places=2)
    discount_12: Decimal = Field(Decimal("0"), max_digits=5, decimal_places=2)
    seat_removal_extends_term: bool = True
    grace_days: int = Field(14, ge=0, le=365)
    trial_days: int = Field(14, ge=0, le=365)
    is_offered: bool = True


class BillingOperatorPlanPatch(Schema):
    """A revision: the fields that change; the rest are the current version's. Saved as a new version."""

    name: str | None = Field(None, min_length=1, max_length=100)
    base_price: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    free_seats: int | None = Field(None, ge=0, le=100000)
    seat_price: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    discount_1: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    discount_3: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    discount_6: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    discount_12: Decimal | None = Field(None, max_digits=5, decimal_places=2)
    seat_removal_extends_term: bool | None = None
    grace_days: int | None = Field(None, ge=0, le=365)
    trial_days: int | None = Field(None, ge=0, le=365)
    is_offered: bool | None = None
    effective_from: dt.date | None = Field(None, description="Not before today; empty: from today.")


class BillingOperatorPlanRevisionOut(Schema):
    plan: BillingOperatorPlanOut
    businesses_told: int


def operator_plan_out(plan: Plan) -> dict:
    return {
        **plan_out(plan),
        "trial_days": plan.trial_days,
        "is_offered": plan.is_offered,
        "effective_from": plan.effective_from,
    }


def _plan(plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()  # platform data: plans belong to no business
    if plan is None:
        raise Http404
    return plan


@operator_router.get("/operator/plans", response=list[BillingOperatorPlanOut])
@api_permission(operator_rule("billing.view_plan"))
def plan_list(request, code: str = ""):
    plans = Plan.objects.order_by("code", "-version")
    if code:
        plans = plans.filter(code=code[:32])
    return [operator_plan_out(plan) for plan in plans]


@operator_router.get("/operator/plans/{plan_id}", response=BillingOperatorPlanOut)
@api_permission(operator_rule("billing.view_plan"))
def plan_detail(request, plan_id: int):
    return operator_plan_out(_plan(plan_id))


@operator_router.post("/operator/plans", response={201: BillingOperatorPlanOut})
@api_permission(operator_rule("billing.add_plan"))
def plan_create(request, payload: BillingOperatorPlanIn):
    plan = Plan(**payload.dict())
    services.plan_save_by_operator(plan=plan, operator_label=_label(request), revise=False)
    return Status(201, operator_plan_out(plan))


@operator_router.post("/operator/plans/{plan_id}/revisions", response={201: BillingOperatorPlanRevisionOut})
@api_permission(operator_rule("billing.change_plan"))
def plan_revise(request, plan_id: int, payload: BillingOperatorPlanPatch):
    """Revise a plan: saved as its next version, announced to the businesses on it, taken from their next term."""
    plan = _plan(plan_id)
    for name, value in payload.dict(exclude_unset=True).items():
        if value is None and name != "effective_from":
            raise field_error(name, _("This field cannot be empty."))
        setattr(plan, name, value)
    told = services.plan_save_by_operator(plan=plan, operator_label=_label(request), revise=True)
    return Status(201, {"plan": operator_plan_out(plan), "businesses_told": told})


# --- subscriptions -------------------------------------------------------------------------------------------------


class BillingOperatorSubscriptionOut(Schema):
    id: int
    business_id: int
    business: str
    plan: BillingOperatorPlanOut
    status: str
    term_months: int
    term_start: dt.date
    paid_through: dt.date
    billable_count: int
    seat_version: int
    next_plan_id: int | None
    next_term_months: int | None


class BillingOperatorSubscriptionPageOut(Schema):
    items: list[BillingOperatorSubscriptionOut]
    next_before: int | None = Field(None, description="Pass as `before` for the next page.")


class BillingOperatorSubscriptionIn(Schema):
    business_id: int
    plan_id: int
    term_months: int = 1


class BillingOperatorNextTermPatch(Schema):
    next_plan_id: int | None = Field(None, description="Empty: the current plan continues.")
    next_term_months: int | None = Field(None, description="1, 3, 6 or 12; empty: the current term continues.")


class BillingOperatorRecountIn(Schema):
    subscription_ids: list[int] = Field(..., min_length=1, max_length=500)


class BillingOperatorRecountOut(Schema):
    recounted: int
    changed: int


def operator_subscription_out(subscription: Subscription) -> dict:
    return {
        "id": subscription.pk,
        "business_id": subscription.business_id,
        "business": subscription.business.name,
        "plan": operator_plan_out(subscription.plan),
        "status": subscription.status,
        "term_months": subscription.term_months,
        "term_start": subscription.term_start,
        "paid_through": subscription.paid_through,
        "billable_count": subscription.billable_count,
        "seat_version": subscription.ledger_version,
        "next_plan_id": subscription.next_plan_id,
        "next_term_months": subscription.next_term_months,
    }


def _subscriptions():
    # The operator console sees every business's subscription: explicitly unscoped, as the console's pages are.
    return Subscription.objects.unscoped().select_related("business", "plan", "next_plan")


def _subscription(subscription_id: int) -> Subscription:
    subscription = _subscriptions().filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404
    return subscription


def _page(queryset, before: int | None):
    if before is not None:
        queryset = queryset.filter(pk__lt=before)
    rows = list(queryset.order_by("-pk")[: PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None)


@operator_router.get("/operator/subscriptions", response=BillingOperatorSubscriptionPageOut)
@api_permission(operator_rule("billing.view_subscription"))
def subscription_list(request, status: str = "", business_id: int | None = None, before: int | None = None):
    queryset = _subscriptions()
    if status:
        queryset = queryset.filter(status=status[:20])
    if business_id is not None:
        queryset = queryset.filter(business_id=business_id)
    rows, next_before = _page(queryset, before)
    return {"items": [operator_subscription_out(row) for row in rows], "next_before": next_before}


# Before the `{subscription_id}` routes, whose pattern would take "recount" as an id.
@operator_router.post("/operator/subscriptions/recount", response=BillingOperatorRecountOut)
@api_permission(operator_rule("billing.change_subscription"))
def subscription_recount(request, payload: BillingOperatorRecountIn):
    """The console's bulk action "Recount billable employees": each business's log records it with the operator."""
    wanted = set(payload.subscription_ids)
    subscriptions = list(_subscriptions().filter(pk__in=wanted))
    missing = wanted - {subscription.pk for subscription in subscriptions}
    if missing:
        raise field_error("subscription_ids", _("Some of these subscriptions do not exist."))
    changed = services.seats_recount_by_operator(subscriptions=subscriptions, operator_label=_label(request))
    return {"recounted": len(subscriptions), "changed": changed}


@operator_router.get("/operator/subscriptions/{subscription_id}", response=BillingOperatorSubscriptionOut)
@api_permission(operator_rule("billing.view_subscription"))
def subscription_detail(request, subscription_id: int):
    return operator_subscription_out(_subscription(subscription_id))


@operator_router.post("/operator/subscriptions", response={201: BillingOperatorSubscriptionOut})
@api_permission(operator_rule("billing.add_subscription"))
def subscription_start(request, payload: BillingOperatorSubscriptionIn):
    """Open a business's subscription on a plan's trial, as the console's "add subscription" does."""
    business = Business.objects.filter(pk=payload.business_id).first()
    if business is None:
        raise field_error("business_id", _("Choose an existing business."))
    plan = Plan.objects.filter(pk=payload.plan_id).first()
    if plan is None:
        raise field_error("plan_id", _("Choose an existing plan."))
    subscription = services.subscription_start_trial(
        business=business, plan=plan, term_months=payload.term_months, actor_label=_label(request)
    )
    return Status(201, operator_subscription_out(_subscription(subscription.pk)))


@operator_router.patch("/operator/subscriptions/{subscription_id}/next-term", response=BillingOperatorSubscriptionOut)
@api_permission(operator_rule("billing.change_subscription"))
def subscription_next_term(request, subscription_id: int, payload: BillingOperatorNextTermPatch):
    """Set the plan and term that apply from the business's next term (the current term stays as bought)."""
    subscription = _subscription(subscription_id)
    next_plan = None
    if payload.next_plan_id is not None:
        next_plan = Plan.objects.filter(pk=payload.next_plan_id).first()
        if next_plan is None:
            raise field_error("next_plan_id", _("Choose an existing plan."))
    services.subscription_next_term_set_by_operator(
        subscription=subscription,
        next_plan=next_plan,
        next_term_months=payload.next_term_months,
        operator_label=_label(request),
    )
    return operator_subscription_out(_subscription(subscription_id))


# --- invoices and their payments ----------------------------------------------------------------------------------


class BillingOperatorInvoiceOut(Schema):
    id: int
    business_id: int
    business: str
    number: str | None
    kind: str
    status: str
    plan: str
    term_start: dt.date
    term_through: dt.date
    term_months: int
    billable_count: int
    paid_seats: int
    discount_percent: Decimal
    base_line: Decimal
    seats_line: Decimal
    total: Decimal
    currency: str
    issued_on: dt.date
    paid_at: dt.datetime | None
    payment_method: str
    payment_reference: str
    paid_by: str


class BillingOperatorInvoicePageOut(Schema):
    items: list[BillingOperatorInvoiceOut]
    next_before: int | None = Field(None, description="Pass as `before` for the next page.")


class BillingOperatorPaymentIn(Schema):
    reference: str = Field(..., max_length=120, description="The bank transfer's reference from the statement.")


class BillingOperatorPaymentOut(Schema):
    invoice: BillingOperatorInvoiceOut
    term_opened: bool = Field(..., description="The paid renewal opened the business's next term now.")


def operator_invoice_out(invoice: Invoice) -> dict:
    return {
        **invoice_out(invoice),
        "business_id": invoice.business_id,
        "business": invoice.business.name,
        "payment_method": invoice.payment_method,
        "payment_reference": invoice.payment_reference,
        "paid_by": invoice.paid_by_label,
    }


def _invoices():
    return Invoice.objects.unscoped().select_related("business", "plan")


def _invoice(invoice_id: int) -> Invoice:
    invoice = _invoices().filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404
    return invoice


@operator_router.get("/operator/invoices", response=BillingOperatorInvoicePageOut)
@api_permission(operator_rule("billing.view_invoice"))
def invoice_list(request, status: str = "", business_id: int | None = None, before: int | None = None):
    queryset = _invoices()
    if status:
        queryset = queryset.filter(status=status[:20])
    if business_id is not None:
        queryset = queryset.filter(business_id=business_id)
    rows, next_before = _page(queryset, before)
    return {"items": [operator_invoice_out(row) for row in rows], "next_before": next_before}


@operator_router.get("/operator/invoices/{invoice_id}", response=BillingOperatorInvoiceOut)
@api_permission(operator_rule("billing.view_invoice"))
def invoice_detail(request, invoice_id: int):
    return operator_invoice_out(_invoice(invoice_id))


@operator_router.post("/operator/invoices/{invoice_id}/payments", response=BillingOperatorPaymentOut)
@api_permission(operator_rule("billing.change_invoice"))
def invoice_payment(request, invoice_id: int, payload: BillingOperatorPaymentIn):
    """Record the bank transfer that paid an invoice (as the console's invoice page does); paying twice changes
    nothing, a void invoice is a 409."""
    recorded = services.invoice_mark_paid(
        invoice=_invoice(invoice_id), operator_label=_label(request), reference=payload.reference
    )
    return {"invoice": operator_invoice_out(_invoice(invoice_id)), "term_opened": recorded.applied}
