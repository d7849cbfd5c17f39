"""Every change to subscriptions, the seat ledger, invoices and savings: one transaction each, with its event."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, Q, Value, When
from django.db.models.functions import Cast, Concat, LPad
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.core.errors import Conflict, field_error
from staffroom.security.services import security_event_record, security_events_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require
from staffroom.staff.selectors import billable_employee_count

from . import calculations, notifications
from .models import (
    INVOICE_CAUSE_PREFIX,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    LedgerEventKind,
    NoticeKind,
    Plan,
    RealizedSaving,
    SavingKind,
    SeatLedgerEvent,
    Subscription,
    SubscriptionStatus,
)
from .selectors import preview_from_effect

# Renewal invoices are issued this many days before the paid-until date.
RENEWAL_NOTICE_DAYS = 7
STALE_PREVIEW_MESSAGE = gettext_lazy("The price changed meanwhile: review the change again.")


def business_today(business) -> datetime.date:
    """Effective dates are the business's local calendar dates."""
    return calculations.local_date(timezone.now(), business.time_zone)


def subscription_for_update(business) -> Subscription | None:
    """Serializes every seat and billing change of one business (row lock on its subscription)."""
    return (
        Subscription.objects.for_business(business)
        .select_for_update(of=("self",))
        .select_related("plan", "next_plan", "business")
        .first()
    )


def current_plan_version(code: str, on: datetime.date | None = None) -> Plan | None:
    """The newest version of a plan in force on a date (a term starting then takes it); without a date, the newest.

    A revision announced ahead (`effective_from`) applies only to terms that start on or after that date.
    """
    versions = Plan.objects.filter(code=code).order_by("-version")
    if on is not None:
        versions = versions.filter(Q(effective_from__isnull=True) | Q(effective_from__lte=on))
    return versions.first()


def renewal_plan_for(subscription: Subscription) -> Plan:
    """The plan version the next term (starting at the exclusive end of the paid value) is billed at."""
    return current_plan_version(subscription.renewal_plan.code, on=subscription.paid_until) or subscription.renewal_plan


def _label(actor) -> str:
    return str(actor)[:200] if actor is not None else ""


# --- the one function behind preview and apply ---------------------------------------------------------


def seat_effect(subscription: Subscription, *, billable_after: int, effective: datetime.date):
    """What moving from the recorded billable count to `billable_after` does; previews and changes both call it."""
    plan = subscription.plan
    renewal_plan = renewal_plan_for(subscription)
    months = subscription.renewal_months
    return calculations.seat_change_effect(
        state=subscription.ledger_state,
        terms=plan.price_terms,
        renewal_terms=renewal_plan.price_terms,
        renewal_months=months,
        renewal_discount_percent=renewal_plan.discount_for(months),
        billable_before=subscription.billable_count,
        billable_after=billable_after,
        effective=effective,
        trial_until=subscription.paid_until if subscription.ledger_state is None else None,
        removal_extends_term=plan.seat_removal_extends_term,
    )


def _append_event(
    subscription: Subscription,
    *,
    kind: str,
    effective: datetime.date,
    billable_before: int,
    billable_after: int,
    paid_until_before: datetime.date | None,
    cause: str,
    actor=None,
    actor_label: str = "",
    employee=None,
) -> SeatLedgerEvent:
    """Append one ledger event and store its outcome on the subscription (the only writer of those fields)."""
    terms = subscription.plan.price_terms
    subscription.ledger_version += 1
    subscription.billable_count = billable_after
    subscription.save()
    return SeatLedgerEvent.objects.create(
        business=subscription.business,
        subscription=subscription,
        version=subscription.ledger_version,
        kind=kind,
        effective_date=effective,
        billable_before=billable_before,
        billable_after=billable_after,
        paid_seats_before=terms.paid_seats(billable_before),
        paid_seats_after=terms.paid_seats(billable_after),
        monthly_price_before=terms.monthly_price(billable_before),
        monthly_price_after=terms.monthly_price(billable_after),
        paid_until_before=paid_until_before,
        paid_until_after=subscription.paid_until,
        value_after=subscription.ledger_value,
        employee=employee,
        employee_label=str(employee)[:200] if employee is not None else "",
        cause=cause[:64],
        actor_label=actor_label or _label(actor),
    )


# --- seats -------------------------------------------------------------------------------------------


def seats_sync(*, actor, business, cause: str, employee=None, expected_seat_version: int | None = None) -> None:
    """The staff hook: recount billable employees under the business's lock and record a change of the count.

    Runs inside the staff change's transaction, so the change and its ledger event commit or vanish together.
    """
    subscription = subscription_for_update(business)
    today = business_today(business)
    pinned_day = getattr(expected_seat_version, "as_of", None)
    if subscription is None:
        if expected_seat_version not in (None, 0) or (pinned_day is not None and pinned_day != today):
            raise Conflict(STALE_PREVIEW_MESSAGE, extra={"code": "stale_preview"})
        return
    billable_after = billable_employee_count(business)
    if expected_seat_version is not None and (
        int(expected_seat_version) != subscription.ledger_version or (pinned_day is not None and pinned_day != today)
    ):
        # The change is written already (this runs after it, in its transaction): the fresh preview is its effect
        # now. The Conflict rolls the change back.
        effect = seat_effect(subscription, billable_after=billable_after, effective=today)
        fresh = preview_from_effect(subscription, effect, as_of=today)
        raise Conflict(STALE_PREVIEW_MESSAGE, extra={"code": "stale_preview", "preview": _json_ready(fresh)})
    if billable_after == subscription.billable_count:
        return
    _record_seat_change(subscription, billable_after=billable_after, cause=cause, actor=actor, employee=employee)


