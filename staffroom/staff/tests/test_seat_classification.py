"""Seat classification is a pure function of rights: the table from PRODUCT.md M1, and properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffroom.staff.calculations import classify_seat
from staffroom.staff.catalogue import ALL_CODES, PAID_RIGHTS, ROLE_TEMPLATES, Perm
from staffroom.staff.selectors import employee_seat
from staffroom.staff.tests.factories import make_employee, role_of


def perms(template):
    return ROLE_TEMPLATES[template]["permissions"]


@pytest.mark.parametrize(
    ("case", "kwargs", "billable", "reasons"),
    [
        ("owner without services", dict(provides_services=False, permissions=perms("owner"), is_designated_owner=True), False, ("designated_owner",)),
        ("owner providing services", dict(provides_services=True, permissions=perms("owner"), is_designated_owner=True), True, ("provides_services",)),
        ("administrator", dict(provides_services=False, permissions=perms("administrator"), is_designated_owner=False), True, ("can_create_appointments", "can_create_orders", "can_process_payments")),
        ("specialist", dict(provides_services=True, permissions=perms("specialist"), is_designated_owner=False), True, ("provides_services",)),
        ("call center", dict(provides_services=False, permissions=perms("call_center"), is_designated_owner=False), True, ("can_create_appointments",)),
        ("manager", dict(provides_services=False, permissions=perms("manager"), is_designated_owner=False), True, ("can_create_orders",)),
        ("accountant", dict(provides_services=False, permissions=perms("accountant"), is_designated_owner=False), False, ("no_paid_rights",)),
        ("marketer", dict(provides_services=False, permissions=perms("marketer"), is_designated_owner=False), False, ("no_paid_rights",)),
        ("viewer", dict(provides_services=False, permissions=perms("viewer"), is_designated_owner=False), False, ("no_paid_rights",)),
        ("second employee with the Owner role", dict(provides_services=False, permissions=perms("owner"), is_designated_owner=False), True, ("can_create_appointments", "can_create_orders", "can_process_payments")),
        ("second Owner-role employee whose role lost the paid rights", dict(provides_services=False, permissions=sorted(ALL_CODES - set(PAID_RIGHTS)), is_designated_owner=False), False, ("no_paid_rights",)),
        ("viewer given payments", dict(provides_services=False, permissions=[*perms("viewer"), Perm.PAYMENTS_PROCESS], is_designated_owner=False), True, ("can_process_payments",)),
    ],
)  # fmt: skip
def test_active_seat_table(case, kwargs, billable, reasons):
    seat = classify_seat(is_active=True, **kwargs)
    assert (seat.is_billable, seat.reasons) == (billable, reasons), case


@pytest.mark.parametrize("template", sorted(ROLE_TEMPLATES))
def test_blocked_employees_are_free_whatever_their_rights(template):
    seat = classify_seat(
        is_active=False, provides_services=True, permissions=perms(template), is_designated_owner=False
    )
    assert seat == classify_seat(is_active=False, provides_services=False, permissions=[], is_designated_owner=True)
    assert not seat.is_billable and seat.reasons == ("blocked",)


@given(
    permissions=st.sets(st.sampled_from(sorted(ALL_CODES))),
    provides_services=st.booleans(),
    is_designated_owner=st.booleans(),
)
def test_billable_exactly_when_services_or_paid_right(permissions, provides_services, is_designated_owner):
    seat = classify_seat(
        is_active=True,
        provides_services=provides_services,
        permissions=permissions,
        is_designated_owner=is_designated_owner,
    )
    has_paid_right = bool(set(PAID_RIGHTS) & permissions)
    expected = provides_services or (has_paid_right and not is_designated_owner)
    assert seat.is_billable == expected
    assert seat.explanation  # there is always a reason to show


def test_seat_of_real_employees_follows_their_role(business, owner):
    accountant = make_employee(business, "accountant")
    blocked_admin = make_employee(business, "administrator", status="blocked")
    second_owner = make_employee(business, role=role_of(business, "owner"))
    assert employee_seat(owner).reasons == ("designated_owner",)
    assert not employee_seat(accountant).is_billable
    assert employee_seat(blocked_admin).reasons == ("blocked",)
    assert employee_seat(second_owner).is_billable
