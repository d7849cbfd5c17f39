"""Renewals keep the anchor day; previews are pinned to their local day and ledger version; one seat vocabulary."""

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from staffroom.billing import calculations, selectors, services
from staffroom.billing.models import Invoice, Subscription
from staffroom.core.errors import Conflict
from staffroom.core.testing import database_fingerprint
from staffroom.staff.seat_hooks import SeatPin, seat_pin
from staffroom.staff.services import employee_update
from staffroom.staff.tests.factories import make_business, make_employee

from .factories import make_active_subscription, make_plan, noon_utc

date = datetime.date

MONTHLY_FROM_JAN_31 = {
    # non-leap year: Feb 28, then back to the 31st wherever the month has one
    2026: [
        date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30),
        date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31), date(2026, 11, 30),
        date(2026, 12, 31), date(2027, 1, 31),
    ],
    # leap year: Feb 29
    2028: [
        date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30), date(2028, 5, 31), date(2028, 6, 30),
        date(2028, 7, 31), date(2028, 8, 31), date(2028, 9, 30), date(2028, 10, 31), date(2028, 11, 30),
        date(2028, 12, 31), date(2029, 1, 31),
    ],
}  # fmt: skip


def _chain(start: date, months: int, terms: int) -> list[date]:
    """Renewal after renewal as the services do it: each term starts at the previous end, keeping the anchor."""
    ends, anchor, current = [], None, start
    for _term in range(terms):
        anchor = calculations.anchor_day_for(current, anchor)
        current = calculations.add_months_anchored(current, months, anchor)
        ends.append(current)
    return ends


@pytest.mark.parametrize("year", sorted(MONTHLY_FROM_JAN_31))
def test_monthly_renewals_from_jan_31_keep_the_anchor(year):
    assert _chain(date(year, 1, 31), 1, 12) == MONTHLY_FROM_JAN_31[year]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (date(2027, 11, 30), [date(2028, 2, 29), date(2028, 5, 30), date(2028, 8, 30), date(2028, 11, 30)]),
        (date(2025, 11, 30), [date(2026, 2, 28), date(2026, 5, 30), date(2026, 8, 30), date(2026, 11, 30)]),
    ],
)
def test_three_month_terms_from_nov_30(start, expected):
    assert _chain(start, 3, 4) == expected


def test_a_term_that_starts_off_the_anchor_anchors_anew():
    # Seats moved the paid-through date to Feb 20: the next term runs Feb 20 → Mar 20, anchored on the 20th.
    assert calculations.anchor_day_for(date(2026, 2, 20), 31) == 20
    assert calculations.term_end(date(2026, 2, 20), 1, 31) == date(2026, 3, 20)
    assert calculations.anchor_day_for(date(2026, 2, 28), 31) == 31
    assert calculations.term_end(date(2026, 2, 28), 1, 31) == date(2026, 3, 31)


