"""Orders feed the sales report and the KPI: sold orders by their sale date, manager, pickup branch, category."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from staffroom.orders.services import ItemInput, order_claim
from staffroom.orders.tests.factories import make_order, make_product
from staffroom.reports.calculations import SalesFigures
from staffroom.reports.choices import KpiMetric
from staffroom.reports.selectors import SalesFilter, kpi_figures, product_sales_by_employee, sales_report
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.tests.factories import first_branch
from staffroom.staff.tests.factories import make_employee

from .factories import make_visit, return_goods, sell_order, service

D = Decimal
MARCH = SalesFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def local_noon(business, date: dt.date) -> dt.datetime:
    return local_to_utc(date, dt.time(12), business.zone)


@pytest.fixture
def order_sales(business, owner, manager, specialist):
    branch = first_branch(business)
    colleague = make_employee(business, "manager", full_name="Cora Colleague")
    cream = make_product(business, name="Cream", price="500.00")
    soap = make_product(business, name="Soap", price="300.00")
    cut = service(business, "Cut", "Hair", price="1500.00")
    first = sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=cream, quantity=2, discount_amount=D("100.00")), ItemInput(service=cut, quantity=1)],
        at=local_noon(business, dt.date(2026, 3, 5)),
        branch=branch,
    )
    second = sell_order(
        owner,
        responsible=colleague,
        items=[ItemInput(product=soap, quantity=1)],
        at=local_noon(business, dt.date(2026, 3, 20)),
        complete=True,
    )
    # Not March sales: an order sold in April, and one never paid.
    sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=soap, quantity=5)],
        at=local_noon(business, dt.date(2026, 4, 2)),
    )
    with time_machine.travel(local_noon(business, dt.date(2026, 3, 6)), tick=False):
        make_order(owner, responsible=manager, items=[ItemInput(product=soap, quantity=7)])
    # One of the two creams comes back in April: the return lowers March, the month it was sold.
    cream_line = first.items.get(product=cream)
    return_goods(owner, first, item=cream_line, quantity=1, at=local_noon(business, dt.date(2026, 4, 10)))
    # A visit in the same month: both sources add up.
    make_visit(business, specialist=specialist, branch=branch, date=dt.date(2026, 3, 5), lines=[(cut, "1500", "0")])
    return {"colleague": colleague, "first": first, "second": second, "branch": branch}


def test_orders_in_the_sales_report_by_manager(business, manager, specialist, order_sales):
    report = sales_report(business, MARCH, group_by=("employee",))
    by_employee = {row.key[0]: row.figures for row in report.rows}
    # 2 x 500 creams with 100 off, one cut at 1500; one cream (450 after its share of the discount) came back.
    assert by_employee[manager.pk] == SalesFigures(
        gross=D("2500.00"), discounts=D("100.00"), returns=D("450.00"), orders=1
    )
    assert by_employee[order_sales["colleague"].pk] == SalesFigures(gross=D("300.00"), orders=1)
    assert by_employee[specialist.pk] == SalesFigures(gross=D("1500.00"), visits=1)
    assert report.total.allowances == D("0.00")  # orders have no price cuts after the sale but returns
    assert report.total.net == D("2500.00") - D("100.00") - D("450.00") + D("300.00") + D("1500.00")
    assert (report.total.orders, report.total.visits) == (2, 1)
    assert report.total.average_check == (report.total.net / 3).quantize(D("0.01"))


def test_orders_by_branch_and_category(business, manager, order_sales):
    by_branch = {row.key[0]: row.figures for row in sales_report(business, MARCH, group_by=("branch",)).rows}
    # The delivery (no pickup branch) order sits in the row without a branch.
    assert by_branch[None] == SalesFigures(gross=D("300.00"), orders=1)
    assert by_branch[order_sales["branch"].pk].orders == 1
    by_category = {
        row.labels["category"]: row.figures for row in sales_report(business, MARCH, group_by=("category",)).rows
    }
    assert by_category["Hair"].gross == D("3000.00")  # the visit's cut and the order's cut
    assert by_category["No category"] == SalesFigures(
        gross=D("1300.00"), discounts=D("100.00"), returns=D("450.00"), orders=2
    )
    only_manager = sales_report(business, SalesFilter(MARCH.start, MARCH.end, employee_ids=(manager.pk,)))
    assert only_manager.total.orders == 1 and only_manager.total.visits == 0


def test_order_totals_equal_an_independent_query(business, order_sales):
    report = sales_report(business, MARCH, group_by=("period", "employee", "category"), grouping="week")
    starts, ends = local_noon(business, MARCH.start), local_noon(business, MARCH.end)
    starts, ends = starts - dt.timedelta(hours=12), ends + dt.timedelta(hours=12)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT SUM(i.gross_amount), SUM(i.discount_amount), SUM(i.returned_amount), COUNT(DISTINCT o.id)
            FROM orders_orderitem i JOIN orders_order o ON o.id = i.order_id
            WHERE i.business_id = %s AND o.sold_at >= %s AND o.sold_at < %s
            """,
            [business.pk, starts, ends],
        )
        gross, discounts, returns, orders = cursor.fetchone()
    visits_gross = D("1500.00")
    assert sum((row.figures.gross for row in report.rows), D(0)) == report.total.gross == D(str(gross)) + visits_gross
    assert sum((row.figures.discounts for row in report.rows), D(0)) == report.total.discounts == D(str(discounts))
    assert sum((row.figures.returns for row in report.rows), D(0)) == report.total.returns == D(str(returns))
    assert report.total.orders == orders == 2


