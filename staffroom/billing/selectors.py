"""Reads of subscriptions, ledger, invoices and the "will my price change?" preview, scoped to one business."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from staffroom.core.money import round_money
from staffroom.staff.calculations import classify_seat
from staffroom.staff.models import Employee, EmployeeStatus

from . import calculations
from .models import Invoice, Plan, RealizedSaving, SeatLedgerEvent, Subscription


def subscription_for_business(business) -> Subscription | None:
    return Subscription.objects.for_business(business).select_related("plan", "next_plan", "business").first()


def ledger_events(business) -> QuerySet[SeatLedgerEvent]:
    return SeatLedgerEvent.objects.for_business(business).order_by("-version")


def invoices_for_business(business) -> QuerySet[Invoice]:
    return Invoice.objects.for_business(business).select_related("plan")


def realized_savings(business) -> QuerySet[RealizedSaving]:
    return RealizedSaving.objects.for_business(business)


def proposed_billable_count(
    business,
    *,
    employee: Employee | None = None,
    is_new: bool = False,
    role=None,
    provides_services: bool | None = None,
    status: str | None = None,
    role_permissions=None,
) -> int:
    """The billable count if the proposed change were saved: classification over the proposed employee states.

    `employee` with `is_new` False: that employee as changed; `is_new`: one more employee with `role`;
    `role` with `role_permissions`: every holder of that role with the new permissions.
    """
    employees = Employee.objects.for_business(business).select_related("role", "business")
    changed_role_permissions = frozenset(role_permissions) if role_permissions is not None else None
    count = 0
    for current in employees:
        current_role = current.role
        permissions = current_role.effective_permissions
        is_active = current.status == EmployeeStatus.ACTIVE
        services = current.provides_services
        if employee is not None and not is_new and current.pk == employee.pk:
            if role is not None:
                current_role = role
                permissions = role.effective_permissions
            if provides_services is not None:
                services = provides_services
            if status is not None:
                is_active = status == EmployeeStatus.ACTIVE
        if changed_role_permissions is not None and role is not None and current_role.pk == role.pk:
            permissions = changed_role_permissions if not role.is_owner_role else permissions
        seat = classify_seat(
            is_active=is_active,
            provides_services=services,
            permissions=permissions,
            is_designated_owner=business.owner_id == current.pk,
        )
        count += seat.is_billable
    if is_new and role is not None:
        count += classify_seat(
            is_active=True,
            provides_services=bool(provides_services),
            permissions=role.effective_permissions,
            is_designated_owner=False,
        ).is_billable
    return count


PAID_THROUGH_REASONS = {
    "trial": gettext_lazy("During the trial the paid-through date does not depend on seats."),
    "unchanged": gettext_lazy("The monthly price stays the same, so the paid-through date does not move."),
    "shortens": gettext_lazy(
        "An extra paid seat uses up your prepaid balance faster, so the paid-through date moves earlier."
    ),
    "extends": gettext_lazy(
        "A paid seat fewer makes your prepaid balance last longer, so the paid-through date moves later."
    ),
    "kept": gettext_lazy("A paid seat fewer lowers the price; on this plan the paid-through date stays."),
    "spent": gettext_lazy("The prepaid term is used up; the new price applies from the next term."),
}


def preview_from_effect(subscription: Subscription, effect, *, as_of: datetime.date) -> dict:
    """The "will my price change?" figures of one effect: the preview, and the fresh preview of a 409."""
    currency = subscription.plan.currency
    return {
        "has_subscription": True,
        "billable_before": effect.billable_before,
        "billable_after": effect.billable_after,
        "included_seats": subscription.plan.free_seats,
        "paid_seats_before": effect.paid_seats_before,
        "paid_seats_after": effect.paid_seats_after,
        "monthly_price_before": effect.monthly_price_before,
        "monthly_price_after": effect.monthly_price_after,
        "currency": currency,
        "term_months": subscription.term_months,
        "term_discount_percent": subscription.plan.discount_for(subscription.term_months),
        # A seat change mid-term moves the paid-through date instead of charging (PRODUCT.md M6).
        "charge_now": round_money(Decimal(0), currency),
        "paid_through_before": calculations.paid_through(effect.paid_until_before),
        "paid_through_after": calculations.paid_through(effect.paid_until_after),
        "paid_through_reason": str(PAID_THROUGH_REASONS[effect.reason]),
        "renewal_months": effect.renewal.months,
        "renewal_discount_percent": effect.renewal.discount_percent,
        "renewal_total": effect.renewal.total,
        "changes_price": effect.changes_price,
        "seat_version": subscription.ledger_version,
        "as_of": as_of,
    }


def seat_preview(business, **proposal) -> dict:
    """What the proposed change does to the bill: the same `seat_effect` the applied change uses.

    Pinned to the business's local day and the ledger version (`as_of`, `seat_version`): applying it on another
    day or after another change is refused as stale.
    """
    from .services import business_today, seat_effect

    billable_after = proposed_billable_count(business, **proposal)
    subscription = subscription_for_business(business)
    as_of = business_today(business)
    if subscription is None:
        return {
            "has_subscription": False,
            "billable_before": None,
            "billable_after": billable_after,
            "seat_version": 0,
            "as_of": as_of,
        }
    effect = seat_effect(subscription, billable_after=billable_after, effective=as_of)
    return preview_from_effect(subscription, effect, as_of=as_of)


@dataclass(frozen=True)
class SeatSummary:
    """The one seat vocabulary: billable employees, the seats the plan includes, and the paid seats beyond them."""

    billable: int
    included: int | None
    paid: int | None
    has_subscription: bool


def seat_summary(business) -> SeatSummary:
    """The seat numbers the Employees page, the preview and the Billing page all show, counted one way."""
    from staffroom.staff.selectors import billable_employee_count

    billable = billable_employee_count(business)
    subscription = subscription_for_business(business)
    if subscription is None:
        return SeatSummary(billable=billable, included=None, paid=None, has_subscription=False)
    terms = subscription.plan.price_terms
    return SeatSummary(
        billable=billable, included=terms.free_seats, paid=terms.paid_seats(billable), has_subscription=True
    )


@dataclass(frozen=True)
class SavingAdvice:
    employee: Employee
    reasons: str
    monthly_saving: Decimal


@dataclass(frozen=True)
class SavingsReport:
    days: int
    is_tracked: bool
    advice: list[SavingAdvice]
    total_monthly_saving: Decimal
    currency: str


def savings_advice(business, *, days: int = 30) -> SavingsReport | None:
    """Billable employees who used none of their paid rights in the last `days` days, and what freeing them saves."""
    from staffroom.staff.selectors import employee_seat, employees_for_business

    from .activity import activity_source_names, employees_with_paid_activity

    subscription = subscription_for_business(business)
    if subscription is None:
        return None
    terms = subscription.plan.price_terms
    since = timezone.now() - datetime.timedelta(days=days)
    if not activity_source_names():
        return SavingsReport(days, False, [], Decimal(0), terms.currency)
    active = employees_with_paid_activity(business, since)
    billable = [
        (employee, seat)
        for employee in employees_for_business(business)
        if (seat := employee_seat(employee)).is_billable
    ]
    idle = [
        (employee, seat)
        for employee, seat in billable
        # Someone hired within the window has not had the chance to use their rights yet.
        if employee.pk not in active and employee.created_at <= since
    ]
    count = len(billable)
    advice = [
        SavingAdvice(employee, seat.explanation, calculations.monthly_saving(terms=terms, billable=count, made_free=1))
        for employee, seat in idle
    ]
    total = calculations.monthly_saving(terms=terms, billable=count, made_free=len(idle))
    return SavingsReport(days, True, advice, total, terms.currency)


def free_roles(business) -> list:
    """Roles whose holders are free (no paid rights), for the advisor's one-click change."""
    from staffroom.staff.selectors import roles_for_business

    return [
        role
        for role in roles_for_business(business)
        if not classify_seat(
            is_active=True, provides_services=False, permissions=role.effective_permissions, is_designated_owner=False
        ).is_billable
    ]