def test_paid_through_is_the_last_paid_day():
    assert calculations.paid_through(date(2026, 3, 1)) == date(2026, 2, 28)
    assert calculations.paid_through(date(2028, 3, 1)) == date(2028, 2, 29)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    months=st.sampled_from(calculations.TERM_MONTHS),
)
def test_renewals_over_24_months_never_move_the_anchor(start, months):
    ends = _chain(start, months, 24 // months)
    for end in ends:
        assert calculations.is_on_anchor(end, start.day)
    assert ends[-1] == calculations.add_months(start, 24)


def _pay_renewals(business, until: date):
    """Run the daily billing and pay every renewal invoice as it is issued, day by day up to `until`."""
    day = Subscription.objects.for_business(business).get().paid_until - datetime.timedelta(days=8)
    while day <= until:
        with time_machine.travel(noon_utc(day), tick=False):
            services.billing_run(run_date=day)
            for invoice in Invoice.objects.for_business(business).filter(status="issued"):
                services.invoice_mark_paid(invoice=invoice, operator_label="Operator", reference=f"BANK-{day}")
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("year", sorted(MONTHLY_FROM_JAN_31))
def test_paid_monthly_renewals_through_the_billing_run_keep_the_anchor(business, owner, specialist, year):
    plan = make_plan()
    make_active_subscription(business, plan, start=date(year, 1, 31), months=1)
    _pay_renewals(business, MONTHLY_FROM_JAN_31[year][-2])
    starts = sorted(Invoice.objects.for_business(business).exclude(status="void").values_list("term_start", "term_end"))
    assert [end for _start, end in starts] == MONTHLY_FROM_JAN_31[year]
    subscription = Subscription.objects.for_business(business).get()
    assert subscription.anchor_day == 31
    assert subscription.paid_until == MONTHLY_FROM_JAN_31[year][-1]


def test_paid_three_month_renewals_from_nov_30(business, owner, specialist):
    make_active_subscription(business, make_plan(), start=date(2027, 11, 30), months=3)
    _pay_renewals(business, date(2028, 8, 30))
    subscription = Subscription.objects.for_business(business).get()
    assert subscription.paid_until == date(2028, 11, 30)
    ends = sorted(Invoice.objects.for_business(business).exclude(status="void").values_list("term_end", flat=True))
    assert ends == [date(2028, 2, 29), date(2028, 5, 30), date(2028, 8, 30), date(2028, 11, 30)]


# --- previews pinned to their local day ------------------------------------------------------------


def _local(zone: str, day: date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZoneInfo(zone))


@pytest.mark.parametrize("zone", ["Asia/Vladivostok", "America/New_York", "Europe/Moscow"])
def test_preview_at_23_59_applied_at_00_01_local_is_stale(db, zone):
    business = make_business(time_zone=zone)
    make_employee(business, "specialist", provides_services=True)
    accountant = make_employee(business, "accountant")
    make_active_subscription(business, make_plan(free_seats=0), start=date(2026, 3, 1), months=1)
    with time_machine.travel(_local(zone, date(2026, 3, 10), 23, 59), tick=False):
        preview = selectors.seat_preview(business, employee=accountant, provides_services=True)
    assert preview["as_of"] == date(2026, 3, 10)
    fingerprint = database_fingerprint()
    with time_machine.travel(_local(zone, date(2026, 3, 11), 0, 1), tick=False):
        with pytest.raises(Conflict) as caught:
            employee_update(
                actor=business.owner,
                employee=accountant,
                provides_services=True,
                expected_seat_version=SeatPin(preview["seat_version"], preview["as_of"]),
            )
        fresh = caught.value.extra["preview"]
        assert caught.value.status_code == 409 and caught.value.extra["code"] == "stale_preview"
        assert fresh["as_of"] == "2026-03-11"
        # The fresh preview is the one the next day gives, and applying it is accepted with the same figures.
        again = selectors.seat_preview(business, employee=accountant, provides_services=True)
        assert fresh["paid_through_after"] == again["paid_through_after"].isoformat()
        assert fresh["paid_through_after"] != preview["paid_through_after"].isoformat()
    assert database_fingerprint() == fingerprint
    with time_machine.travel(_local(zone, date(2026, 3, 11), 0, 1), tick=False):
        employee_update(
            actor=business.owner,
            employee=accountant,
            provides_services=True,
            expected_seat_version=seat_pin(fresh["seat_version"], fresh["as_of"]),
        )
    assert Subscription.objects.for_business(business).get().paid_through == again["paid_through_after"]


def test_far_east_local_day_differs_from_utc_and_the_pin_follows_the_local_day(api_for):
    business = make_business(time_zone="Asia/Vladivostok")  # UTC+10
    accountant = make_employee(business, "accountant")
    make_employee(business, "specialist", provides_services=True)
    make_active_subscription(business, make_plan(free_seats=0), start=date(2026, 3, 1), months=1)
    client = api_for(business.owner)
    path = f"/api/v1/employees/{accountant.pk}"
    # 13:59 UTC on Mar 10 is 23:59 in Vladivostok; 14:01 UTC is 00:01 on Mar 11 there, still Mar 10 in UTC.
    with time_machine.travel(datetime.datetime(2026, 3, 10, 13, 59, tzinfo=datetime.UTC), tick=False):
        preview = client.patch(
            f"{path}?dry_run=true", data=json.dumps({"provides_services": True}), content_type="application/json"
        ).json()
    assert preview["as_of"] == "2026-03-10"
    body = {
        "provides_services": True,
        "expected_seat_version": preview["seat_version"],
        "expected_as_of": preview["as_of"],
    }
    fingerprint = database_fingerprint()
    with time_machine.travel(datetime.datetime(2026, 3, 10, 14, 1, tzinfo=datetime.UTC), tick=False):
        stale = client.patch(path, data=json.dumps(body), content_type="application/json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_preview" and stale.json()["preview"]["as_of"] == "2026-03-11"
    assert database_fingerprint() == fingerprint
    with time_machine.travel(datetime.datetime(2026, 3, 10, 13, 59, 30, tzinfo=datetime.UTC), tick=False):
        applied = client.patch(path, data=json.dumps(body), content_type="application/json")
    assert applied.status_code == 200
    paid_through = Subscription.objects.for_business(business).get().paid_through.isoformat()
    assert paid_through == preview["paid_through_after"]


def test_page_form_with_a_pin_from_yesterday_is_refused(client_for):
    business = make_business(time_zone="America/New_York")
    accountant = make_employee(business, "accountant")
    make_active_subscription(business, make_plan(), start=date(2026, 3, 1), months=1)
    subscription = Subscription.objects.for_business(business).get()
    client = client_for(business.owner)
    form = {
        "full_name": accountant.full_name,
        "role": accountant.role_id,
        "provides_services": "on",
        "version": accountant.version,
        "seat_version": subscription.ledger_version,
        "seat_as_of": "2026-03-10",
    }
    fingerprint = database_fingerprint()
    with time_machine.travel(_local("America/New_York", date(2026, 3, 11), 0, 1), tick=False):
        response = client.post(f"/employees/{accountant.pk}/", form)
    assert response.status_code == 200  # the form again, with the message
    assert "review the change again" in response.content.decode()
    assert database_fingerprint() == fingerprint


# --- one seat vocabulary ---------------------------------------------------------------------------


def test_the_three_seat_displays_agree(business, owner, administrator, manager, specialist, accountant, client_for):
    """Every kind of employee: free owner, billable by services / booking / selling / payments, free by rights,
    blocked; the Employees page, the preview and the Billing page show the same numbers under the same words."""
    make_employee(business, "call_center")
    make_employee(business, "viewer")
    make_employee(business, "marketer")
    blocked = make_employee(business, "administrator")
    blocked.status = "blocked"
    blocked.save()
    make_active_subscription(business, make_plan(free_seats=2), start=date(2026, 3, 1), months=1)
    summary = selectors.seat_summary(business)
    assert summary.billable == Subscription.objects.for_business(business).get().billable_count
    assert summary.paid == summary.billable - 2 and summary.included == 2
    with time_machine.travel(noon_utc(date(2026, 3, 10)), tick=False):
        client = client_for(owner)
        employees_page = client.get("/employees/").content.decode()
        billing_page = client.get("/billing/").content.decode()
        preview = client.get(f"/billing/preview/employee/?employee={accountant.pk}&role={accountant.role_id}")
    badges = employees_page.count('<span class="badge paid">')
    assert badges == summary.billable
    expected = [
        f'<dd data-field="billable">{summary.billable}</dd>',
        f'<dd data-field="included-seats">{summary.included}</dd>',
        f'<dd data-field="paid-seats">{summary.paid}</dd>',
    ]
    for fragment in expected:
        assert fragment in employees_page
        assert fragment in billing_page
    preview_html = preview.content.decode()
    assert f'<dd data-field="billable">{summary.billable} → {summary.billable}</dd>' in preview_html
    assert f'<dd data-field="paid-seats">{summary.paid} → {summary.paid}</dd>' in preview_html
    assert f'<dd data-field="included-seats">{summary.included}</dd>' in preview_html
