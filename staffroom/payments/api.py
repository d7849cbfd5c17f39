"""REST API for payments and refunds (idempotency key in the body or the Idempotency-Key header), cash summary."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import field_error
from staffroom.core.shortcuts import choice_for_business, get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import api_permission
from staffroom.tenancy.models import Branch

from . import selectors, services
from .models import Allowance, Payment

router = Router(tags=["payments"])


class PaymentsPaymentIn(Schema):
    appointment_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    method: str
    tip_amount: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    idempotency_key: str = Field("", max_length=100)
    note: str = Field("", max_length=300)


class RefundIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    reason: str = Field(..., max_length=300)
    method: str | None = None
    idempotency_key: str = Field("", max_length=100)


class RefundOut(Schema):
    id: int
    payment_id: int
    amount: Decimal
    method: str
    reason: str
    processed_by_id: int
    processed_at: dt.datetime


class PaymentsPaymentOut(Schema):
    id: int
    appointment_id: int | None
    client_id: int | None
    branch_id: int | None
    amount: Decimal
    tip_amount: Decimal
    refunded_amount: Decimal
    method: str
    currency: str
    processed_by_id: int
    processed_at: dt.datetime
    idempotency_key: str
    note: str


class SummaryRowOut(Schema):
    method: str
    label: str
    taken: Decimal
    refunded: Decimal
    tips: Decimal
    net: Decimal


class SummaryOut(Schema):
    date: IsoDate
    branch_id: int
    currency: str
    rows: list[SummaryRowOut]
    totals: dict[str, Decimal]
    payment_count: int
    refund_count: int


class PaymentsAllowanceIn(Schema):
    appointment_id: int
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=300)
    refund_method: str | None = Field(None, description="How money paid beyond the new price goes back")
    idempotency_key: str = Field("", max_length=100)


class PaymentsAllowanceOut(Schema):
    id: int
    appointment_id: int | None
    order_id: int | None
    client_id: int | None
    branch_id: int | None
    amount: Decimal
    currency: str
    reason: str
    granted_by_id: int
    granted_at: dt.datetime
    paid_back: Decimal
    idempotency_key: str


def _allowance_out(allowance: Allowance) -> dict:
    link = getattr(allowance, "order_link", None) if allowance.appointment_id is None else None
    return {
        "id": allowance.pk,
        "appointment_id": allowance.appointment_id,
        "order_id": link.order_id if link is not None else None,
        "client_id": allowance.client_id,
        "branch_id": allowance.branch_id,
        "amount": allowance.amount,
        "currency": allowance.currency,
        "reason": allowance.reason,
        "granted_by_id": allowance.granted_by_id,
        "granted_at": allowance.granted_at,
        "paid_back": (
            allowance.paid_back
            if getattr(allowance, "paid_back", None) is not None
            else selectors.allowance_paid_back(allowance)
        ),
        "idempotency_key": allowance.idempotency_key,
    }


def _key(request, body_key: str) -> str:
    return body_key or request.headers.get("Idempotency-Key", "")


@router.get("/payments", response=list[PaymentsPaymentOut])
@api_permission(Perm.PAYMENTS_VIEW_FINANCES)
def payment_list(request, date: IsoDate | None = None, branch_id: int | None = None, appointment_id: int | None = None):
    from staffroom.scheduling.selectors import business_day_bounds, check_calendar_date

    queryset = selectors.payments_for_business(request.business)
    if date is not None:
        start, end = business_day_bounds(request.business, check_calendar_date(date, "date"))
        queryset = queryset.filter(processed_at__gte=start, processed_at__lt=end)
    if branch_id is not None:
        queryset = queryset.filter(branch=choice_for_business(Branch, request.business, branch_id, "branch_id"))
    if appointment_id is not None:
        queryset = queryset.filter(appointment_id=appointment_id)
    return list(queryset[:1000])


@router.post("/payments", response={200: PaymentsPaymentOut, 201: PaymentsPaymentOut})
@api_permission(Perm.PAYMENTS_PROCESS)
def payment_create(request, payload: PaymentsPaymentIn):
    """Take a payment for a visit. The same idempotency key again answers 200 with the first payment."""
    from staffroom.scheduling.models import Appointment

    appointment = choice_for_business(Appointment, request.business, payload.appointment_id, "appointment_id")
    payment = services.payment_take(
        actor=request.employee,
        appointment=appointment,
        amount=payload.amount,
        method=payload.method,
        tip_amount=payload.tip_amount,
        idempotency_key=_key(request, payload.idempotency_key),
        note=payload.note,
    )
    return Status(200 if payment.is_repeat else 201, payment)


@router.get("/payments/{payment_id}", response=PaymentsPaymentOut)
@api_permission(Perm.PAYMENTS_VIEW_FINANCES)
def payment_detail(request, payment_id: int):
    return get_for_business_or_404(Payment, request.business, pk=payment_id)


@router.post("/payments/{payment_id}/refunds", response={200: RefundOut, 201: RefundOut})
@api_permission(Perm.PAYMENTS_REFUND)
def refund_create(request, payment_id: int, payload: RefundIn):
    payment = get_for_business_or_404(Payment, request.business, pk=payment_id)
    refund = services.refund_issue(
        actor=request.employee,
        payment=payment,
        amount=payload.amount,
        reason=payload.reason,
        method=payload.method,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(200 if refund.is_repeat else 201, refund)


@router.get("/allowances", response=list[PaymentsAllowanceOut])
@api_permission(Perm.PAYMENTS_VIEW_FINANCES)
def allowance_list(request, appointment_id: int | None = None, date: IsoDate | None = None):
    """Allowances of the business, newest first: of one visit, or granted on a local date."""
    from staffroom.scheduling.selectors import business_day_bounds, check_calendar_date

    queryset = selectors.allowances_for_business(request.business)
    if appointment_id is not None:
        queryset = queryset.filter(appointment_id=appointment_id)
    if date is not None:
        start, end = business_day_bounds(request.business, check_calendar_date(date, "date"))
        queryset = queryset.filter(granted_at__gte=start, granted_at__lt=end)
    return [_allowance_out(allowance) for allowance in queryset[:1000]]


@router.post("/allowances", response={200: PaymentsAllowanceOut, 201: PaymentsAllowanceOut})
@api_permission(Perm.PAYMENTS_GRANT_ALLOWANCE)
def allowance_create(request, payload: PaymentsAllowanceIn):
    """Grant an allowance on a visit that took place (a price reduction after the sale without a return, e.g.
    compensation for a defect). Money paid beyond the new price goes back at once (needs `payments.refund`).
    The same idempotency key again answers 200 with the first allowance. Orders: `POST /orders/{id}/allowances`."""
    from staffroom.scheduling.models import Appointment

    appointment = choice_for_business(Appointment, request.business, payload.appointment_id, "appointment_id")
    allowance = services.allowance_grant(
        actor=request.employee,
        appointment=appointment,
        amount=payload.amount,
        reason=payload.reason,
        refund_method=payload.refund_method,
        idempotency_key=_key(request, payload.idempotency_key),
    )
    return Status(200 if allowance.is_repeat else 201, _allowance_out(allowance))


@router.get("/cash-summary", response=SummaryOut)
@api_permission(Perm.PAYMENTS_VIEW_FINANCES)
def cash_summary(request, branch_id: int, date: IsoDate | None = None):
    branch = choice_for_business(Branch, request.business, branch_id, "branch_id")
    if branch is None:
        raise field_error("branch_id", _("Choose a branch."))
    date = date or dt.datetime.now(request.business.zone).date()
    from staffroom.scheduling.selectors import check_calendar_date

    check_calendar_date(date, "date")
    summary = selectors.cash_summary(request.business, branch, date)
    summary["branch_id"] = branch.pk
    return summary
