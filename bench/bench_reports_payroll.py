"""The sales report over 1 000 000 sale lines against one hand-written SQL GROUP BY of the same rows, and a payroll
run for 1 000 employees against one SQL aggregate of the same facts. BENCH_SALE_LINES shrinks the first for a
quick look."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal

from django.db import connection, transaction

SALE_LINES = int(os.environ.get("BENCH_SALE_LINES", "1000000"))
PAYROLL_EMPLOYEES = 1000
VISITS_PER_EMPLOYEE = 40
ZONE = "Europe/Moscow"


def _business(name: str):
    from staffroom.staff.tests.factories import make_business

    return make_business(name=name, branch_names=("Main",), time_zone=ZONE)


def _insert(table: str, columns: list[str], rows) -> None:
    """Plain batched INSERTs: the fastest way to lay down a large fixture on either database."""
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _next_id(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
        return cursor.fetchone()[0]


def _sale_fixture(business, *, specialists: int, visits: int, lines_per_visit: int, start: dt.date, clients: int):
    """`visits` sold visits spread over `specialists`, hourly without overlaps, from `start`; returns the employees."""
    from staffroom.catalog.models import Service, ServiceCategory
    from staffroom.clients.models import Client
    from staffroom.staff.models import Employee
    from staffroom.staff.tests.factories import role_of
    from staffroom.tenancy.models import Branch

    branch = Branch.objects.for_business(business).first()
    role = role_of(business, "specialist")
    employees = Employee.objects.bulk_create(
        Employee(business=business, full_name=f"Specialist {n}", role=role, provides_services=True)
        for n in range(specialists)
    )
    categories = [
        ServiceCategory.objects.create(business=business, name=name) for name in ("Hair", "Nails", "Face", "Body")
    ]
    services = [
        Service.objects.create(
            business=business, category=category, name=f"{category.name} {n}", duration_minutes=30, price=1000
        )
        for category in categories
        for n in range(2)
    ]
    client_objects = Client.objects.bulk_create(
        Client(business=business, full_name=f"Client {n}", phone=f"+7900{n:07d}") for n in range(clients)
    )
    now = dt.datetime.now(dt.UTC)
    first_appointment = _next_id("scheduling_appointment")
    first_start = dt.datetime.combine(start, dt.time(6), tzinfo=dt.UTC)

    def appointments():
        for index in range(visits):
            specialist = employees[index % specialists]
            slot = index // specialists
            # Ten one-hour visits a day per specialist, day after day: never overlapping.
            starts_at = first_start + dt.timedelta(days=slot // 10, hours=slot % 10)
            price = Decimal(1000 + (index % 7) * 250) * lines_per_visit
            discount = Decimal(100) * lines_per_visit if index % 5 == 0 else Decimal(0)
            yield (
                first_appointment + index, business.pk, branch.pk, specialist.pk,
                client_objects[index % clients].pk, starts_at, starts_at + dt.timedelta(minutes=50),
                "completed", specialist.pk if index % 3 else employees[0].pk, "", price, "none", 0, discount,
                price - discount, now, now, now, 1, "", "staff", "", "", "", "", "",
            )  # fmt: skip

    _insert(
        "scheduling_appointment",
        [
            "id", "business_id", "branch_id", "specialist_id", "client_id", "starts_at", "ends_at", "status",
            "created_by_id", "note", "price", "discount_kind", "discount_value", "discount_amount", "total",
            "status_changed_at", "created_at", "updated_at", "version", "cancellation_reason", "source",
            "source_site", "source_referrer", "utm_source", "utm_medium", "utm_campaign",
        ],
        appointments(),
    )  # fmt: skip

    def lines():
        for index in range(visits):
            price = Decimal(1000 + (index % 7) * 250)
            discount = Decimal(100) if index % 5 == 0 else Decimal(0)
            for position in range(lines_per_visit):
                service = services[(index + position) % len(services)]
                yield (
                    business.pk, first_appointment + index, service.pk, service.category_id, service.name,
                    position, 30, price, discount, price - discount,
                )  # fmt: skip

    _insert(
        "scheduling_appointmentline",
        [
            "business_id", "appointment_id", "service_id", "category_id", "service_name", "position",
            "duration_minutes", "price", "discount_amount", "total",
        ],
        lines(),
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE scheduling_appointment")
            cursor.execute("ANALYZE scheduling_appointmentline")
    return employees


def _timed(function):
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def bench_sales_report(report) -> None:
    from staffroom.reports.selectors import SalesFilter, sales_report

    business = _business("Bench Sales")
    lines_per_visit = 2
    start = dt.date(2025, 1, 1)
    with transaction.atomic():
        _sale_fixture(
            business, specialists=100, visits=SALE_LINES // lines_per_visit, lines_per_visit=lines_per_visit,
            start=start, clients=5000,
        )  # fmt: skip
    sales_filter = SalesFilter(start, dt.date(2026, 12, 31))

    def staffroom():
        return sales_report(business, sales_filter, ("period", "employee"), "month")

    if connection.vendor == "postgresql":
        month = "date_trunc('month', a.starts_at AT TIME ZONE %s)"
        params = [ZONE, business.pk]
    else:
        month = "strftime('%%Y-%%m', a.starts_at, '+3 hours')"  # Moscow has no DST: a fixed offset is the same
        params = [business.pk]
    sql = f"""
        SELECT {month} AS month, a.specialist_id, SUM(l.price), SUM(l.discount_amount), COUNT(DISTINCT a.id)
        FROM scheduling_appointmentline l JOIN scheduling_appointment a ON a.id = l.appointment_id
        WHERE l.business_id = %s AND a.status IN ('arrived', 'completed')
        GROUP BY 1, 2
    """

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    staffroom()  # warm both up: the first query of a run pays for the cold cache
    baseline()
    measured, result = _timed(staffroom)
    base, rows = _timed(baseline)
    assert len(result.rows) == len(rows), (len(result.rows), len(rows))
    assert result.total.gross == sum(Decimal(str(row[2])) for row in rows)
    # The report reads the lines, then the refunds spread over them; the total is the sum of the rows.
    report(f"sales report, {SALE_LINES:,} sale lines, by month and employee", measured, base, limit=3.0)


def bench_payroll_run(report) -> None:
    from staffroom.payroll import services
    from staffroom.payroll.choices import RuleKind
    from staffroom.staff.tests.factories import role_of

    business = _business("Bench Payroll")
    start = dt.date(2026, 3, 1)
    with transaction.atomic():
        _sale_fixture(
            business, specialists=PAYROLL_EMPLOYEES, visits=PAYROLL_EMPLOYEES * VISITS_PER_EMPLOYEE,
            lines_per_visit=1, start=start, clients=20000,
        )  # fmt: skip
    owner = business.owner
    scheme = services.pay_scheme_create(
        actor=owner,
        name="Bench",
        rules=[
            {"kind": RuleKind.FIXED, "amount": "20000"},
            {"kind": RuleKind.SERVICES_PERCENT, "percent": "40"},
            {"kind": RuleKind.PER_APPOINTMENT_CREATED, "amount": "50"},
            {"kind": RuleKind.PER_VISIT_ARRIVED, "amount": "30"},
        ],
    )
    services.pay_scheme_assign(actor=owner, scheme=scheme, role=role_of(business, "specialist"), valid_from=start)
    end = dt.date(2026, 3, 31)
    sql = """
        SELECT a.specialist_id, l.category_id, SUM(l.total), COUNT(DISTINCT a.id)
        FROM scheduling_appointmentline l JOIN scheduling_appointment a ON a.id = l.appointment_id
        WHERE l.business_id = %s AND a.status IN ('arrived', 'completed') AND a.starts_at >= %s AND a.starts_at < %s
        GROUP BY 1, 2
    """
    params = [business.pk, dt.datetime(2026, 2, 28, 21, tzinfo=dt.UTC), dt.datetime(2026, 3, 31, 21, tzinfo=dt.UTC)]

    lines_per_payslip = 4  # the scheme's four rules: one line each

    def baseline():
        """The facts in one GROUP BY, then each employee's payslip and its lines written in bulk (COPY)."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            totals: dict[int, Decimal] = {}
            for employee_id, _category, revenue, visits in rows:
                totals[employee_id] = totals.get(employee_id, Decimal(20000)) + revenue * Decimal("0.4") + visits * 80
            payslips = [(employee_id, start, end, "Bench", total) for employee_id, total in totals.items()]
            lines = [
                (employee_id, position, "earning", f"rule:{position}", total / lines_per_payslip, "{}")
                for employee_id, total in totals.items()
                for position in range(lines_per_payslip)
            ]
            cursor.execute(
                "CREATE TEMP TABLE bench_payslip (employee_id bigint, period_start date, period_end date, "
                "scheme_name varchar(120), total numeric(12, 2))"
            )
            cursor.execute(
                "CREATE TEMP TABLE bench_payslipline (employee_id bigint, position smallint, kind varchar(24), "
                "rule_key varchar(64), amount numeric(12, 2), message_params text)"
            )
            for table, data in (("bench_payslip", payslips), ("bench_payslipline", lines)):
                if connection.vendor == "postgresql":
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in data:
                            copy.write_row(row)
                else:
                    placeholders = ", ".join(["%s"] * len(data[0]))
                    cursor.executemany(f"INSERT INTO {table} VALUES ({placeholders})", data)
            cursor.execute("DROP TABLE bench_payslip")
            cursor.execute("DROP TABLE bench_payslipline")
        return rows

    def staffroom():
        with transaction.atomic():
            run = services.payroll_run_create(actor=owner, period_start=start, period_end=end)
            transaction.set_rollback(True)
        return run

    staffroom()
    baseline()
    measured, run = _timed(staffroom)
    base, rows = _timed(baseline)
    assert run.total > 0 and rows
    # The run reads five aggregates (revenue, refunds, bookings, visits with rebooking, payments), one GROUP BY
    # each for all employees, and writes 1 000 payslips and their lines with bulk_create; the baseline reads one
    # aggregate and COPYs as many payslips and lines. The target (issue #20) is 2.
    visits = PAYROLL_EMPLOYEES * VISITS_PER_EMPLOYEE
    report(f"payroll run, {PAYROLL_EMPLOYEES:,} employees, {visits:,} visits (vs GROUP BY + COPY)", measured, base, 2.0)


def run(report) -> None:
    bench_sales_report(report)
    bench_payroll_run(report)