def _json_ready(values: dict) -> dict:
    return {
        key: value.isoformat()
        if isinstance(value, datetime.date)
        else str(value)
        if isinstance(value, Decimal)
        else value
        for key, value in values.items()
    }


def _record_seat_change(subscription: Subscription, *, billable_after: int, cause: str, actor=None, employee=None):
    effective = business_today(subscription.business)
    effect = seat_effect(subscription, billable_after=billable_after, effective=effective)
    billable_before = subscription.billable_count
    paid_until_before = subscription.paid_until
    if effect.state_after is not None:
        subscription.store_ledger_state(effect.state_after)
    event = _append_event(
        subscription,
        kind=LedgerEventKind.SEATS_CHANGED,
        effective=effective,
        billable_before=billable_before,
        billable_after=billable_after,
        paid_until_before=paid_until_before,
        cause=cause,
        actor=actor,
        employee=employee,
    )
    security_event_record(
        event_type="billing.seats_changed",
        business=subscription.business,
        actor=actor,
        target=subscription,
        before={
            "billable": billable_before,
            "monthly_price": str(effect.monthly_price_before),
            "paid_until": paid_until_before,
        },
        after={
            "billable": billable_after,
            "monthly_price": str(effect.monthly_price_after),
            "paid_until": subscription.paid_until,
            "cause": cause,
            "employee": event.employee_label,
        },
    )
    saving_kind = SAVING_CAUSES.get(cause)
    if saving_kind is not None and effect.monthly_price_after < effect.monthly_price_before:
        saving_record(
            business=subscription.business,
            employee=employee,
            monthly_saving=effect.monthly_price_before - effect.monthly_price_after,
            actor=actor,
            kind=saving_kind,
            subscription=subscription,
        )
    return event


def seats_recount(*, business, actor_label: str = "") -> SeatLedgerEvent | None:
    """Bring the recorded count in line with the employees (operator console, repairs)."""
    with transaction.atomic():
        subscription = subscription_for_update(business)
        if subscription is None:
            return None
        billable_after = billable_employee_count(business)
        if billable_after == subscription.billable_count:
            return None
        return _record_seat_change(subscription, billable_after=billable_after, cause="recount")


# --- subscriptions -----------------------------------------------------------------------------------


@transaction.atomic
def subscription_start_trial(
    *, business, plan: Plan, term_months: int = 1, today: datetime.date | None = None, actor=None, actor_label=""
) -> Subscription:
    """Open the business's subscription on a plan's trial (operator console, onboarding, demo)."""
    if Subscription.objects.for_business(business).exists():
        raise Conflict(_("This business has a subscription already."))
    if term_months not in calculations.TERM_MONTHS:
        raise field_error("term_months", _("Choose a term of 1, 3, 6 or 12 months."))
    today = today or business_today(business)
    billable = billable_employee_count(business)
    subscription = Subscription.objects.create(
        business=business,
        plan=plan,
        term_months=term_months,
        status=SubscriptionStatus.TRIAL,
        term_start=today,
        paid_until=today + datetime.timedelta(days=plan.trial_days),
        billable_count=billable,
    )
    _append_event(
        subscription,
        kind=LedgerEventKind.TRIAL_STARTED,
        effective=today,
        billable_before=billable,
        billable_after=billable,
        paid_until_before=None,
        cause="subscription.trial_started",
        actor=actor,
        actor_label=actor_label,
    )
    security_event_record(
        event_type="billing.subscription_started",
        business=business,
        actor=actor,
        target=subscription,
        after={"plan": str(plan), "status": subscription.status, "paid_until": subscription.paid_until},
    )
    return subscription


@transaction.atomic
def subscription_change_next_term(*, actor, plan: Plan | None = None, term_months: int | None = None) -> Subscription:
    """The owner picks another plan or term; it applies from the next term (renewal)."""
    require(actor, Perm.BILLING_MANAGE)
    subscription = subscription_for_update(actor.business)
    if subscription is None:
        raise Conflict(_("This business has no subscription."))
    if term_months is not None and term_months not in calculations.TERM_MONTHS:
        raise field_error("term_months", _("Choose a term of 1, 3, 6 or 12 months."))
    if plan is not None and (not plan.is_offered or plan.currency != subscription.plan.currency):
        raise field_error("plan", _("Choose a plan that is offered in your currency."))
    before = {"next_plan": str(subscription.renewal_plan), "next_term_months": subscription.renewal_months}
    plan_before, months_before = renewal_plan_for(subscription), subscription.renewal_months
    if plan is not None:
        subscription.next_plan = plan
    if term_months is not None:
        subscription.next_term_months = term_months
    subscription.save(update_fields=["next_plan", "next_term_months", "updated_at"])
    # An issued, unpaid renewal invoice for the next term no longer matches: void it so the next run reissues.
    Invoice.objects.for_business(actor.business).filter(
        subscription=subscription, kind=InvoiceKind.RENEWAL, status=InvoiceStatus.ISSUED
    ).update(status=InvoiceStatus.VOID)
    security_event_record(
        event_type="billing.next_term_changed",
        actor=actor,
        target=subscription,
        before=before,
        after={"next_plan": str(subscription.renewal_plan), "next_term_months": subscription.renewal_months},
    )
    _record_next_term_savings(subscription, plan_before=plan_before, months_before=months_before, actor=actor)
    return subscription


