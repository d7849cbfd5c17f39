"""API shapes of the subscription, its ledger, invoices and the savings advisor."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Schema

from staffroom.core.api import IsoDate


class BillingPlanOut(Schema):
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


class SubscriptionOut(Schema):
    plan: BillingPlanOut
    status: str
    term_months: int
    term_start: date
    paid_through: date
    anchor_day: int | None
    billable_count: int
    included_seats: int
    paid_seats: int
    monthly_price: Decimal
    seat_version: int
    next_plan: BillingPlanOut
    next_term_months: int
    renewal_total: Decimal


class LedgerEventOut(Schema):
    version: int
    kind: str
    effective_date: date
    billable_before: int
    billable_after: int
    paid_seats_before: int
    paid_seats_after: int
    monthly_price_before: Decimal
    monthly_price_after: Decimal
    paid_through_before: date | None
    paid_through_after: date
    employee_id: int | None
    employee: str
    cause: str
    actor: str
    recorded_at: datetime


class InvoiceOut(Schema):
    id: int
    number: str | None
    kind: str
    status: str
    plan: str
    term_start: date
    term_through: date
    term_months: int
    billable_count: int
    paid_seats: int
    discount_percent: Decimal
    base_line: Decimal
    seats_line: Decimal
    total: Decimal
    currency: str
    issued_on: date
    paid_at: datetime | None


class NextTermIn(Schema):
    plan_id: int | None = None
    term_months: int | None = None


class PurchaseIn(Schema):
    term_months: int


class SavingAdviceOut(Schema):
    employee_id: int
    full_name: str
    reasons: str
    monthly_saving: Decimal


class SavingsOut(Schema):
    days: int
    is_tracked: bool
    currency: str
    total_monthly_saving: Decimal
    advice: list[SavingAdviceOut]


class MakeFreeIn(Schema):
    role_id: int | None = None
    expected_seat_version: int | None = None
    expected_as_of: IsoDate | None = None


class RealizedSavingOut(Schema):
    kind: str
    employee_id: int | None
    employee: str
    monthly_saving: Decimal
    currency: str
    recorded_at: datetime


class BillingSavingSuggestionOut(Schema):
    kind: str
    plan_id: int
    plan: str
    months: int
    monthly_saving: Decimal
    renewal_total: Decimal
    currency: str


class BillingSavingsMonthOut(Schema):
    month: date
    monthly_saving: Decimal
    count: int


class BillingPriceChangeOut(Schema):
    plan: BillingPlanOut
    effective_date: date
    announced_at: datetime
