"""Sales report and KPI figures from the database, checked against a second, independent query."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from staffroom.reports.calculations import SalesFigures
from staffroom.reports.choices import KpiMetric
from staffroom.reports.selectors import SalesFilter, kpi_figures, sales_report
from staffroom.scheduling.tests.factories import first_branch, make_client
from staffroom.staff.tests.factories import make_employee
from staffroom.tenancy.models import Branch

from .factories import make_visit, pay, refund, service

D = Decimal
MARCH = SalesFilter(dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@pytest.fixture
def sales(business, specialist, administrator, call_center_operator):
    branch = first_branch(business)
    other_branch = Branch.objects.for_business(business).exclude(pk=branch.pk).first()
    second = make_employee(business, "specialist", full_name="Tia Second", provides_services=True)
    cut = service(business, "Cut", "Hair")
    colour = service(business, "Colour", "Colour")
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
            date=dt.date(2026, 3, 2),
            hour=12,
            lines=[(cut, "1500", "150"), (colour, "3000", "300")],
            created_by=call_center_operator,
        ),
        make_visit(
            business,
            specialist=second,
            branch=other_branch,
            date=dt.date(2026, 3, 10),
            lines=[(colour, "4000", "0")],
            created_by=call_center_operator,
        ),
        # Not sales: a no-show, a cancelled visit, and a visit in April.
        make_visit(
            business,
            specialist=second,
            branch=branch,
            date=dt.date(2026, 3, 11),
            lines=[(cut, "999", "0")],
            status="no_show",
            created_by=call_center_operator,
        ),
        make_visit(
            business,
            specialist=second,
            branch=branch,
            date=dt.date(2026, 3, 12),
            lines=[(cut, "999", "0")],
            status="cancelled",
            created_by=call_center_operator,
        ),
        make_visit(business, specialist=second, branch=branch, date=dt.date(2026, 4, 1), lines=[(cut, "999", "0")]),
    ]
    payments = [pay(visit, by=administrator) for visit in visits[:3]]
    refund(payments[2], "1000", by=administrator)
    return {"visits": visits, "second": second, "cut": cut, "colour": colour}


def test_sales_report_figures_by_employee(business, specialist, sales):
    report = sales_report(business, MARCH, group_by=("employee",))
    by_employee = {row.key[0]: row.figures for row in report.rows}
    assert by_employee[specialist.pk] == SalesFigures(gross=D("6000.00"), discounts=D("450.00"), visits=2)
    assert by_employee[sales["second"].pk] == SalesFigures(gross=D("4000.00"), returns=D("1000.00"), visits=1)
    assert report.total.net == D("8550.00")
    assert report.total.visits == 3
    assert report.total.average_check == D("2850.00")


def test_report_totals_equal_the_sum_of_the_underlying_rows_by_an_independent_query(business, sales):
    report = sales_report(business, MARCH, group_by=("period", "employee", "category"), grouping="day")
    with connection.cursor() as cursor:
        # Hand-written SQL over the same tables: sold service lines of March, local dates in the business zone.
        cursor.execute(
            """
            SELECT SUM(l.price), SUM(l.discount_amount), COUNT(DISTINCT a.id)
            FROM scheduling_appointmentline l JOIN scheduling_appointment a ON a.id = l.appointment_id
            WHERE l.business_id = %s AND a.status IN ('arrived', 'completed')
              AND a.starts_at >= %s AND a.starts_at < %s
            """,
            [business.pk, dt.datetime(2026, 2, 28, 21, tzinfo=dt.UTC), dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC)],
        )
        gross, discounts, visits = cursor.fetchone()
        cursor.execute(
            """
            SELECT SUM(r.amount) FROM payments_refund r
            JOIN payments_payment p ON p.id = r.payment_id JOIN scheduling_appointment a ON a.id = p.appointment_id
            WHERE r.business_id = %s AND a.status IN ('arrived', 'completed')
              AND a.starts_at >= %s AND a.starts_at < %s
            """,
            [business.pk, dt.datetime(2026, 2, 28, 21, tzinfo=dt.UTC), dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC)],
        )
        (returns,) = cursor.fetchone()
    rows_gross = sum((row.figures.gross for row in report.rows), D(0))
    rows_discounts = sum((row.figures.discounts for row in report.rows), D(0))
    rows_returns = sum((row.figures.returns for row in report.rows), D(0))
    assert rows_gross == report.total.gross == D(str(gross))
    assert rows_discounts == report.total.discounts == D(str(discounts))
    assert rows_returns == report.total.returns == D(str(returns))
    assert report.total.visits == visits == 3
    days = {row.labels["period"] for row in report.rows}
    assert days == {"2026-03-02", "2026-03-10"}
    categories = {(row.labels["category"], row.figures.gross) for row in report.rows}
    assert ("Colour", D("3000.00")) in categories and ("Colour", D("4000.00")) in categories


def test_returns_are_spread_over_the_services_of_the_visit(business, administrator, sales):
    payment = sales["visits"][1].payments.first()
    refund(payment, "405", by=administrator)  # a tenth of the 4 050 visit
    report = sales_report(business, SalesFilter(dt.date(2026, 3, 2), dt.date(2026, 3, 2)), group_by=("category",))
    by_category = {row.labels["category"]: row.figures.returns for row in report.rows}
    assert by_category == {"Hair": D("135.00"), "Colour": D("270.00")}


def test_month_grouping_and_filters(business, specialist, sales):
    report = sales_report(business, MARCH, group_by=("period",), grouping="month")
    assert [(row.key[0], row.figures.gross) for row in report.rows] == [(dt.date(2026, 3, 1), D("10000.00"))]
    only = sales_report(
        business, SalesFilter(MARCH.start, MARCH.end, category_ids=(sales["colour"].category_id,)), group_by=()
    )
    assert only.total.gross == D("7000.00")
    assert only.total.returns == D("1000.00")


def test_kpi_figures(business, specialist, administrator, call_center_operator, sales):
    client = sales["visits"][0].client
    make_visit(
        business,
        specialist=specialist,
        branch=first_branch(business),
        date=dt.date(2026, 4, 20),
        lines=[(sales["cut"], "1500", "0")],
        status="booked",
        client=client,
    )
    figures = kpi_figures(business, MARCH.start, MARCH.end)
    operator = figures[call_center_operator.pk]
    assert operator[KpiMetric.APPOINTMENTS_CREATED] == 3  # the cancelled one does not count
    assert operator[KpiMetric.ARRIVED_SHARE] == D("66.67")
    assert operator[KpiMetric.BOOKED_REVENUE] == D("8050.00")
    admin = figures[administrator.pk]
    assert (admin[KpiMetric.PAYMENTS_COUNT], admin[KpiMetric.PAYMENTS_AMOUNT]) == (3, D("9550.00"))
    own = figures[specialist.pk]
    assert own[KpiMetric.VISITS_ARRIVED] == 2
    assert own[KpiMetric.REBOOKING_RATE] == D("50.00")  # one of two clients booked again
    assert own[KpiMetric.SERVICES_REVENUE] == D("5550.00")
    assert make_client  # the factory module is shared with the payroll tests


def test_period_buckets_follow_the_local_calendar_across_dst(db):
    from staffroom.staff.tests.factories import make_business, make_employee

    berlin = make_business(name="Berlin Salon", time_zone="Europe/Berlin", currency="EUR")
    stylist = make_employee(berlin, "specialist", full_name="Berlin Stylist", provides_services=True)
    branch = first_branch(berlin)
    cut = service(berlin, "Cut")
    # Just after local midnight on the day summer time starts and just before midnight on the day it ends.
    for date, hour in ((dt.date(2026, 3, 29), 0), (dt.date(2026, 10, 25), 23), (dt.date(2026, 10, 31), 23)):
        make_visit(berlin, specialist=stylist, branch=branch, date=date, hour=hour, lines=[(cut, "100", "0")])
    days = sales_report(berlin, SalesFilter(dt.date(2026, 3, 1), dt.date(2026, 11, 30)), ("period",), "day")
    assert [row.key[0] for row in days.rows] == [dt.date(2026, 3, 29), dt.date(2026, 10, 25), dt.date(2026, 10, 31)]
    months = sales_report(berlin, SalesFilter(dt.date(2026, 3, 1), dt.date(2026, 11, 30)), ("period",), "month")
    assert [(row.key[0], row.figures.visits) for row in months.rows] == [
        (dt.date(2026, 3, 1), 1),
        (dt.date(2026, 10, 1), 2),
    ]


@pytest.mark.parametrize("grouping", ["day", "week", "month"])
def test_database_buckets_agree_with_the_pure_period_start(business, specialist, grouping):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from staffroom.reports.calculations import period_start
    from staffroom.scheduling.models import Appointment

    branch = first_branch(business)
    cut = service(business, "Cut")
    window = SalesFilter(dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    moment = st.tuples(st.dates(window.start, window.end), st.integers(0, 23))

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(moment, min_size=1, max_size=6, unique=True))  # one specialist: no two visits at once
    def check(moments):
        Appointment.objects.for_business(business).delete()
        for date, hour in moments:
            make_visit(business, specialist=specialist, branch=branch, date=date, hour=hour, lines=[(cut, "10", "0")])
        report = sales_report(business, window, ("period",), grouping)
        expected: dict = {}
        for date, _hour in moments:
            bucket = period_start(date, grouping)
            expected[bucket] = expected.get(bucket, 0) + 1
        assert {row.key[0]: row.figures.visits for row in report.rows} == expected

    check()


def test_a_role_limited_to_a_branch_reports_on_that_branch_only(business, specialist, administrator, sales, api_for):
    branch = first_branch(business)
    other = Branch.objects.for_business(business).exclude(pk=branch.pk).first()
    administrator.role_branches.set([branch])
    api = api_for(administrator)
    report = api.get("/api/v1/reports/sales?start=2026-03-01&end=2026-03-31&group_by=branch").json()
    assert [row["key"]["branch"] for row in report["rows"]] == [branch.pk]
    assert report["total"]["gross"] == "6000.00"
    refused = api.get(f"/api/v1/reports/sales?start=2026-03-01&end=2026-03-31&branch_id={other.pk}")
    assert refused.status_code == 403


def test_kpi_target_set_and_removed_through_the_api(business, api_for):
    from staffroom.reports.models import KpiTarget
    from staffroom.staff.tests.factories import role_of

    api = api_for(business.owner)
    role = role_of(business, "call_center")
    body = {"role_id": role.pk, "metric": "appointments_created", "target": "40"}
    assert api.put("/api/v1/reports/kpi-targets", body, content_type="application/json").status_code == 200
    assert KpiTarget.objects.for_business(business).get(role=role).target == 40
    bad = api.put("/api/v1/reports/kpi-targets", {**body, "target": "-1"}, content_type="application/json")
    assert bad.status_code == 422
    gone = api.put("/api/v1/reports/kpi-targets", {**body, "target": None}, content_type="application/json")
    assert gone.status_code == 204
    assert not KpiTarget.objects.for_business(business).exists()