def _record_next_term_savings(subscription: Subscription, *, plan_before: Plan, months_before: int, actor) -> None:
    """A longer term and a cheaper plan each lower the renewal's monthly cost: the savings center records each."""
    billable = subscription.billable_count
    plan_after, months_after = renewal_plan_for(subscription), subscription.renewal_months
    longer = calculations.term_saving(
        terms=plan_before.price_terms,
        billable=billable,
        months_before=months_before,
        discount_before=plan_before.discount_for(months_before),
        months_after=months_after,
        discount_after=plan_before.discount_for(months_after),
    )
    if months_after > months_before and longer > 0:
        saving_record(
            business=subscription.business,
            employee=None,
            monthly_saving=longer,
            actor=actor,
            kind=SavingKind.LONGER_TERM,
            subscription=subscription,
        )
    cheaper = calculations.term_saving(
        terms=plan_before.price_terms,
        billable=billable,
        months_before=months_after,
        discount_before=plan_before.discount_for(months_after),
        months_after=months_after,
        discount_after=plan_after.discount_for(months_after),
        terms_after=plan_after.price_terms,
    )
    if plan_after.code != plan_before.code and cheaper > 0:
        saving_record(
            business=subscription.business,
            employee=None,
            monthly_saving=cheaper,
            actor=actor,
            kind=SavingKind.CHEAPER_PLAN,
            subscription=subscription,
        )


@transaction.atomic
def subscription_billing_details_change(*, actor, legal_name: str, details: str) -> Subscription:
    """The legal name and details (address, tax number) printed as the customer on new invoices."""
    require(actor, Perm.BILLING_MANAGE)
    subscription = subscription_for_update(actor.business)
    if subscription is None:
        raise Conflict(_("This business has no subscription."))
    legal_name, details = legal_name.strip(), details.strip()
    if len(legal_name) > 200:
        raise field_error("customer_legal_name", _("Use at most 200 characters."))
    if len(details) > 1000:
        raise field_error("customer_details", _("Use at most 1000 characters."))
    before = {"legal_name": subscription.customer_legal_name, "details": subscription.customer_details}
    subscription.customer_legal_name, subscription.customer_details = legal_name, details
    subscription.save(update_fields=["customer_legal_name", "customer_details", "updated_at"])
    security_event_record(
        event_type="billing.details_changed",
        actor=actor,
        target=subscription,
        before=before,
        after={"legal_name": legal_name, "details": details},
    )
    return subscription


# --- invoices ----------------------------------------------------------------------------------------


INVOICE_NUMBER_PREFIX = "SR"
INVOICE_NUMBER_DIGITS = 7


def invoice_number(invoice: Invoice) -> str:
    """Numbered per platform from the row id: unique under concurrent workers without a shared counter row."""
    return f"{INVOICE_NUMBER_PREFIX}-{invoice.issued_on.year}-{invoice.pk:0{INVOICE_NUMBER_DIGITS}d}"


def _assign_number(invoice: Invoice) -> None:
    invoice.number = invoice_number(invoice)
    invoice.save(update_fields=["number"])


def invoice_issue(
    *,
    subscription: Subscription,
    kind: str,
    term_start: datetime.date,
    plan: Plan,
    months: int,
    today: datetime.date,
    known_absent: bool = False,
) -> tuple[Invoice, bool]:
    """Issue the invoice for a term, or return the one that exists: one per subscription and term start.

    `known_absent`: the caller holds the subscription lock and has just looked; the unique key still decides.
    """
    existing = (
        None
        if known_absent
        else Invoice.objects.for_business(subscription.business_id)
        .filter(subscription=subscription, term_start=term_start)
        .exclude(status=InvoiceStatus.VOID)
        .first()
    )
    if existing is not None:
        return existing, False
    quote = calculations.invoice_quote(
        terms=plan.price_terms,
        billable=subscription.billable_count,
        months=months,
        discount_percent=plan.discount_for(months),
    )
    try:
        # Under the caller's lock a clash cannot happen short of a bug; there the whole batch rolls back instead
        # of paying a savepoint per invoice.
        with transaction.atomic(savepoint=not known_absent):
            invoice = Invoice.objects.create(
                business_id=subscription.business_id,
                subscription=subscription,
                kind=kind,
                plan=plan,
                term_start=term_start,
                term_end=calculations.term_end(term_start, months, subscription.anchor_day),
                term_months=months,
                billable_count=subscription.billable_count,
                paid_seats=quote.paid_seats,
                base_price=plan.base_price,
                seat_price=plan.seat_price,
                discount_percent=plan.discount_for(months),
                base_line=quote.base_line,
                seats_line=quote.seats_line,
                total=quote.total,
                currency=plan.currency,
                issued_on=today,
            )
            _assign_number(invoice)
    except IntegrityError:
        if known_absent:
            raise
        # Another worker issued it first: the unique key decided, we return theirs.
        return (
            Invoice.objects.for_business(subscription.business_id)
            .exclude(status=InvoiceStatus.VOID)
            .get(subscription=subscription, term_start=term_start),
            False,
        )
    security_event_record(
        event_type="billing.invoice_issued",
        business=subscription.business,
        target=invoice,
        after={"number": invoice.number, "total": str(invoice.total), "term_start": term_start, "months": months},
    )
    notifications.notice_record(subscription, kind=NoticeKind.INVOICE_ISSUED, key=invoice.number, invoice=invoice)
    return invoice, True


