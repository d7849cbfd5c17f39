"""The calendar, payments and orders tell billing's savings advisor who used their paid rights.

Billing is below them (they register activity sources with `billing.activity`), so these tests live here, above.
"""

import datetime

import pytest
import time_machine

from staffroom.billing import services
from staffroom.billing.tests.factories import make_active_subscription, make_plan, noon_utc
from staffroom.staff.models import Employee
from staffroom.staff.tests.factories import make_employee

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon_utc(TODAY), tick=False):
        yield


@pytest.fixture
def subscribed(business, owner, administrator, specialist, accountant):
    return make_active_subscription(business, make_plan(), start=datetime.date(2026, 3, 1), months=1)


def test_the_calendar_and_payments_tell_the_advisor_who_used_paid_rights(subscribed, business, owner, specialist):
    from staffroom.billing.selectors import savings_advice
    from staffroom.payments.services import payment_take
    from staffroom.scheduling.tests.factories import first_branch, make_appointment, make_client

    booker = make_employee(business, "call_center", full_name="Busy Booker")
    cashier = make_employee(business, "administrator", full_name="Busy Cashier")
    idle = make_employee(business, "administrator", full_name="Idle Admin")
    served_by = make_employee(business, "specialist", full_name="Busy Stylist", provides_services=True)
    Employee.objects.for_business(business).update(created_at=noon_utc(datetime.date(2025, 1, 1)))
    services.seats_recount(business=business)
    branch, client = first_branch(business), make_client(business)
    yesterday = noon_utc(TODAY - datetime.timedelta(days=1))
    make_appointment(
        business,
        specialist=specialist,
        client=client,
        branch=branch,
        starts_at=yesterday + datetime.timedelta(days=3),
        created_by=booker,
    )
    visit = make_appointment(
        business, specialist=served_by, client=client, branch=branch, starts_at=yesterday, status="completed"
    )
    payment_take(actor=cashier, amount=visit.total, method="cash", appointment=visit)

    advice = savings_advice(business)
    idle_names = {item.employee.full_name for item in advice.advice}
    assert advice.is_tracked and idle.full_name in idle_names
    assert idle_names.isdisjoint({"Busy Booker", "Busy Cashier", "Busy Stylist"})


def test_orders_tell_the_advisor_who_created_or_claimed_an_order(subscribed, business, owner):
    from staffroom.billing.activity import activity_source_names
    from staffroom.billing.selectors import savings_advice
    from staffroom.orders.services import order_claim
    from staffroom.orders.tests.factories import make_order

    creator = make_employee(business, "manager", full_name="Order Creator")
    claimer = make_employee(business, "manager", full_name="Order Claimer")
    idle = make_employee(business, "manager", full_name="Idle Manager")
    Employee.objects.for_business(business).update(created_at=noon_utc(datetime.date(2025, 1, 1)))
    services.seats_recount(business=business)
    queued = make_order(creator, responsible=None)
    order_claim(actor=claimer, order=queued)

    assert "orders" in activity_source_names()
    advice = savings_advice(business)
    idle_names = {item.employee.full_name for item in advice.advice}
    assert advice.is_tracked and idle.full_name in idle_names
    assert idle_names.isdisjoint({"Order Creator", "Order Claimer"})
