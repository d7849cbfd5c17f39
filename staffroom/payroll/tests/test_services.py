"""Payroll runs end to end: schemes by role and employee, approval locks, corrections next period, visibility."""

import datetime as dt
from decimal import Decimal

import pytest

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.payroll import services
from staffroom.payroll.choices import KpiMetric, RuleKind, RunStatus
from staffroom.payroll.models import PayslipLine
from staffroom.payroll.selectors import payslips_visible_to, visits_behind_line
from staffroom.reports.tests.factories import make_visit, pay, refund, service
from staffroom.scheduling.tests.factories import first_branch
from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import role_of

D = Decimal
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


@pytest.fixture
def schemes(business, owner, specialist, administrator, call_center_operator):
    stylist = services.pay_scheme_create(
        actor=owner,
        name="Stylist",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "20000"},
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "40"},
        ],
    )
    front_desk = services.pay_scheme_create(
        actor=owner,
        name="Front desk",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "30000"},
            {"kind": RuleKind.PER_APPOINTMENT_CREATED, "amount": "100", "only_arrived": True},
        ],
    )
    call_center = services.pay_scheme_create(
        actor=owner,
        name="Call center",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "25000"},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.APPOINTMENTS_CREATED,
                "tiers": [{"threshold": "2", "amount": "1000"}, {"threshold": "3", "amount": "5000"}],
            },
        ],
    )
    start = dt.date(2026, 1, 1)
    services.pay_scheme_assign(actor=owner, scheme=stylist, role=role_of(business, "specialist"), valid_from=start)
    services.pay_scheme_assign(actor=owner, scheme=front_desk, employee=administrator, valid_from=start)
    services.pay_scheme_assign(actor=owner, scheme=call_center, role=role_of(business, "call_center"), valid_from=start)
    return {"stylist": stylist, "front_desk": front_desk, "call_center": call_center}


@pytest.fixture
def march(business, specialist, administrator, call_center_operator):
    branch = first_branch(business)
    cut = service(business, "Cut")
    visits = [
        make_visit(
            business,
            specialist=specialist,
            branch=branch,
            date=dt.date(2026, 3, 2),
            lines=[(cut, "1500", "0")],
            created_by=administrator,
        ),
        make_visit(
            business,
            specialist=specialist,
            branch=branch,
            date=dt.date(2026, 3, 3),
            lines=[(cut, "2000", "500")],
            created_by=administrator,
        ),
        make_visit(
            business,
            specialist=specialist,
            branch=branch,
            date=dt.date(2026, 3, 4),
            lines=[(cut, "1000", "0")],
            created_by=administrator,
            status="no_show",
        ),
        make_visit(
            business,
            specialist=specialist,
            branch=branch,
            date=dt.date(2026, 3, 5),
            lines=[(cut, "3000", "0")],
            created_by=call_center_operator,
        ),
        make_visit(
            business,
            specialist=specialist,
            branch=branch,
            date=dt.date(2026, 3, 6),
            lines=[(cut, "3000", "0")],
            created_by=call_center_operator,
        ),
    ]
    return {"visits": visits, "payment": pay(visits[0], by=administrator)}


def lines_of(run, employee):
    payslip = run.payslips.get(employee=employee)
    return [(line.kind, line.base, line.amount, line.is_correction) for line in payslip.lines.all()], payslip


def test_a_month_of_payroll_for_every_role(
    business, owner, specialist, administrator, call_center_operator, schemes, march
):
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    stylist_lines, payslip = lines_of(run, specialist)
    # 1 500 + (2 000 − 500) + 3 000 + 3 000 arrived = 9 000 after discounts; the no-show sold nothing.
    assert stylist_lines == [
        (RuleKind.FIXED, D("0.00"), D("20000.00"), False),
        (RuleKind.SERVICES_PERCENT, D("9000.00"), D("3600.00"), False),
    ]
    assert payslip.total == D("23600.00")
    desk_lines, _ = lines_of(run, administrator)
    assert desk_lines[1] == (RuleKind.PER_APPOINTMENT_CREATED, D("2.00"), D("200.00"), False)  # 3 created, 2 came
    operator_lines, _ = lines_of(run, call_center_operator)
    assert operator_lines[1] == (RuleKind.KPI_BONUS, D("2.00"), D("1000.00"), False)
    assert run.total == D("23600.00") + D("30200.00") + D("26000.00")
    assert owner.full_name in " ".join(run.notes)  # the owner has no scheme: said, not silently skipped
    assert SecurityEvent.objects.for_business(business).filter(event_type="payroll_run.created").count() == 1

    services_line = payslip.lines.get(kind=RuleKind.SERVICES_PERCENT)
    assert set(visits_behind_line(services_line)) == {march["visits"][i] for i in (0, 1, 3, 4)}
    desk_line = PayslipLine.objects.for_business(business).get(
        payslip__employee=administrator, kind=RuleKind.PER_APPOINTMENT_CREATED
    )
    assert set(visits_behind_line(desk_line)) == {march["visits"][0], march["visits"][1]}