@transaction.atomic
def subscription_purchase(*, actor, months: int, plan: Plan | None = None) -> Invoice:
    """The owner buys a term (after or during the trial, or to come back from read-only): a purchase invoice."""
    require(actor, Perm.BILLING_MANAGE)
    subscription = subscription_for_update(actor.business)
    if subscription is None:
        raise Conflict(_("This business has no subscription."))
    if months not in calculations.TERM_MONTHS:
        raise field_error("months", _("Choose a term of 1, 3, 6 or 12 months."))
    if subscription.status == SubscriptionStatus.ACTIVE:
        raise Conflict(_("The subscription is paid; change the plan or term for the next term instead."))
    today = business_today(actor.business)
    if subscription.status == SubscriptionStatus.TRIAL:
        start = max(today, subscription.paid_until)  # the trial runs out first
    elif subscription.status == SubscriptionStatus.GRACE and subscription.ledger_state is not None:
        start = subscription.paid_until  # grace days were used: the new term continues the old one
    else:
        start = today
    plan = plan or current_plan_version(subscription.plan.code, on=start) or subscription.plan
    # The purchase replaces any unpaid renewal invoice.
    Invoice.objects.for_business(actor.business).filter(
        subscription=subscription, kind=InvoiceKind.RENEWAL, status=InvoiceStatus.ISSUED
    ).update(status=InvoiceStatus.VOID)
    invoice, _created = invoice_issue(
        subscription=subscription, kind=InvoiceKind.PURCHASE, term_start=start, plan=plan, months=months, today=today
    )
    return invoice


def _open_term(subscription: Subscription, invoice: Invoice, *, start: datetime.date, actor_label: str) -> None:
    """Restate the prepaid value for the invoice's term: W = days(start, end) · M(p) at the invoiced count.

    The end comes from the subscription's stored anchor day, never from chaining the previous term's end.
    """
    anchor_day = calculations.anchor_day_for(start, subscription.anchor_day)
    end = calculations.add_months_anchored(start, invoice.term_months, anchor_day)
    subscription.anchor_day = anchor_day
    plan = invoice.plan
    paid_until_before = subscription.paid_until
    subscription.plan = plan
    subscription.term_months = invoice.term_months
    if subscription.next_plan_id == plan.pk or (subscription.next_plan and subscription.next_plan.code == plan.code):
        subscription.next_plan = None
    if subscription.next_term_months == invoice.term_months:
        subscription.next_term_months = None
    subscription.term_start = start
    subscription.status = SubscriptionStatus.ACTIVE
    state = calculations.ledger_open(
        start=start, end=end, monthly_price=plan.price_terms.monthly_price(invoice.billable_count)
    )
    subscription.store_ledger_state(state)
    billable_now = subscription.billable_count
    subscription.billable_count = invoice.billable_count
    _append_event(
        subscription,
        kind=LedgerEventKind.PURCHASED if invoice.kind == InvoiceKind.PURCHASE else LedgerEventKind.RENEWED,
        effective=start,
        billable_before=billable_now,
        billable_after=invoice.billable_count,
        paid_until_before=paid_until_before,
        cause=f"{INVOICE_CAUSE_PREFIX}{invoice.number}",
        actor_label=actor_label,
    )
    invoice.is_applied = True
    invoice.save(update_fields=["is_applied", "updated_at"])
    security_event_record(
        event_type="billing.term_opened",
        business=subscription.business,
        target=subscription,
        before={"paid_until": paid_until_before},
        after={
            "plan": str(plan),
            "term_start": start,
            "paid_until": subscription.paid_until,
            "invoice": invoice.number,
        },
    )
    if billable_now != invoice.billable_count:
        # Employees changed since the invoice was issued: the new term runs at today's count from its start.
        _record_seat_change(subscription, billable_after=billable_now, cause="count at term start")


def _apply_paid_renewal_if_due(
    subscription: Subscription, today: datetime.date, actor_label: str, invoice: Invoice | None = None
) -> bool:
    """Open the term of the earliest paid, unapplied invoice once it is due (`invoice`: the caller looked it up)."""
    if subscription.paid_until > today and subscription.status not in (
        SubscriptionStatus.TRIAL,
        SubscriptionStatus.READ_ONLY,
    ):
        return False
    if invoice is None:
        invoice = (
            Invoice.objects.for_business(subscription.business_id)
            .filter(subscription=subscription, status=InvoiceStatus.PAID, is_applied=False)
            .order_by("term_start")
            .first()
        )
    if invoice is None:
        return False
    if subscription.status == SubscriptionStatus.READ_ONLY:
        start = today  # access was closed: the new term starts when it is paid
    elif subscription.ledger_state is None:
        start = max(invoice.term_start, today)  # the first paid term starts when the trial ends or at payment
    else:
        start = subscription.paid_until  # the old value ran out here; the new term continues from it
    if start > today:
        return False
    _open_term(subscription, invoice, start=start, actor_label=actor_label)
    return True


@dataclass(frozen=True)
class PaymentRecorded:
    invoice: Invoice
    applied: bool


class PaymentGateway(Protocol):
    """How an invoice gets paid. A card gateway adapter implements this; none is wired yet."""

    method: str

    def confirm(self, *, invoice: Invoice, reference: str) -> str:
        """Check the payment with the provider and return the reference to store (raise an ApplicationError if not)."""
        ...


class BankTransferGateway:
    """Payments confirmed by the operator against the bank statement."""

    method = "bank_transfer"

    def confirm(self, *, invoice: Invoice, reference: str) -> str:
        if not reference.strip():
            raise field_error("reference", _("Enter the bank transfer reference."))
        return reference.strip()


