"""Property: for any sequence of employee changes, the preview shows exactly what applying the change records."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from staffroom.billing import selectors
from staffroom.billing.models import Subscription
from staffroom.staff.models import Employee
from staffroom.staff.seat_hooks import SeatPin
from staffroom.staff.services import employee_block, employee_unblock, employee_update
from staffroom.staff.tests.factories import make_employee, role_of

from .factories import make_active_subscription, make_plan

ROLES = ["administrator", "specialist", "accountant", "viewer", "call_center", "manager"]
operations = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=20),  # days since the previous change
        st.integers(min_value=0, max_value=3),  # which employee
        st.sampled_from(["services_on", "services_off", "role", "block", "unblock"]),
        st.sampled_from(ROLES),
        st.integers(min_value=0, max_value=24 * 60 - 1),  # the local minute of the day it happens at
    ),
    min_size=1,
    max_size=8,
)


class Rollback(Exception):
    pass


PROPOSALS = {
    "services_on": lambda employee, role: {"provides_services": True},
    "services_off": lambda employee, role: {"provides_services": False},
    "role": lambda employee, role: {"role": role, "provides_services": employee.provides_services},
    "block": lambda employee, role: {"status": "blocked", "provides_services": employee.provides_services},
    "unblock": lambda employee, role: {"status": "active", "provides_services": employee.provides_services},
}


def _apply(action, owner, employee, role, seat_version):
    if action in ("services_on", "services_off"):
        employee_update(
            actor=owner,
            employee=employee,
            provides_services=action == "services_on",
            expected_seat_version=seat_version,
        )
    elif action == "role":
        employee_update(actor=owner, employee=employee, role=role, expected_seat_version=seat_version)
    elif action == "block":
        employee_block(actor=owner, employee=employee, expected_seat_version=seat_version)
    else:
        employee_unblock(actor=owner, employee=employee, expected_seat_version=seat_version)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=operations, months=st.sampled_from([1, 3, 12]))
def test_preview_equals_apply(business, owner, operations, months):
    try:
        with transaction.atomic():
            staff = [make_employee(business, code) for code in ("accountant", "viewer", "specialist", "manager")]
            start = datetime.date(2026, 1, 1)
            make_active_subscription(business, make_plan(free_seats=1), start=start, months=months)
            day = start
            zone = ZoneInfo(business.time_zone)
            for gap, index, action, role_code, minute in operations:
                day += datetime.timedelta(days=gap)
                employee = (
                    Employee.objects.for_business(business).select_related("role", "business").get(pk=staff[index].pk)
                )
                role = role_of(business, role_code)
                local = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60), tzinfo=zone)
                with time_machine.travel(local, tick=False):
                    proposal = PROPOSALS[action](employee, role)
                    preview = selectors.seat_preview(business, employee=employee, **proposal)
                    assert preview["as_of"] == day
                    _apply(action, owner, employee, role, SeatPin(preview["seat_version"], preview["as_of"]))
                subscription = Subscription.objects.for_business(business).select_related("plan").get()
                assert subscription.billable_count == preview["billable_after"]
                assert subscription.paid_through == preview["paid_through_after"]
                assert (
                    subscription.plan.price_terms.monthly_price(subscription.billable_count)
                    == (preview["monthly_price_after"])
                )
            raise Rollback
    except Rollback:
        pass
