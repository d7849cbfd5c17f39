"""A manager paid a % of product sales from orders; an order return after approval is corrected next period."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from staffroom.orders.services import ItemInput
from staffroom.orders.tests.factories import make_product
from staffroom.payroll import services
from staffroom.payroll.choices import KpiMetric, RuleKind
from staffroom.payroll.models import PayslipLine
from staffroom.payroll.selectors import orders_behind_line
from staffroom.reports.tests.factories import return_goods, sell_order, service
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.tests.factories import first_branch
from staffroom.staff.tests.factories import role_of

D = Decimal
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def at_noon(business, date):
    return local_to_utc(date, dt.time(12), business.zone)


@pytest.fixture
def sales_manager_scheme(business, owner):
    scheme = services.pay_scheme_create(
        actor=owner,
        name="Sales manager",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "40000"},
            {"kind": RuleKind.PRODUCT_SALES_PERCENT, "percent": "10"},
            {
                "kind": RuleKind.KPI_BONUS,
                "metric": KpiMetric.ORDERS_COMPLETED,
                "tiers": [{"threshold": "1", "amount": "1000"}],
            },
        ],
    )
    services.pay_scheme_assign(
        actor=owner, scheme=scheme, role=role_of(business, "manager"), valid_from=dt.date(2026, 1, 1)
    )
    return scheme


@pytest.fixture
def march_orders(business, owner, manager):
    cream = make_product(business, name="Cream", price="1000.00")
    cut = service(business, "Cut", "Hair", price="1500.00")
    branch = first_branch(business)
    # 3 creams with 300 off (2 700) and a service line (not a product sale), completed in March.
    first = sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=cream, quantity=3, discount_amount=D("300.00")), ItemInput(service=cut, quantity=1)],
        at=at_noon(business, dt.date(2026, 3, 3)),
        complete=True,
        branch=branch,
    )
    # 2 creams at list price (2 000), paid but not completed.
    second = sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=cream, quantity=2)],
        at=at_noon(business, dt.date(2026, 3, 25)),
        branch=branch,
    )
    return {"first": first, "second": second, "cream": cream}


def lines_of(run, employee):
    payslip = run.payslips.get(employee=employee)
    return [(line.kind, line.base, line.amount, line.is_correction) for line in payslip.lines.all()], payslip


def test_a_manager_is_paid_a_percent_of_product_sales_and_a_return_after_approval_is_corrected_next_period(
    business, owner, manager, sales_manager_scheme, march_orders
):
    march = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    manager_lines, payslip = lines_of(march, manager)
    # Product sales 2 700 + 2 000 = 4 700 after discounts; the service line is not a product sale.
    assert manager_lines == [
        (RuleKind.FIXED, D("0.00"), D("40000.00"), False),
        (RuleKind.PRODUCT_SALES_PERCENT, D("4700.00"), D("470.00"), False),
        (RuleKind.KPI_BONUS, D("1.00"), D("1000.00"), False),
    ]
    assert payslip.total == D("41470.00")
    services.payroll_run_approve(actor=owner, run=march)
    approved = list(PayslipLine.objects.for_business(business).filter(payslip__run=march).values_list("pk", "amount"))

    # After approval, one cream of the first order comes back (900: its share of the 300 discount is kept off).
    first = march_orders["first"]
    return_goods(
        owner, first, item=first.items.get(product=march_orders["cream"]), quantity=1, at=at_noon(business, APRIL[0])
    )

    april = services.payroll_run_create(actor=owner, period_start=APRIL[0], period_end=APRIL[1])
    manager_lines, payslip = lines_of(april, manager)
    assert manager_lines == [
        (RuleKind.FIXED, D("0.00"), D("40000.00"), False),
        (RuleKind.PRODUCT_SALES_PERCENT, D("0.00"), D("0.00"), False),
        (RuleKind.KPI_BONUS, D("0.00"), D("0.00"), False),
        (RuleKind.PRODUCT_SALES_PERCENT, D("3800.00"), D("-90.00"), True),
    ]
    correction = payslip.lines.get(is_correction=True)
    assert (correction.for_period_start, correction.for_period_end) == MARCH
    assert payslip.total == D("39910.00")
    # The approved March payslip is untouched, and once April is approved May finds nothing left to correct.
    assert (
        list(PayslipLine.objects.for_business(business).filter(payslip__run=march).values_list("pk", "amount"))
        == approved
    )
    services.payroll_run_approve(actor=owner, run=april)
    may = services.payroll_run_create(actor=owner, period_start=dt.date(2026, 5, 1), period_end=dt.date(2026, 5, 31))
    assert not PayslipLine.objects.for_business(business).filter(payslip__run=may, is_correction=True).exists()


def test_the_product_sales_line_shows_the_orders_behind_it(
    business, owner, manager, sales_manager_scheme, march_orders, client_for, api_for
):
    march = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    product_line = march.payslips.get(employee=manager).lines.get(kind=RuleKind.PRODUCT_SALES_PERCENT)
    assert set(orders_behind_line(product_line)) == {march_orders["first"], march_orders["second"]}
    bonus_line = march.payslips.get(employee=manager).lines.get(kind=RuleKind.KPI_BONUS)
    assert set(orders_behind_line(bonus_line)) == {march_orders["first"]}

    page = client_for(owner).get(reverse("payroll:line_facts", args=[product_line.pk]))
    assert page.status_code == 200
    assert f'data-order="{march_orders["second"].pk}"' in page.content.decode()
    facts = api_for(owner).get(f"/api/v1/payroll/payslip-lines/{product_line.pk}/facts")
    assert facts.status_code == 200
    assert {row["number"] for row in facts.json()["orders"]} == {
        march_orders["first"].number,
        march_orders["second"].number,
    }