@transaction.atomic
def invoice_mark_paid(
    *,
    invoice: Invoice,
    operator_label: str,
    reference: str,
    gateway: PaymentGateway | None = None,
    today: datetime.date | None = None,
) -> PaymentRecorded:
    """The operator marks an invoice paid (bank transfer); the term opens now or when the current one runs out."""
    gateway = gateway or BankTransferGateway()
    subscription = subscription_for_update(invoice.business)
    invoice = Invoice.objects.for_business(invoice.business_id).select_for_update().get(pk=invoice.pk)
    if invoice.status == InvoiceStatus.PAID:
        return PaymentRecorded(invoice, False)
    if invoice.status == InvoiceStatus.VOID:
        raise Conflict(_("This invoice is void."))
    invoice.payment_reference = gateway.confirm(invoice=invoice, reference=reference)
    invoice.payment_method = gateway.method
    invoice.status = InvoiceStatus.PAID
    invoice.paid_at = timezone.now()
    invoice.paid_by_label = operator_label[:200]
    invoice.save()
    security_event_record(
        event_type="billing.invoice_paid",
        business=invoice.business,
        target=invoice,
        target_label=invoice.number,
        after={"total": str(invoice.total), "method": invoice.payment_method, "by": operator_label},
    )
    notifications.notice_record(subscription, kind=NoticeKind.PAYMENT_RECEIVED, key=invoice.number, invoice=invoice)
    today = today or business_today(invoice.business)
    applied = _apply_paid_renewal_if_due(subscription, today, operator_label)
    return PaymentRecorded(invoice, applied)


# --- the daily run -----------------------------------------------------------------------------------


@dataclass
class RunReport:
    invoices_issued: int = 0
    terms_opened: int = 0
    moved_to_grace: int = 0
    moved_to_read_only: int = 0
    subscriptions_due: int = 0
    subscriptions_done: int = 0
    batches_done: int = 0


@dataclass
class _BatchWrites:
    """What one batch of the run writes, collected in the order single changes would write it."""

    events: list[dict] = field(default_factory=list)  # security events, in order (each business's chain order)
    notices: list[dict] = field(default_factory=list)
    invoices: list[tuple[Invoice, Subscription]] = field(default_factory=list)
    voided: list[int] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)  # final status -> subscription ids


def _status_change(writes: _BatchWrites, subscription: Subscription, status: str, reason: str) -> None:
    """Move a subscription to grace or read-only: its event and notice, written with the batch."""
    before = subscription.status
    subscription.status = status
    writes.events.append(
        {
            "event_type": "billing.status_changed",
            "business": subscription.business_id,
            "target": subscription,
            "before": {"status": before},
            "after": {"status": status, "reason": reason},
        }
    )
    kind = {SubscriptionStatus.GRACE: NoticeKind.GRACE_STARTED, SubscriptionStatus.READ_ONLY: NoticeKind.READ_ONLY}
    writes.notices.append(
        {"subscription": subscription, "kind": kind[status], "key": subscription.paid_until.isoformat()}
    )


def _renewal_invoice(subscription: Subscription, plan: Plan, run_date: datetime.date) -> Invoice:
    """The renewal invoice for the term starting at the paid-until date (saved, then numbered, with its batch)."""
    months = subscription.renewal_months
    quote = calculations.invoice_quote(
        terms=plan.price_terms,
        billable=subscription.billable_count,
        months=months,
        discount_percent=plan.discount_for(months),
    )
    return Invoice(
        business_id=subscription.business_id,
        subscription=subscription,
        kind=InvoiceKind.RENEWAL,
        plan=plan,
        term_start=subscription.paid_until,
        term_end=calculations.term_end(subscription.paid_until, months, subscription.anchor_day),
        term_months=months,
        billable_count=subscription.billable_count,
        paid_seats=quote.paid_seats,
        base_price=plan.base_price,
        seat_price=plan.seat_price,
        discount_percent=plan.discount_for(months),
        base_line=quote.base_line,
        seats_line=quote.seats_line,
        total=quote.total,
        currency=plan.currency,
        issued_on=run_date,
    )


def _invoice_number_expression(year: int):
    """`invoice_number` in SQL, for numbering a batch of invoices with one UPDATE."""
    digits = Cast("id", output_field=CharField())
    return Concat(
        Value(f"{INVOICE_NUMBER_PREFIX}-{year}-"),
        Case(
            When(id__lt=10**INVOICE_NUMBER_DIGITS, then=LPad(digits, INVOICE_NUMBER_DIGITS, Value("0"))), default=digits
        ),
        output_field=CharField(),
    )


def _issue_invoices(writes: _BatchWrites, run_date: datetime.date) -> None:
    """Insert the batch's invoices at once and number them with one UPDATE; then their events and notices.

    Every subscription is locked and was checked for an invoice of the same term start, so the unique key
    (one invoice per subscription and term start) never fires short of a bug, and the batch rolls back if it does.
    """
    invoices = [invoice for invoice, _subscription in writes.invoices]
    Invoice.objects.bulk_create(invoices, batch_size=1000)
    if any(invoice.pk is None for invoice in invoices):  # a backend that does not return ids from bulk inserts
        raise RuntimeError("bulk_create returned no invoice ids")
    Invoice.objects.unscoped().filter(pk__in=[invoice.pk for invoice in invoices]).update(
        number=_invoice_number_expression(run_date.year)
    )
    for invoice in invoices:
        invoice.number = invoice_number(invoice)


