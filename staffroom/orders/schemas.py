"""API shapes of orders, tasks, products and the sales report.

Order responses are sent with `exclude_unset`: the limited form of a colleague's order has no client, amounts,
delivery or payment keys at all (not nulls), exactly as `selectors.order_view` builds it.
"""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class EmployeeRef(Schema):
    id: int
    full_name: str


class OrdersClientRef(Schema):
    id: int
    full_name: str
    phone: str
    email: str
    contacts_masked: bool


class BranchRef(Schema):
    id: int
    name: str


class ItemOut(Schema):
    id: int
    kind: str
    product_id: int | None
    service_id: int | None
    name: str
    quantity: int
    unit_price: Decimal
    discount_amount: Decimal
    gross_amount: Decimal
    total: Decimal
    returned_quantity: int
    returned_amount: Decimal


class OrdersPaymentOut(Schema):
    id: int
    amount: Decimal
    refunded_amount: Decimal
    method: str
    processed_at: str
    processed_by: EmployeeRef | None


class ReturnOut(Schema):
    id: int
    amount: Decimal
    reason: str
    created_at: str
    created_by: EmployeeRef | None


class OrdersAllowanceOut(Schema):
    id: int
    amount: Decimal
    reason: str
    granted_at: str
    granted_by: EmployeeRef | None


class OrderOut(Schema):
    # Always present (the limited form):
    id: int
    number: int
    date: str
    status: str
    status_label: str
    responsible: EmployeeRef | None
    item_count: int
    access: str = Field(description="`full`, or `limited` for a colleague's order (only the fields above)")
    # Only in the full form:
    created_at: str | None = None
    client: OrdersClientRef | None = None
    fulfilment: str | None = None
    pickup_branch: BranchRef | None = None
    delivery_address: str | None = None
    delivery_notes: str | None = None
    comment: str | None = None
    currency: str | None = None
    gross_amount: Decimal | None = None
    discount_amount: Decimal | None = None
    total: Decimal | None = None
    returned_amount: Decimal | None = None
    allowance_amount: Decimal | None = None
    paid_amount: Decimal | None = None
    balance: Decimal | None = None
    version: int | None = None
    # Only in the full form of one order (the card):
    allowed_transitions: list[str] | None = None
    items: list[ItemOut] | None = None
    payments: list[OrdersPaymentOut] | None = None
    returns: list[ReturnOut] | None = None
    allowances: list[OrdersAllowanceOut] | None = None


class OrderPageOut(Schema):
    # Exact up to 10 000 matching orders; beyond that an estimate (count_is_estimate) on PostgreSQL.
    count: int
    count_is_estimate: bool = False
    page: int
    page_size: int
    # Pass as `before` for the next page (keyset paging: stable while new orders arrive); null on the last page.
    next_before: int | None = None
    results: list[OrderOut]


class ItemIn(Schema):
    product_id: int | None = None
    service_id: int | None = None
    quantity: int = Field(ge=1, le=100_000)
    unit_price: Decimal | None = Field(None, max_digits=14, decimal_places=2, ge=0)
    discount_amount: Decimal | None = Field(None, max_digits=14, decimal_places=2, ge=0)


class OrderCreateIn(Schema):
    client_id: int
    items: list[ItemIn] = Field(min_length=1, max_length=200)
    fulfilment: str = "pickup"
    pickup_branch_id: int | None = None
    delivery_address: str = Field("", max_length=300)
    delivery_notes: str = Field("", max_length=300)
    comment: str = Field("", max_length=5000)
    responsible_id: int | None = None
    idempotency_key: str = Field("", max_length=100)


class OrderUpdateIn(Schema):
    expected_version: int = Field(description="The `version` you read; a stale one answers 409")
    client_id: int | None = None
    items: list[ItemIn] | None = Field(None, min_length=1, max_length=200)
    fulfilment: str | None = None
    pickup_branch_id: int | None = None
    delivery_address: str | None = Field(None, max_length=300)
    delivery_notes: str | None = Field(None, max_length=300)
    comment: str | None = Field(None, max_length=5000)


class OrdersStatusIn(Schema):
    status: str
    expected_version: int | None = None


class ReassignIn(Schema):
    responsible_id: int | None = Field(description="An employee who works orders, or null for the queue")
    expected_version: int | None = None


class OrdersPaymentIn(Schema):
    amount: Decimal = Field(max_digits=14, decimal_places=2, gt=0)
    method: str
    idempotency_key: str = Field("", max_length=100)


class PaymentTakenOut(Schema):
    payment_id: int
    order: OrderOut


class ReturnLineIn(Schema):
    item_id: int
    quantity: int = Field(ge=1)


class OrdersAllowanceIn(Schema):
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=300)
    refund_method: str | None = Field(None, description="How money paid beyond the new price goes back")
    idempotency_key: str = Field("", max_length=100)


class ReturnIn(Schema):
    lines: list[ReturnLineIn] = Field(min_length=1, max_length=200)
    reason: str = Field(max_length=300)
    refund_method: str | None = None


class ActionOut(Schema):
    id: int
    kind: str
    summary: str
    actor: EmployeeRef | None
    occurred_at: str
    before: dict | list | None
    after: dict | list | None


class TaskOut(Schema):
    id: int
    title: str
    description: str
    assignee: EmployeeRef
    due_at: str | None
    is_done: bool
    done_at: str | None
    is_overdue: bool
    order: OrderOut | None


class TaskIn(Schema):
    title: str = Field(max_length=200)
    assignee_id: int
    due_at: dt.datetime | None = None
    description: str = Field("", max_length=5000)


class TaskUpdateIn(Schema):
    title: str | None = Field(None, max_length=200)
    assignee_id: int | None = None
    due_at: dt.datetime | None = None
    description: str | None = Field(None, max_length=5000)


class ProductOut(Schema):
    id: int
    name: str
    sku: str
    price: Decimal
    is_active: bool


class ProductIn(Schema):
    name: str = Field(max_length=200)
    sku: str = Field(max_length=64)
    price: Decimal = Field(max_digits=14, decimal_places=2, ge=0)
    is_active: bool = True


class OrdersSalesRowOut(Schema):
    manager: EmployeeRef | None
    orders: int
    gross: Decimal
    discounts: Decimal
    returns: Decimal
    allowances: Decimal
    net: Decimal
    average: Decimal


class SalesTotalsOut(Schema):
    orders: int
    gross: Decimal
    discounts: Decimal
    returns: Decimal
    allowances: Decimal
    net: Decimal


class OrdersSalesReportOut(Schema):
    date_from: dt.date
    date_to: dt.date
    currency: str
    rows: list[OrdersSalesRowOut]
    totals: SalesTotalsOut