def test_kpi_orders_claimed_and_completed_and_product_sales(business, owner, manager, order_sales):
    with time_machine.travel(local_noon(business, dt.date(2026, 3, 7)), tick=False):
        queued = make_order(owner, responsible=None)
        order_claim(actor=manager, order=queued)
    figures = kpi_figures(business, MARCH.start, MARCH.end)
    assert figures[manager.pk][KpiMetric.ORDERS_CLAIMED] == 1
    assert figures[manager.pk][KpiMetric.ORDERS_COMPLETED] == 0
    assert figures[order_sales["colleague"].pk][KpiMetric.ORDERS_COMPLETED] == 1
    # Product lines only (the cut is a service), after discounts, less the returned cream.
    assert product_sales_by_employee(business, MARCH) == {
        manager.pk: D("450.00"),
        order_sales["colleague"].pk: D("300.00"),
    }
    assert figures[manager.pk]["product_sales"] == D("450.00")
    # A manager sells services in orders but does not earn "own services revenue": that is what specialists served.
    assert figures[manager.pk][KpiMetric.SERVICES_REVENUE] == 0
    in_branch = kpi_figures(business, MARCH.start, MARCH.end, branch_ids=(order_sales["branch"].pk,))
    assert in_branch.get(order_sales["colleague"].pk, {}).get(KpiMetric.ORDERS_COMPLETED, 0) == 0


def test_a_manager_sees_only_their_own_orders_in_the_sales_report(
    business, manager, accountant, order_sales, api_for, client_for
):
    march = "start=2026-03-01&end=2026-03-31"
    colleague = order_sales["colleague"]
    own = api_for(manager).get(f"/api/v1/reports/sales?{march}&group_by=employee").json()
    rows = {row["key"]["employee"]: row["figures"] for row in own["rows"]}
    assert rows[manager.pk]["orders"] == 1
    assert colleague.pk not in rows  # the colleague's order amounts are hidden, as in the orders app
    assert own["total"]["orders"] == 1
    everyone = api_for(accountant).get(f"/api/v1/reports/sales?{march}&group_by=employee").json()
    assert everyone["total"]["orders"] == 2
    assert {row["key"]["employee"] for row in everyone["rows"]} >= {manager.pk, colleague.pk}

    page = client_for(manager).get(
        "/reports/sales/", {"start": "2026-03-01", "end": "2026-03-31", "group_by": "employee", "grouping": "day"}
    )
    assert page.status_code == 200
    shown = {row.key[0] for row in page.context["report"].rows}
    assert manager.pk in shown and colleague.pk not in shown
    assert page.context["report"].total.orders == 1