def _batch_events(writes: _BatchWrites) -> None:
    """Invoice events and notices reference their numbers, known only now: fill them in, in order."""
    for event in writes.events:
        invoice = event.pop("invoice", None)
        if invoice is not None:
            event["after"]["number"] = invoice.number
    for notice in writes.notices:
        invoice = notice.get("invoice")
        if invoice is not None:
            notice["key"] = invoice.number


def _run_subscription(
    subscription: Subscription,
    *,
    run_date: datetime.date,
    open_invoices: list[dict],
    report: RunReport,
    plans: dict,
    writes: _BatchWrites,
) -> None:
    """One locked subscription's due work for a date: the decisions of the run; the writes go with the batch."""
    reminder_from = subscription.paid_until - datetime.timedelta(days=settings.BILLING_RENEWAL_REMINDER_DAYS)
    if subscription.status == SubscriptionStatus.ACTIVE and reminder_from <= run_date < subscription.paid_until:
        writes.notices.append(
            {
                "subscription": subscription,
                "kind": NoticeKind.RENEWAL_COMING,
                "key": subscription.paid_until.isoformat(),
            }
        )
    if subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.GRACE):
        notice_from = subscription.paid_until - datetime.timedelta(days=RENEWAL_NOTICE_DAYS)
        if run_date >= notice_from:
            # An unpaid renewal for another start (the date moved with seats, or the next term changed) is void.
            outdated = [
                invoice["pk"]
                for invoice in open_invoices
                if invoice["kind"] == InvoiceKind.RENEWAL
                and invoice["status"] == InvoiceStatus.ISSUED
                and invoice["term_start"] != subscription.paid_until
            ]
            if outdated:
                writes.voided.extend(outdated)
                writes.events.append(
                    {
                        "event_type": "billing.invoice_voided",
                        "business": subscription.business_id,
                        "target": subscription,
                        "after": {"invoices": outdated, "reason": "the paid-until date or the next term changed"},
                    }
                )
            already_paid = any(invoice["status"] == InvoiceStatus.PAID for invoice in open_invoices)
            already_issued = any(
                invoice["pk"] not in outdated and invoice["term_start"] == subscription.paid_until
                for invoice in open_invoices
            )
            if not already_paid and not already_issued:
                # Versions in force depend on the term start; the lookup is cached per (code, start) for the run.
                cache_key = (subscription.renewal_plan.code, subscription.paid_until)
                if cache_key not in plans:
                    plans[cache_key] = renewal_plan_for(subscription)
                invoice = _renewal_invoice(subscription, plans[cache_key], run_date)
                writes.invoices.append((invoice, subscription))
                writes.events.append(
                    {
                        "event_type": "billing.invoice_issued",
                        "business": subscription.business_id,
                        "target": invoice,
                        "invoice": invoice,  # the number is filled in once the batch is numbered
                        "after": {
                            "number": None,
                            "total": str(invoice.total),
                            "term_start": invoice.term_start,
                            "months": invoice.term_months,
                        },
                    }
                )
                writes.notices.append(
                    {"subscription": subscription, "kind": NoticeKind.INVOICE_ISSUED, "key": "", "invoice": invoice}
                )
                report.invoices_issued += 1
    if subscription.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIAL) and run_date >= (
        subscription.paid_until
    ):
        _status_change(writes, subscription, SubscriptionStatus.GRACE, "unpaid at the paid-until date")
        report.moved_to_grace += 1
    if subscription.status == SubscriptionStatus.GRACE and run_date >= subscription.paid_until + datetime.timedelta(
        days=subscription.plan.grace_days
    ):
        _status_change(writes, subscription, SubscriptionStatus.READ_ONLY, "grace period over")
        report.moved_to_read_only += 1


def _run_batch(ids: list[int], run_date: datetime.date, report: RunReport, plans: dict) -> None:
    """One transaction: lock the batch's subscriptions (one query, id order), decide each, write all at once.

    A crash anywhere rolls the whole batch back; the rerun finds the batches committed before it done already.
    """
    with transaction.atomic():
        subscriptions = list(
            Subscription.objects.unscoped()
            .select_for_update(of=("self",))
            .select_related("plan", "next_plan")
            .filter(pk__in=ids)
            .exclude(status=SubscriptionStatus.READ_ONLY)
            .order_by("pk")
        )
        # Paid renewals whose term is due open first (rare: a payment marked while the term had not run out yet).
        paid = {}
        candidates = [
            subscription.pk
            for subscription in subscriptions
            if subscription.paid_until <= run_date or subscription.status == SubscriptionStatus.TRIAL
        ]
        if candidates:
            for invoice in (
                Invoice.objects.unscoped()
                .filter(subscription_id__in=candidates, status=InvoiceStatus.PAID, is_applied=False)
                .order_by("-term_start")
            ):
                paid[invoice.subscription_id] = invoice  # the earliest term start wins
        for subscription in subscriptions:
            if subscription.pk in paid and _apply_paid_renewal_if_due(
                subscription, run_date, "billing_run", invoice=paid[subscription.pk]
            ):
                report.terms_opened += 1
        open_invoices: dict[int, list[dict]] = {subscription.pk: [] for subscription in subscriptions}
        for invoice in (
            Invoice.objects.unscoped()
            .filter(subscription_id__in=list(open_invoices), is_applied=False)
            .exclude(status=InvoiceStatus.VOID)
            .values("pk", "subscription_id", "kind", "status", "term_start")
        ):
            open_invoices[invoice["subscription_id"]].append(invoice)
        writes = _BatchWrites()
        for subscription in subscriptions:
            status_before = subscription.status
            _run_subscription(
                subscription,
                run_date=run_date,
                open_invoices=open_invoices[subscription.pk],
                report=report,
                plans=plans,
                writes=writes,
            )
            if subscription.status != status_before:
                writes.statuses.setdefault(subscription.status, []).append(subscription.pk)
        if writes.voided:
            Invoice.objects.unscoped().filter(pk__in=writes.voided).update(
                status=InvoiceStatus.VOID, updated_at=timezone.now()
            )
        if writes.invoices:
            _issue_invoices(writes, run_date)
        for status, subscription_ids in writes.statuses.items():
            Subscription.objects.unscoped().filter(pk__in=subscription_ids).update(
                status=status, updated_at=timezone.now()
            )
        _batch_events(writes)
        security_events_record(writes.events)
        notifications.notices_record(writes.notices)