def test_approval_locks_and_a_refund_after_it_is_a_correction_next_period(
    business, owner, specialist, administrator, schemes, march
):
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    services.payroll_run_approve(actor=owner, run=run)
    approved_lines = list(
        PayslipLine.objects.for_business(business).filter(payslip__run=run).values_list("pk", "amount")
    )
    with pytest.raises(Conflict):
        services.payroll_run_recalculate(actor=owner, run=run)
    with pytest.raises(Conflict):
        services.payroll_run_delete(actor=owner, run=run)

    refund(march["payment"], "1500", by=administrator)  # the whole 2 March visit, after approval

    april = services.payroll_run_create(actor=owner, period_start=APRIL[0], period_end=APRIL[1])
    stylist_lines, payslip = lines_of(april, specialist)
    assert stylist_lines == [
        (RuleKind.FIXED, D("0.00"), D("20000.00"), False),
        (RuleKind.SERVICES_PERCENT, D("0.00"), D("0.00"), False),
        (RuleKind.SERVICES_PERCENT, D("7500.00"), D("-600.00"), True),
    ]
    correction = payslip.lines.get(is_correction=True)
    assert (correction.for_period_start, correction.for_period_end) == MARCH
    assert "Correction for March 2026" in correction.explanation
    assert payslip.total == D("19400.00")
    # The approved March payslip is untouched.
    assert (
        list(PayslipLine.objects.for_business(business).filter(payslip__run=run).values_list("pk", "amount"))
        == approved_lines
    )

    # Approve April; May sees nothing more to correct for March.
    services.payroll_run_approve(actor=owner, run=april)
    may = services.payroll_run_create(actor=owner, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 5, 31))
    assert not PayslipLine.objects.for_business(business).filter(payslip__run=may, is_correction=True).exists()


def test_runs_never_overlap_and_drafts_follow_the_data(business, owner, specialist, schemes, march):
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    with pytest.raises(Conflict):
        services.payroll_run_create(actor=owner, period_start=dt.date(2026, 3, 15), period_end=dt.date(2026, 4, 14))
    with pytest.raises(Conflict):
        services.payroll_run_create(
            actor=owner, period_start=MARCH[0], period_end=MARCH[1], branch=first_branch(business)
        )
    march["visits"][3].status = "no_show"
    march["visits"][3].save()
    run = services.payroll_run_recalculate(actor=owner, run=run)
    assert run.payslips.get(employee=specialist).total == D("22400.00")


def test_permissions_and_bad_input_change_nothing(business, owner, specialist, accountant, administrator, schemes):
    before = database_fingerprint()
    with pytest.raises(PermissionDenied):
        services.payroll_run_create(actor=administrator, period_start=MARCH[0], period_end=MARCH[1])
    with pytest.raises(ValidationFailed):
        services.payroll_run_create(actor=owner, period_start=MARCH[1], period_end=MARCH[0])
    with pytest.raises(ValidationFailed):
        services.pay_scheme_create(
            actor=owner, name="Bad", rules=[{"kind": RuleKind.SERVICES_PERCENT, "percent": "140"}]
        )
    with pytest.raises(ValidationFailed):
        services.pay_scheme_create(actor=owner, name="Empty", rules=[])
    assert database_fingerprint() == before
    run = services.payroll_run_create(actor=accountant, period_start=MARCH[0], period_end=MARCH[1])
    with pytest.raises(PermissionDenied):
        services.payroll_run_approve(actor=accountant, run=run)  # the accountant prepares, the owner approves
    assert run.status == RunStatus.DRAFT


def test_specialists_see_only_their_own_payslips(
    business, owner, specialist, administrator, accountant, schemes, march
):
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    assert not payslips_visible_to(specialist).exists()  # a draft is not shown to the person it pays
    services.payroll_run_approve(actor=owner, run=run)
    assert {p.employee for p in payslips_visible_to(specialist)} == {specialist}
    assert {p.employee for p in payslips_visible_to(accountant)} >= {specialist, administrator}
    assert not payslips_visible_to(administrator).exists()


def test_own_assignment_beats_the_role_and_dates_matter(business, owner, specialist, schemes, march):
    services.pay_scheme_assign(
        actor=owner, scheme=schemes["front_desk"], employee=specialist, valid_from=dt.date(2026, 4, 1)
    )
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    assert run.payslips.get(employee=specialist).scheme_name == "Stylist"
    april = services.payroll_run_create(actor=owner, period_start=APRIL[0], period_end=APRIL[1])
    assert april.payslips.get(employee=specialist).scheme_name == "Front desk"


def _queries_of_a_run_after_an_approved_one(specialists: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffroom.staff.tests.factories import make_business, make_employee

    business = make_business()
    owner = business.owner
    branch = first_branch(business)
    cut = service(business, "Cut")
    scheme = services.pay_scheme_create(
        actor=owner, name="Stylist", rules=[{"kind": RuleKind.SERVICES_PERCENT, "percent": "40"}]
    )
    services.pay_scheme_assign(
        actor=owner, scheme=scheme, role=role_of(business, "specialist"), valid_from=dt.date(2026, 1, 1)
    )
    for n in range(specialists):
        stylist = make_employee(business, "specialist", full_name=f"Stylist {n}", provides_services=True)
        make_visit(business, specialist=stylist, branch=branch, date=dt.date(2026, 3, 2), lines=[(cut, "1000", "0")])
    services.payroll_run_approve(
        actor=owner, run=services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    )
    with CaptureQueriesContext(connection) as captured:
        services.payroll_run_create(actor=owner, period_start=APRIL[0], period_end=APRIL[1])
    return len(captured.captured_queries)


def test_a_run_reads_a_fixed_number_of_queries_whatever_the_staff(db):
    assert _queries_of_a_run_after_an_approved_one(2) == _queries_of_a_run_after_an_approved_one(7)


def test_branch_runs_pay_each_employee_once(business, owner, specialist, administrator, schemes, march):
    from staffroom.tenancy.models import Branch

    north, south = Branch.objects.for_business(business).order_by("name")
    administrator.branches.set([north])
    north_run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1], branch=north)
    assert {p.employee for p in north_run.payslips.all()} >= {specialist, administrator}
    south_run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1], branch=south)
    # The specialist works in both branches and was paid by the North run: South says so instead of paying twice.
    assert not south_run.payslips.filter(employee=specialist).exists()
    assert any(specialist.full_name in note for note in south_run.notes)
    with pytest.raises(Conflict):
        services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
