"""Payroll by employment dates: fixed amounts prorated by calendar days employed (both ends inclusive), nothing
for a period before the hire date or after the leave date, and facts counted only inside the employment."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from staffroom.payroll import services
from staffroom.payroll.calculations import (
    Employment,
    PayFacts,
    RuleSpec,
    employment_in_period,
    payslip_lines,
    prorated,
)
from staffroom.payroll.choices import RuleKind
from staffroom.payroll.models import Payslip
from staffroom.payroll.selectors import visits_behind_line
from staffroom.reports.tests.factories import make_visit, service
from staffroom.scheduling.tests.factories import first_branch
from staffroom.staff.models import EmployeeStatus
from staffroom.staff.tests.factories import make_business, make_employee

D = Decimal
SEPTEMBER = (dt.date(2026, 9, 1), dt.date(2026, 9, 30))
FIXED = RuleSpec(key="rule:1", kind=RuleKind.FIXED, amount=D("30000.00"))


def _facts(start, end, first, last) -> PayFacts:
    return PayFacts(employment=Employment(start, end, first, last))


# --- the rule, as a pure function ---------------------------------------------------------------------


def test_hired_on_the_15th_of_a_30_day_month_is_paid_16_of_30_days():
    """The documented rule: calendar days, the hire day included. Sep 15..30 is 16 days of 30: 30 000 × 16/30."""
    employment = employment_in_period(*SEPTEMBER, dt.date(2026, 9, 15), None)
    assert (employment.employed_days, employment.period_days) == (16, 30)
    [line] = payslip_lines([FIXED], PayFacts(employment=employment), "RUB")
    assert line.amount == D("16000.00")
    assert line.base == D(16)
    assert line.rate == D("30000.00")
    assert "16 of 30 calendar days employed" in line.explanation
    assert "30\u202f000.00 × 16 / 30 = 16\u202f000.00" in line.explanation


@pytest.mark.parametrize(
    ("period", "hire", "leave", "days", "amount"),
    [
        # Hired on the last day of January: one day of 31.
        ((dt.date(2026, 1, 1), dt.date(2026, 1, 31)), dt.date(2026, 1, 31), None, 1, "967.74"),
        # Left on Feb 14 of a leap year: 14 of 29 days.
        ((dt.date(2028, 2, 1), dt.date(2028, 2, 29)), None, dt.date(2028, 2, 14), 14, "14482.76"),
        # The same in a common year: 14 of 28 is exactly half.
        ((dt.date(2026, 2, 1), dt.date(2026, 2, 28)), None, dt.date(2026, 2, 14), 14, "15000.00"),
        # Joined on Feb 29 and left on Mar 1 (a two-day employment across the leap day): 1 of 29 days of February.
        ((dt.date(2028, 2, 1), dt.date(2028, 2, 29)), dt.date(2028, 2, 29), dt.date(2028, 3, 1), 1, "1034.48"),
        # Hired before and leaving after the period: the whole amount, unprorated.
        (SEPTEMBER, dt.date(2025, 1, 1), dt.date(2027, 1, 1), 30, "30000.00"),
    ],
)
def test_proration_table(period, hire, leave, days, amount):
    employment = employment_in_period(*period, hire, leave)
    assert employment.employed_days == days
    [line] = payslip_lines([FIXED], PayFacts(employment=employment), "RUB")
    assert line.amount == D(amount)


def test_proration_is_exact_and_rounds_half_up_once():
    employment = Employment(dt.date(2026, 9, 1), dt.date(2026, 9, 8), dt.date(2026, 9, 4), dt.date(2026, 9, 8))
    assert prorated(D("1.00"), employment) == D("0.625")
    rule = RuleSpec(key="rule:2", kind=RuleKind.FIXED, amount=D("1.00"))
    [line] = payslip_lines([rule], PayFacts(employment=employment), "RUB")
    assert line.amount == D("0.63")  # half-up, not to even


def test_a_period_outside_the_employment_has_no_employed_days():
    assert employment_in_period(*SEPTEMBER, dt.date(2026, 10, 1), None) is None
    assert employment_in_period(*SEPTEMBER, None, dt.date(2026, 8, 31)) is None
    assert employment_in_period(*SEPTEMBER, dt.date(2026, 9, 30), dt.date(2026, 9, 30)).employed_days == 1


def test_a_fixed_deduction_is_prorated_like_a_fixed_amount():
    deduction = RuleSpec(key="rule:3", kind=RuleKind.DEDUCTION_FIXED, amount=D("3000.00"))
    lines = payslip_lines([FIXED, deduction], _facts(*SEPTEMBER, dt.date(2026, 9, 16), dt.date(2026, 9, 30)), "RUB")
    assert [line.amount for line in lines] == [D("15000.00"), D("-1500.00")]


# --- payroll runs -------------------------------------------------------------------------------------


@pytest.fixture
def fixed_scheme(business, owner):
    scheme = services.pay_scheme_create(
        actor=owner,
        name="Salary and visits",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "30000"},
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "10"},
            {"kind": RuleKind.PER_VISIT_ARRIVED, "amount": "100"},
        ],
    )
    return scheme


def _assign(owner, scheme, employee):
    services.pay_scheme_assign(actor=owner, scheme=scheme, employee=employee, valid_from=dt.date(2025, 1, 1))


def _run(owner, period=SEPTEMBER):
    return services.payroll_run_create(actor=owner, period_start=period[0], period_end=period[1])


def test_a_run_pays_a_mid_month_joiner_16_of_30_days(business, owner, fixed_scheme):
    joiner = make_employee(business, hire_date=dt.date(2026, 9, 15), full_name="Joiner")
    _assign(owner, fixed_scheme, joiner)
    run = _run(owner)
    fixed = run.payslips.get(employee=joiner).lines.get(kind=RuleKind.FIXED)
    assert fixed.amount == D("16000.00")
    assert "16 of 30 calendar days employed" in fixed.explanation


def test_hired_after_the_period_gets_no_payslip_line(business, owner, fixed_scheme):
    """The finding: an employee added in December was paid the whole of October."""
    december_hire = make_employee(business, hire_date=dt.date(2026, 12, 1), full_name="December Hire")
    _assign(owner, fixed_scheme, december_hire)
    run = _run(owner, (dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    assert not Payslip.objects.for_business(business).filter(employee=december_hire).exists()
    assert any("December Hire was not employed in this period" in note for note in run.notes)


def test_left_before_the_period_gets_nothing_and_a_blocked_leaver_is_paid_their_days(business, owner, fixed_scheme):
    gone = make_employee(business, leave_date=dt.date(2026, 8, 31), full_name="Gone")
    leaver = make_employee(business, leave_date=dt.date(2026, 9, 10), status=EmployeeStatus.BLOCKED, full_name="Leaver")
    _assign(owner, fixed_scheme, gone)
    _assign(owner, fixed_scheme, leaver)
    run = _run(owner)
    assert not run.payslips.filter(employee=gone).exists()
    assert run.payslips.get(employee=leaver).lines.get(kind=RuleKind.FIXED).amount == D("10000.00")


def test_visits_and_revenue_count_only_inside_the_employment_in_the_business_time_zone(owner_far_east):
    """Asia/Vladivostok is UTC+10: a visit at 23:30 local on Sep 14 is Sep 14 in UTC too, one at 00:30 local on
    Sep 15 is still Sep 14 in UTC. Hired on Sep 15, only the second counts."""
    business, owner = owner_far_east
    branch = first_branch(business)
    joiner = make_employee(business, hire_date=dt.date(2026, 9, 15), provides_services=True, full_name="Joiner")
    scheme = services.pay_scheme_create(
        actor=owner,
        name="Visits",
        rules=[
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "10"},
            {"kind": RuleKind.PER_VISIT_ARRIVED, "amount": "100"},
        ],
    )
    _assign(owner, scheme, joiner)
    cut = service(business, "Cut")
    before = make_visit(
        business, specialist=joiner, branch=branch, date=dt.date(2026, 9, 14), hour=23, lines=[(cut, "1000", "0")]
    )
    inside = make_visit(
        business, specialist=joiner, branch=branch, date=dt.date(2026, 9, 15), hour=0, lines=[(cut, "1500", "0")]
    )
    assert inside.starts_at.date() == dt.date(2026, 9, 14)  # the UTC date differs from the local one
    run = _run(owner)
    payslip = run.payslips.get(employee=joiner)
    percent = payslip.lines.get(kind=RuleKind.SERVICES_PERCENT)
    per_visit = payslip.lines.get(kind=RuleKind.PER_VISIT_ARRIVED)
    assert (percent.base, percent.amount) == (D("1500.00"), D("150.00"))
    assert (per_visit.base, per_visit.amount) == (D(1), D("100.00"))
    assert list(visits_behind_line(per_visit)) == [inside]
    assert before not in visits_behind_line(percent)


def test_a_corrected_hire_date_is_paid_back_as_a_correction_next_period(business, owner, fixed_scheme):
    employee = make_employee(business, full_name="Late Paper")
    _assign(owner, fixed_scheme, employee)
    september = _run(owner)
    services.payroll_run_approve(actor=owner, run=september)
    employee.hire_date = dt.date(2026, 9, 16)  # the papers say the 16th: 15 of 30 days
    employee.save(update_fields=["hire_date"])
    october = _run(owner, (dt.date(2026, 10, 1), dt.date(2026, 10, 31)))
    correction = october.payslips.get(employee=employee).lines.get(is_correction=True, kind=RuleKind.FIXED)
    assert correction.amount == D("-15000.00")


@pytest.fixture
def owner_far_east(db):
    business = make_business(time_zone="Asia/Vladivostok")
    return business, business.owner


# --- hire and leave dates of employees ----------------------------------------------------------------


def test_a_new_employee_is_hired_today_in_the_business_time_zone(owner_far_east):
    from staffroom.staff.services import employee_create
    from staffroom.staff.tests.factories import role_of

    business, owner = owner_far_east
    with time_machine.travel(dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC), tick=False):  # Mar 2, 06:00 local
        employee = employee_create(actor=owner, full_name="New", role=role_of(business, "accountant"))
    assert employee.hire_date == dt.date(2026, 3, 2)
    assert employee.leave_date is None