# Subscriptions per batch: one transaction, one locking SELECT, one INSERT per kind of row. Batches take the
# subscriptions in id order, so concurrent runs wait for each other instead of deadlocking.
RUN_BATCH_SIZE = 1000


def billing_run(
    *,
    run_date: datetime.date,
    time_zone: str | None = None,
    batch_size: int = RUN_BATCH_SIZE,
    progress: Callable[[RunReport], None] | None = None,
) -> RunReport:
    """Everything due on a date, for every business (or those in one time zone, on their local date); safe to
    repeat and to run in several workers at once, and resumable: each batch commits on its own.

    `progress` is called with the report after each committed batch (the operator's done/total).
    """
    report = RunReport()
    notice_horizon = run_date + datetime.timedelta(
        days=max(RENEWAL_NOTICE_DAYS, settings.BILLING_RENEWAL_REMINDER_DAYS)
    )
    due = Subscription.objects.unscoped().filter(paid_until__lte=notice_horizon)
    if time_zone is not None:
        due = due.filter(business__time_zone=time_zone)
    due = due.exclude(status=SubscriptionStatus.READ_ONLY)
    report.subscriptions_due = due.count()
    plans: dict[tuple[str, datetime.date], Plan] = {}  # the version in force per plan code and term start
    after = 0
    while True:
        ids = list(due.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
        _run_batch(ids, run_date, report, plans)
        after = ids[-1]
        report.subscriptions_done += len(ids)
        report.batches_done += 1
        if progress is not None:
            progress(report)
    return report


# --- savings -----------------------------------------------------------------------------------------


# Seat changes that lower the bill, by their cause: what the savings center calls them.
SAVING_CAUSES = {
    "employee.updated": SavingKind.MADE_FREE,
    "employee.role_changed": SavingKind.MADE_FREE,
    "role.permissions_changed": SavingKind.MADE_FREE,
    "employee.blocked": SavingKind.BLOCKED,
}


def saving_record(
    *, business, employee, monthly_saving, actor, kind: str = SavingKind.ADVISOR, subscription=None
) -> RealizedSaving | None:
    """Called inside the change that lowered the bill: the savings center's record of it."""
    subscription = subscription or Subscription.objects.for_business(business).first()
    if subscription is None or monthly_saving <= 0:
        return None
    saving = RealizedSaving.objects.create(
        business=business,
        subscription=subscription,
        kind=kind,
        employee=employee,
        employee_label=str(employee)[:200] if employee is not None else "",
        monthly_saving=monthly_saving,
        currency=subscription.plan.currency,
        actor_label=_label(actor),
    )
    security_event_record(
        event_type="billing.saving_realized",
        business=business,
        actor=actor,
        target=employee if employee is not None else subscription,
        after={"kind": kind, "monthly_saving": str(monthly_saving), "currency": saving.currency},
    )
    return saving


@transaction.atomic
def employee_make_free(*, actor, employee, role=None, expected_seat_version: int | None = None):
    """The advisor's one-click change: no services and a role without paid rights; the saving is recorded."""
    from staffroom.staff.selectors import employee_seat
    from staffroom.staff.services import employee_update

    require(actor, Perm.BILLING_MANAGE)
    # Not locked here (the staff change locks the employee, then the subscription, in that order); the preview's
    # seat version makes a change in between a conflict.
    subscription = Subscription.objects.for_business(actor.business).select_related("plan").first()
    if subscription is None:
        raise Conflict(_("This business has no subscription."))
    terms = subscription.plan.price_terms
    price_before = terms.monthly_price(subscription.billable_count)
    last_saving = RealizedSaving.objects.for_business(actor.business).order_by("-pk").first()
    last_saving_id = last_saving.pk if last_saving else 0
    changes = {"provides_services": False}
    if role is not None and not employee.is_designated_owner:
        changes["role"] = role
    employee = employee_update(actor=actor, employee=employee, expected_seat_version=expected_seat_version, **changes)
    if employee_seat(employee).is_billable:
        raise field_error(
            "role", _("This role has paid rights: choose a role that cannot book, sell or take payments.")
        )
    subscription.refresh_from_db()
    saving = price_before - terms.monthly_price(subscription.billable_count)
    if saving <= 0:
        raise Conflict(_("This employee is within the free seats: making them free saves nothing."))
    # The seat change recorded the saving as made free by hand; it was the advisor's advice.
    recorded = (
        RealizedSaving.objects.for_business(actor.business)
        .filter(subscription=subscription, employee=employee, kind=SavingKind.MADE_FREE, pk__gt=last_saving_id)
        .order_by("-pk")
        .first()
    )
    if recorded is None:
        return saving_record(business=actor.business, employee=employee, monthly_saving=saving, actor=actor)
    recorded.kind = SavingKind.ADVISOR
    recorded.save(update_fields=["kind"])
    return recorded


# --- plan price changes ----------------------------------------------------------------------------------


def plan_revision_announce(*, plan: Plan, operator_label: str, today: datetime.date | None = None) -> int:
    """Announce a new plan version to every business on the plan: one e-mail each, with its own effective date.

    The version applies to terms that start on or after `effective_from`, so a business's date is its first renewal
    on or after it — never before the end of the term it has paid. Returns how many businesses were told.
    """
    today = today or timezone.now().date()
    if plan.effective_from is None or plan.effective_from < today:
        raise field_error("effective_from", _("Announce a price change with an effective date from today on."))
    told = 0
    subscription_ids = (
        Subscription.objects.unscoped()
        .filter(Q(plan__code=plan.code, next_plan__isnull=True) | Q(next_plan__code=plan.code))
        .values_list("pk", "business_id")
        .order_by("pk")
    )
    for subscription_id, business_id in subscription_ids:
        with transaction.atomic():
            subscription = (
                Subscription.objects.for_business(business_id)
                .select_for_update(of=("self",))
                .select_related("plan", "next_plan", "business")
                .get(pk=subscription_id)
            )
            effective = notifications.first_term_start_on_or_after(subscription, plan.effective_from)
            notice = notifications.notice_record(
                subscription,
                kind=NoticeKind.PRICE_CHANGE,
                key=f"plan-{plan.pk}",
                plan=plan,
                effective_date=effective,
            )
            if notice is not None:
                told += 1
                security_event_record(
                    event_type="billing.price_change_announced",
                    business=subscription.business,
                    target=subscription,
                    after={"plan": str(plan), "effective": effective, "by": operator_label},
                )
    return told


# --- the operator console: the console's pages and the operator API call these ----------------------------------


def _plan_validated(plan: Plan) -> None:
    """SECURITY.md 38: every operator-entered plan is validated before it is saved (field errors, never a 5xx)."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    from staffroom.core.errors import ValidationFailed

    try:
        plan.full_clean()
    except DjangoValidationError as error:
        raise ValidationFailed(errors=error.message_dict) from error


@transaction.atomic
def plan_save_by_operator(*, plan: Plan, operator_label: str, revise: bool) -> int:
    """Save a new plan, or a revision of one as its next version: a plan is never edited in place.

    A revision is announced (it applies to each business from its first term starting on or after `effective_from`,
    never earlier than today); returns how many businesses were told (0 for a new plan).
    """
    from django.db.models import Max

    if revise:
        today = timezone.now().date()
        if plan.effective_from is None or plan.effective_from < today:
            plan.effective_from = today
        latest = Plan.objects.filter(code=plan.code).aggregate(latest=Max("version"))["latest"] or 0
        plan.pk = None
        plan._state.adding = True
        plan.version = latest + 1
    elif Plan.objects.filter(code=plan.code).exists():
        raise field_error("code", _("A plan with this code exists; revise it instead."))
    _plan_validated(plan)
    plan.save()
    security_event_record(
        event_type="billing.plan_revised" if revise else "billing.plan_created",
        target=plan,
        target_label=f"{plan.code} v{plan.version}",
        after={
            "operator": operator_label,
            "base_price": plan.base_price,
            "free_seats": plan.free_seats,
            "seat_price": plan.seat_price,
            "currency": plan.currency,
        },
    )
    if not revise:
        return 0
    return plan_revision_announce(plan=plan, operator_label=operator_label)


@transaction.atomic
def subscription_next_term_set_by_operator(
    *, subscription: Subscription, next_plan: Plan | None, next_term_months: int | None, operator_label: str
) -> Subscription:
    """The operator sets what applies from the business's next term (the current term stays as bought)."""
    locked = subscription_for_update(subscription.business)
    if next_term_months is not None and next_term_months not in calculations.TERM_MONTHS:
        raise field_error("next_term_months", _("Choose a term of 1, 3, 6 or 12 months."))
    if next_plan is not None and next_plan.currency != locked.plan.currency:
        raise field_error("next_plan", _("Choose a plan in the subscription's currency."))
    before = {"next_plan": str(locked.renewal_plan), "next_term_months": locked.renewal_months}
    locked.next_plan = next_plan
    locked.next_term_months = next_term_months
    locked.save(update_fields=["next_plan", "next_term_months", "updated_at"])
    security_event_record(
        event_type="billing.next_term_changed",
        business=locked.business,
        target=locked,
        before=before,
        after={
            "next_plan": str(locked.renewal_plan),
            "next_term_months": locked.renewal_months,
            "operator": operator_label,
        },
    )
    return locked


@transaction.atomic
def seats_recount_by_operator(*, subscriptions, operator_label: str) -> int:
    """Recount the billable employees of several subscriptions at once (a console bulk action), in business order;
    each business's log gets the recount with the operator. Returns how many counts changed."""
    changed = 0
    for subscription in sorted(subscriptions, key=lambda item: item.business_id):
        before = subscription.billable_count
        event = seats_recount(business=subscription.business, actor_label=operator_label)
        security_event_record(
            event_type="billing.seats_recounted",
            business=subscription.business,
            target=subscription,
            before={"billable": before},
            after={
                "billable": event.billable_after if event is not None else before,
                "changed": event is not None,
                "operator": operator_label,
            },
        )
        changed += event is not None
    return changed