def default_free_role(business, chosen_id: int | None = None):
    roles = free_roles(business)
    return (
        next((role for role in roles if role.pk == chosen_id), None)
        or next((role for role in roles if role.template_code == "viewer"), None)
        or (roles[0] if roles else None)
    )


def offered_plans(*, currency: str | None = None) -> list[Plan]:
    """The plans a business may choose: the newest offered version of each plan code (platform data, not owned)."""
    plans = Plan.objects.filter(is_offered=True).order_by("code", "-version")
    if currency is not None:
        plans = plans.filter(currency=currency)
    latest: dict[str, Plan] = {}
    for plan in plans:
        latest.setdefault(plan.code, plan)
    return list(latest.values())


def offered_plan(plan_id) -> Plan | None:
    if plan_id is None:
        return None
    return Plan.objects.filter(pk=plan_id, is_offered=True).first()


# --- the savings center ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavingSuggestion:
    kind: str  # "longer_term" or "cheaper_plan"
    plan: Plan
    months: int
    monthly_saving: Decimal
    renewal_total: Decimal


def saving_suggestions(business) -> list[SavingSuggestion]:
    """A longer prepaid term or a cheaper plan, when it lowers the monthly cost of the renewal, with the figure."""
    from .services import renewal_plan_for

    subscription = subscription_for_business(business)
    if subscription is None:
        return []
    plan = renewal_plan_for(subscription)
    months = subscription.renewal_months
    billable = subscription.billable_count
    suggestions = []
    for longer in (term for term in calculations.TERM_MONTHS if term > months):
        saving = calculations.term_saving(
            terms=plan.price_terms,
            billable=billable,
            months_before=months,
            discount_before=plan.discount_for(months),
            months_after=longer,
            discount_after=plan.discount_for(longer),
        )
        if saving > 0:
            quote = calculations.invoice_quote(
                terms=plan.price_terms, billable=billable, months=longer, discount_percent=plan.discount_for(longer)
            )
            suggestions.append(SavingSuggestion("longer_term", plan, longer, saving, quote.total))
    for other in offered_plans(currency=plan.currency):
        if other.code == plan.code:
            continue
        saving = calculations.term_saving(
            terms=plan.price_terms,
            billable=billable,
            months_before=months,
            discount_before=plan.discount_for(months),
            months_after=months,
            discount_after=other.discount_for(months),
            terms_after=other.price_terms,
        )
        if saving > 0:
            quote = calculations.invoice_quote(
                terms=other.price_terms, billable=billable, months=months, discount_percent=other.discount_for(months)
            )
            suggestions.append(SavingSuggestion("cheaper_plan", other, months, saving, quote.total))
    return sorted(suggestions, key=lambda suggestion: -suggestion.monthly_saving)


@dataclass(frozen=True)
class MonthOfSavings:
    month: datetime.date  # the first day of the month, in the business's time zone
    monthly_saving: Decimal
    count: int


def savings_by_month(business) -> list[MonthOfSavings]:
    """Realized savings grouped by the local month they were made in, newest first."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(business.time_zone)
    months: dict[datetime.date, list[Decimal]] = {}
    for recorded_at, saving in realized_savings(business).values_list("recorded_at", "monthly_saving"):
        local = recorded_at.astimezone(zone).date().replace(day=1)
        months.setdefault(local, []).append(saving)
    return [
        MonthOfSavings(month, sum(values, Decimal(0)), len(values))
        for month, values in sorted(months.items(), reverse=True)
    ]


def upcoming_price_changes(business) -> list:
    """Plan price changes announced to this business, with the date its first term at the new price starts."""
    from .models import BillingNotice, NoticeKind

    return list(
        BillingNotice.objects.for_business(business)
        .filter(kind=NoticeKind.PRICE_CHANGE)
        .select_related("plan")
        .order_by("-effective_date")
    )
