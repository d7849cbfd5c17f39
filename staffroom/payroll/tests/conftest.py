"""The month of data the payroll API and page tests share: one paid visit, a 40 % scheme, a calculated run."""

import datetime as dt

import pytest

from staffroom.payroll import services
from staffroom.payroll.choices import RuleKind
from staffroom.reports.tests.factories import make_visit, pay, service
from staffroom.scheduling.tests.factories import first_branch
from staffroom.staff.tests.factories import role_of


@pytest.fixture
def month(business, owner, specialist, administrator):
    branch = first_branch(business)
    cut = service(business, "Cut")
    visit = make_visit(
        business, specialist=specialist, branch=branch, date=dt.date(2026, 3, 2), lines=[(cut, "1500", "0")],
        created_by=administrator,
    )  # fmt: skip
    pay(visit, by=administrator)
    scheme = services.pay_scheme_create(
        actor=owner, name="Stylist", rules=[{"kind": RuleKind.SERVICES_PERCENT, "percent": "40"}]
    )
    services.pay_scheme_assign(
        actor=owner, scheme=scheme, role=role_of(business, "specialist"), valid_from=dt.date(2026, 1, 1)
    )
    run = services.payroll_run_create(actor=owner, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31))
    payslip = run.payslips.get(employee=specialist)
    return {"visit": visit, "scheme": scheme, "run": run, "payslip": payslip, "line": payslip.lines.first()}
