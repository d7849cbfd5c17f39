"""The owner runs payroll for last month in Debian's chromium, opens a payslip line and sees the visits behind it."""

import datetime as dt

import pytest

from conftest import browser_sign_in
from staffroom.payroll import services
from staffroom.payroll.choices import RuleKind
from staffroom.payroll.demo import last_month
from staffroom.reports.tests.factories import make_visit, service
from staffroom.scheduling.tests.factories import first_branch
from staffroom.staff.tests.factories import role_of

pytestmark = pytest.mark.browser


def test_owner_runs_last_months_payroll_and_sees_the_visits_behind_a_line(browser_page, business, owner, specialist):
    start, end = last_month(business)
    cut = service(business, "Cut")
    visits = [
        make_visit(business, specialist=specialist, branch=first_branch(business), date=start + dt.timedelta(days=day),
                   lines=[(cut, "2000", "200")])
        for day in (1, 5)
    ]  # fmt: skip
    scheme = services.pay_scheme_create(
        actor=owner,
        name="Stylist",
        rules=[{"kind": RuleKind.FIXED, "amount": "20000"}, {"kind": RuleKind.SERVICES_PERCENT, "percent": "40"}],
    )
    services.pay_scheme_assign(
        actor=owner, scheme=scheme, role=role_of(business, "specialist"), valid_from=start - dt.timedelta(days=30)
    )

    page = browser_page
    browser_sign_in(page, owner)
    page.click("nav >> text=Payroll")
    page.fill("#id_period_start", start.isoformat())
    page.fill("#id_period_end", end.isoformat())
    page.click("button[name=run]")
    page.wait_for_url("**/payroll/runs/*/")
    assert "Draft" in page.locator("main").inner_text()
    page.click(f"text={specialist.full_name}")
    line = page.locator("tr.payslip-line", has_text="of own services revenue")
    assert "3\u202f600.00 × 40 % = 1\u202f440.00" in line.inner_text()
    line.locator("a.facts-link").click()
    page.wait_for_url("**/payroll/lines/*/")
    rows = page.locator("table.visits tbody tr")
    assert rows.count() == 2
    assert {rows.nth(i).get_attribute("data-visit") for i in range(2)} == {str(v.pk) for v in visits}
    page.screenshot(path="var/screenshot-payroll-line.png", full_page=True)
