"""Taking payments and issuing refunds, for visits or any other document (orders link to a Payment themselves).

Callers other than the calendar use the same two services: `payment_take(actor=..., amount=..., method=...,
idempotency_key=..., outstanding=...)` and `refund_issue(...)`, inside their own transaction if they need one.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, ValidationFailed, field_error
from staffroom.core.money import round_money
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require
from staffroom.webhooks.services import webhook_event_emit

from .models import Allowance, Payment, PaymentMethod, Refund
from .selectors import (
    appointment_allowance_amount,
    appointment_paid_amount,
    appointment_returned_amount,
)

MAX_IDEMPOTENCY_KEY_LENGTH = 100


def payment_snapshot(payment: Payment) -> dict:
    return {
        "amount": payment.amount,
        "tip_amount": payment.tip_amount,
        "method": payment.method,
        "currency": payment.currency,
        "appointment_id": payment.appointment_id,
        "client_id": payment.client_id,
        "branch_id": payment.branch_id,
        "refunded_amount": payment.refunded_amount,
    }


def _money(business, value, field: str, *, allow_zero: bool = False) -> Decimal:
    if not isinstance(value, Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError as error:
            raise field_error(field, _("Enter an amount.")) from error
    if not value.is_finite() or value >= Decimal("1e12"):
        raise field_error(field, _("Enter an amount."))
    rounded = round_money(value, business.currency)
    if rounded != value:
        raise field_error(field, _("Too many digits after the decimal point."))
    if rounded < 0 or (rounded == 0 and not allow_zero):
        raise field_error(field, _("Enter an amount above zero."))
    return rounded


def _key(value: str) -> str:
    value = (value or "").strip()
    if len(value) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise field_error("idempotency_key", _("The idempotency key is too long."))
    return value


def _repeat_of(existing: Payment, *, amount, method, appointment, tip_amount) -> Payment:
    """The same key again: the same payment back, or a 409 if the request is not the same one."""
    same = (
        existing.amount == amount
        and existing.method == method
        and existing.tip_amount == tip_amount
        and existing.appointment_id == (appointment.pk if appointment is not None else None)
    )
    if not same:
        raise Conflict(_("This idempotency key was used for a different payment."))
    existing.is_repeat = True
    return existing


@transaction.atomic
def payment_take(
    *,
    actor,
    amount,
    method: str,
    appointment=None,
    client=None,
    branch=None,
    tip_amount=Decimal(0),
    idempotency_key: str = "",
    note: str = "",
    outstanding: Decimal | None = None,
) -> Payment:
    """Take one (possibly partial) payment. For a visit the balance is checked under a lock on the visit;
    another caller passes `outstanding` (what is still due on its document, read under its own lock)."""
    business = actor.business
    if appointment is not None:
        branch = branch or appointment.branch
        client = client or appointment.client
    require(actor, Perm.PAYMENTS_PROCESS, branch=branch, obj=appointment)
    for obj, field in ((client, "client_id"), (branch, "branch_id")):
        if obj is not None and obj.business_id != business.pk:
            raise field_error(field, _("Choose a valid option of this business."))
    if method not in PaymentMethod.values:
        raise field_error("method", _("Choose a payment method."))
    errors = {}
    try:
        amount = _money(business, amount, "amount")
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        tip_amount = _money(business, tip_amount or Decimal(0), "tip_amount", allow_zero=True)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors=errors)
    key = _key(idempotency_key)

    if appointment is not None:
        from staffroom.scheduling.choices import AppointmentStatus
        from staffroom.scheduling.models import Appointment

        # The lock on the visit serializes its payments: two cashiers cannot both take the last part of it.
        appointment = Appointment.objects.for_business(business).select_for_update().get(pk=appointment.pk)
    if key:
        existing = Payment.objects.for_business(business).filter(idempotency_key=key).first()
        if existing is not None:
            return _repeat_of(existing, amount=amount, method=method, appointment=appointment, tip_amount=tip_amount)
    if appointment is not None:
        if appointment.status == AppointmentStatus.CANCELLED:
            raise Conflict(_("This appointment was cancelled."))
        outstanding = (
            appointment.total - appointment_allowance_amount(appointment) - appointment_paid_amount(appointment)
        )
    if outstanding is not None and amount > outstanding:
        raise field_error("amount", _("Only %(amount)s is still due.") % {"amount": max(outstanding, Decimal(0))})
    payment = Payment(
        business=business,
        branch=branch,
        appointment=appointment,
        client=client,
        amount=amount,
        tip_amount=tip_amount,
        method=method,
        currency=business.currency,
        processed_by=actor,
        processed_at=timezone.now(),
        idempotency_key=key,
        note=(note or "").strip()[:300],
    )
    try:
        with transaction.atomic():
            payment.save(force_insert=True)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer with its payment.
        existing = Payment.objects.for_business(business).filter(idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return _repeat_of(existing, amount=amount, method=method, appointment=appointment, tip_amount=tip_amount)
    payment.is_repeat = False
    security_event_record(
        event_type="payment.taken", actor=actor, target=payment, branch=branch, after=payment_snapshot(payment)
    )
    webhook_event_emit(business, "payment.taken", {"id": payment.pk, **payment_snapshot(payment)})
    return payment


@transaction.atomic
def refund_issue(
    *,
    actor,
    payment: Payment,
    amount,
    reason: str,
    method: str | None = None,
    idempotency_key: str = "",
    allowance: Allowance | None = None,
) -> Refund:
    """Refund all or part of a payment, with a reason. The payment row's lock keeps refunds within it.
    `allowance`: the money goes back for that allowance (reports count it there, not as a return)."""
    require(actor, Perm.PAYMENTS_PROCESS, branch=payment.branch, obj=payment)
    require(actor, Perm.PAYMENTS_REFUND, branch=payment.branch)
    business = actor.business
    amount = _money(business, amount, "amount")
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the money is refunded."))
    method = method or payment.method
    if method not in PaymentMethod.values:
        raise field_error("method", _("Choose a payment method."))
    key = _key(idempotency_key)
    payment = Payment.objects.for_business(business).select_for_update().get(pk=payment.pk)
    if key:
        existing = Refund.objects.for_business(business).filter(idempotency_key=key).first()
        if existing is not None:
            if existing.payment_id != payment.pk or existing.amount != amount:
                raise Conflict(_("This idempotency key was used for a different refund."))
            existing.is_repeat = True
            return existing
    if amount > payment.amount - payment.refunded_amount:
        raise field_error(
            "amount",
            _("At most %(amount)s of this payment can be refunded.")
            % {"amount": payment.amount - payment.refunded_amount},
        )
    before = payment_snapshot(payment)
    refund = Refund.objects.create(
        business=business,
        payment=payment,
        branch=payment.branch,
        amount=amount,
        method=method,
        reason=reason[:300],
        processed_by=actor,
        processed_at=timezone.now(),
        idempotency_key=key,
        allowance=allowance,
    )
    payment.refunded_amount += amount
    payment.save(update_fields=["refunded_amount"])
    refund.is_repeat = False
    security_event_record(
        event_type="payment.refunded",
        actor=actor,
        target=payment,
        branch=payment.branch,
        before=before,
        after={**payment_snapshot(payment), "refund_id": refund.pk, "refund_amount": amount, "reason": refund.reason},
    )
    webhook_event_emit(
        actor.business, "payment.refunded", {"id": payment.pk, **payment_snapshot(payment), "refund_amount": amount}
    )
    return refund


# --- allowances --------------------------------------------------------------------------------------


def allowance_snapshot(allowance: Allowance) -> dict:
    return {
        "amount": allowance.amount,
        "currency": allowance.currency,
        "reason": allowance.reason,
        "appointment_id": allowance.appointment_id,
        "client_id": allowance.client_id,
        "branch_id": allowance.branch_id,
    }


def allowance_pay_back(*, actor, allowance: Allowance, payments, excess: Decimal, method: str | None) -> Decimal:
    """Pay back what was paid beyond the new price, from the given payments (newest first), as refunds that
    belong to the allowance. Returns what was paid back."""
    paid_back = Decimal(0)
    for payment in payments:
        part = min(excess - paid_back, payment.amount - payment.refunded_amount)
        if part <= 0:
            continue
        refund_issue(
            actor=actor,
            payment=payment,
            amount=part,
            reason=_("Allowance: %(reason)s") % {"reason": allowance.reason},
            method=method,
            allowance=allowance,
        )
        paid_back += part
        if paid_back >= excess:
            break
    return paid_back


@transaction.atomic
def allowance_grant(
    *,
    actor,
    amount,
    reason: str,
    appointment=None,
    client=None,
    branch=None,
    grantable: Decimal | None = None,
    document=None,
    refund_method: str | None = None,
    idempotency_key: str = "",
) -> Allowance:
    """Grant a price reduction after the sale, without a return (compensation for a defect), with a reason.

    On a visit: the visit is locked, it must have been sold (the client came), the allowance is at most what the
    visit still sells for (its total less earlier allowances and returns), and whatever was paid beyond the new
    price is paid back at once from its payments, newest first (that needs the refund right too). Another
    document (an order) locks itself, passes `grantable` (what it still sells for) and `document` (the event's
    object), links the allowance and pays back itself. One `allowance.granted` security event either way."""
    business = actor.business
    if appointment is not None:
        branch = branch or appointment.branch
        client = client or appointment.client
    require(actor, Perm.PAYMENTS_GRANT_ALLOWANCE, branch=branch, obj=appointment or document)
    for obj, field in ((client, "client_id"), (branch, "branch_id")):
        if obj is not None and obj.business_id != business.pk:
            raise field_error(field, _("Choose a valid option of this business."))
    errors = {}
    try:
        amount = _money(business, amount, "amount")
    except ValidationFailed as error:
        errors.update(error.errors)
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why the price is reduced.")]
    if refund_method is not None and refund_method not in PaymentMethod.values:
        errors["refund_method"] = [_("Choose a payment method.")]
    if errors:
        raise ValidationFailed(errors=errors)
    key = _key(idempotency_key)
    if appointment is not None:
        from staffroom.scheduling.choices import SOLD_STATUSES
        from staffroom.scheduling.models import Appointment

        appointment = Appointment.objects.for_business(business).select_for_update().get(pk=appointment.pk)
    if key:
        existing = Allowance.objects.for_business(business).filter(idempotency_key=key).first()
        if existing is not None:
            same = existing.amount == amount and existing.appointment_id == (
                appointment.pk if appointment is not None else None
            )
            if not same:
                raise Conflict(_("This idempotency key was used for a different allowance."))
            existing.is_repeat = True
            return existing
    if appointment is not None:
        if appointment.status not in SOLD_STATUSES:
            raise Conflict(_("An allowance is granted on a visit that took place."))
        grantable = (
            appointment.total - appointment_allowance_amount(appointment) - appointment_returned_amount(appointment)
        )
    if grantable is not None and amount > grantable:
        raise field_error(
            "amount", _("At most %(amount)s can be granted on this sale.") % {"amount": max(grantable, Decimal(0))}
        )
    allowance = Allowance.objects.create(
        business=business,
        appointment=appointment,
        branch=branch,
        client=client,
        amount=amount,
        currency=business.currency,
        reason=reason[:300],
        granted_by=actor,
        granted_at=timezone.now(),
        idempotency_key=key,
    )
    paid_back = Decimal(0)
    if appointment is not None:
        # What the visit now costs: its total less every allowance and return; paid beyond that goes back.
        excess = appointment_paid_amount(appointment) - (grantable - amount)
        if excess > 0:
            payments = (
                Payment.objects.for_business(business).filter(appointment=appointment).order_by("-processed_at", "-id")
            )
            paid_back = allowance_pay_back(
                actor=actor, allowance=allowance, payments=payments, excess=excess, method=refund_method
            )
    allowance.is_repeat = False
    allowance.paid_back = paid_back
    target = document if document is not None else (appointment if appointment is not None else allowance)
    security_event_record(
        event_type="allowance.granted",
        actor=actor,
        target=target,
        branch=branch,
        after={**allowance_snapshot(allowance), "allowance_id": allowance.pk, "paid_back": paid_back},
    )
    return allowance
