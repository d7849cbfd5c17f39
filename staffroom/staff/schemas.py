"""API shapes of employees, roles and the permission catalogue."""

from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from staffroom.core.api import IsoDate


class SeatOut(Schema):
    is_billable: bool
    reasons: list[str]
    explanation: str


class RoleRef(Schema):
    id: int
    name: str


class EmployeeOut(Schema):
    id: int
    full_name: str
    login_email: str | None
    phone: str
    email: str
    position: str
    provides_services: bool
    role: RoleRef
    branch_ids: list[int]
    role_branch_ids: list[int]
    status: str
    hire_date: date | None
    leave_date: date | None
    is_designated_owner: bool
    invitation_pending: bool = False
    seat: SeatOut
    calendar_colour: str
    calendar_position: int
    version: int


class EmployeeCreateIn(Schema):
    full_name: str = Field(..., min_length=1, max_length=200)
    role_id: int
    login_email: str | None = Field(None, max_length=254)
    password: str | None = Field(None, max_length=128)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    position: str = Field("", max_length=120)
    provides_services: bool = False
    branch_ids: list[int] = []
    role_branch_ids: list[int] = []
    hire_date: date | None = Field(None, description="First day employed (local date); default: today")
    leave_date: date | None = Field(None, description="Last day employed (local date); empty while employed")
    expected_seat_version: int | None = None
    expected_as_of: IsoDate | None = None


class EmployeeUpdateIn(Schema):
    expected_version: int | None = None
    full_name: str | None = Field(None, min_length=1, max_length=200)
    role_id: int | None = None
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    position: str | None = Field(None, max_length=120)
    provides_services: bool | None = None
    branch_ids: list[int] | None = None
    role_branch_ids: list[int] | None = None
    hire_date: date | None = None
    leave_date: date | None = Field(None, description="Send null to clear it (the employee stays)")
    expected_seat_version: int | None = None
    expected_as_of: IsoDate | None = None
    calendar_colour: str | None = Field(None, max_length=7)
    calendar_position: int | None = Field(None, ge=0, le=32767)


class RoleOut(Schema):
    id: int
    name: str
    description: str
    template_code: str
    is_owner_role: bool
    permissions: list[str]
    employee_count: int


class RoleIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    description: str = Field("", max_length=300)
    permissions: list[str] = []


class RoleUpdateIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    description: str | None = Field(None, max_length=300)
    permissions: list[str] | None = None
    expected_seat_version: int | None = None
    expected_as_of: IsoDate | None = None


class SeatPreviewOut(Schema):
    """`dry_run`: what the change would do to the bill; send `seat_version` back as `expected_seat_version`."""

    dry_run: bool = True
    has_subscription: bool
    billable_before: int | None = None
    billable_after: int
    included_seats: int | None = None
    paid_seats_before: int | None = None
    paid_seats_after: int | None = None
    monthly_price_before: Decimal | None = None
    monthly_price_after: Decimal | None = None
    currency: str | None = None
    paid_through_before: date | None = None
    paid_through_after: date | None = None
    paid_through_reason: str | None = None
    term_months: int | None = None
    term_discount_percent: Decimal | None = None
    charge_now: Decimal | None = None
    renewal_discount_percent: Decimal | None = None
    renewal_months: int | None = None
    renewal_total: Decimal | None = None
    changes_price: bool | None = None
    seat_version: int
    as_of: date | None = None


class PermissionOut(Schema):
    code: str
    label: str


class PermissionGroupOut(Schema):
    code: str
    label: str
    permissions: list[PermissionOut]
