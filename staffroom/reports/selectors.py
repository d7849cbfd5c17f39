"""Sale facts and KPI figures, aggregated in the database. Every source of sales (visits and orders)
answers the same question — figures per group key — so reports and payroll read them in one place."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf

from staffroom.orders.choices import ActionKind, ItemKind, OrderStatus
from staffroom.orders.models import Order, OrderAction, OrderItem
from staffroom.payments.models import Allowance, Payment, Refund
from staffroom.reports.choices import KpiMetric
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.choices import SOLD_STATUSES, AppointmentStatus
from staffroom.scheduling.models import Appointment, AppointmentLine
from staffroom.security.models import SecurityEvent

from .calculations import SalesFigures, merge_rows, period_buckets, total_of

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=6)

DIMENSIONS = ("period", "branch", "employee", "category")


class _Fractional(Func):
    """A money expression that divides as a fraction. SQLite stores whole-number decimals as integers and divides
    integers as integers (100 × 500 / 1500 = 33), so there the numerator is made REAL; PostgreSQL divides numerics
    exactly. Every share is summed and then rounded half-up to the currency once."""

    template = "%(expressions)s"
    output_field = MONEY

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS REAL)", **extra_context)


def share_of(amount: str, part: str, whole: str) -> ExpressionWrapper:
    """amount × part / whole: the share of an amount (a refund, an allowance) that one line of a sale carries."""
    return ExpressionWrapper(_Fractional(F(amount) * F(part)) / NullIf(F(whole), 0), output_field=MONEY)


@dataclass(frozen=True)
class SalesFilter:
    """Which sales: local business dates (inclusive) and optional branch, employee and category limits."""

    start: dt.date
    end: dt.date
    branch_ids: tuple[int, ...] = ()
    employee_ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    # Orders of these responsible managers only (None: every order). A manager who works orders without
    # `orders.view_all` sees only their own orders' amounts, here as in the orders app (see `orders_scope`).
    order_responsible_ids: tuple[int, ...] | None = None


def local_range(business, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Local dates start..end (inclusive) as a UTC half-open range."""
    zone = business.zone
    return local_to_utc(start, dt.time(0), zone), local_to_utc(end + dt.timedelta(days=1), dt.time(0), zone)


def period_bucket(business, field: str, start: dt.date, end: dt.date, grouping: str):
    """The local day/week/month a timestamp falls into, as a tree of comparisons with the buckets' UTC starts.

    The boundaries come from zoneinfo (so DST is exact) and the database only compares timestamps, which every
    backend does natively; SQLite would otherwise call a Python function per row to convert time zones."""
    buckets = period_buckets(start, end, grouping)
    zone = business.zone
    starts = [local_to_utc(bucket, dt.time(0), zone) for bucket in buckets]

    def subtree(low: int, high: int):
        if low == high:
            return Value(buckets[low], output_field=DateField())
        middle = (low + high + 1) // 2
        return Case(
            When(**{f"{field}__lt": starts[middle]}, then=subtree(low, middle - 1)),
            default=subtree(middle, high),
            output_field=DateField(),
        )

    if not buckets:
        return Value(None, output_field=DateField())
    return subtree(0, len(buckets) - 1)


def _group_fields(
    business, prefix: str, group_by: Iterable[str], grouping: str, line_prefix: str, sales_filter: SalesFilter
) -> dict:
    """Map report dimensions to ORM expressions, starting from a model that reaches the appointment by `prefix`."""
    fields = {}
    for dimension in group_by:
        if dimension == "period":
            fields["group_period"] = period_bucket(
                business, f"{prefix}starts_at", sales_filter.start, sales_filter.end, grouping
            )
        elif dimension == "branch":
            fields["group_branch"] = F(f"{prefix}branch_id")
        elif dimension == "employee":
            fields["group_employee"] = F(f"{prefix}specialist_id")
        elif dimension == "category":
            fields["group_category"] = F(f"{line_prefix}category_id")
        else:
            raise ValueError(f"unknown dimension {dimension!r}")
    return fields


def _key(row: dict, group_by: tuple[str, ...]) -> tuple:
    return tuple(row[f"group_{dimension}"] for dimension in group_by)


def _grouped(queryset, fields: dict, **aggregates) -> list[dict]:
    """GROUP BY the fields; with no fields, one row for everything (`values()` alone would mean every column)."""
    if not fields:
        row = queryset.aggregate(**aggregates)
        return [row] if any(row.values()) else []
    return list(queryset.values(**fields).annotate(**aggregates).order_by())


def visit_lines(business, sales_filter: SalesFilter):
    """Service lines of the visits sold in the filter (the rows the visit source aggregates)."""
    starts, ends = local_range(business, sales_filter.start, sales_filter.end)
    queryset = AppointmentLine.objects.for_business(business).filter(
        appointment__status__in=SOLD_STATUSES,
        appointment__starts_at__gte=starts,
        appointment__starts_at__lt=ends,
    )
    if sales_filter.branch_ids:
        queryset = queryset.filter(appointment__branch_id__in=sales_filter.branch_ids)
    if sales_filter.employee_ids:
        queryset = queryset.filter(appointment__specialist_id__in=sales_filter.employee_ids)
    if sales_filter.category_ids:
        queryset = queryset.filter(category_id__in=sales_filter.category_ids)
    return queryset


def visit_sales_rows(
    business, sales_filter: SalesFilter, group_by: tuple[str, ...], grouping: str = "day"
) -> list[tuple[tuple, SalesFigures]]:
    """The visit source: gross, discounts and visits from the service lines; returns are the refunds of those
    visits, spread over their services in proportion to what each cost (so a category carries its share), and
    allowances (price reductions after the sale) the same way. Returns and allowances belong to the visit they
    reduce, whenever refunded or granted, so a period's net is what it really earned."""
    group_by = tuple(group_by)
    lines = visit_lines(business, sales_filter)
    sold = _grouped(
        lines,
        _group_fields(business, "appointment__", group_by, grouping, "", sales_filter),
        gross=Coalesce(Sum("price"), Value(ZERO), output_field=MONEY),
        discounts=Coalesce(Sum("discount_amount"), Value(ZERO), output_field=MONEY),
        visits=Count("appointment_id", distinct=True),
    )
    rows = [
        (_key(row, group_by), SalesFigures(gross=row["gross"], discounts=row["discounts"], visits=row["visits"]))
        for row in sold
    ]
    starts, ends = local_range(business, sales_filter.start, sales_filter.end)
    # One filter() call, so every condition on the visit's lines applies to the same joined line.
    conditions = {
        "payment__appointment__status__in": SOLD_STATUSES,
        "payment__appointment__starts_at__gte": starts,
        "payment__appointment__starts_at__lt": ends,
        "payment__appointment__lines__business": business,
    }
    if sales_filter.branch_ids:
        conditions["payment__appointment__branch_id__in"] = sales_filter.branch_ids
    if sales_filter.employee_ids:
        conditions["payment__appointment__specialist_id__in"] = sales_filter.employee_ids
    if sales_filter.category_ids:
        conditions["payment__appointment__lines__category_id__in"] = sales_filter.category_ids
    # Money paid back for an allowance is counted with the allowance below, not as a return.
    refunds = Refund.objects.for_business(business).filter(allowance__isnull=True, **conditions)
    share = share_of("amount", "payment__appointment__lines__total", "payment__appointment__total")
    returned = _grouped(
        refunds,
        _group_fields(
            business, "payment__appointment__", group_by, grouping, "payment__appointment__lines__", sales_filter
        ),
        returns=Coalesce(Sum(share), Value(ZERO), output_field=MONEY),
    )
    rows.extend((_key(row, group_by), SalesFigures(returns=row["returns"])) for row in returned)
    # Allowances belong to the visit they reduce, whenever granted, spread over its services like a refund.
    allowance_conditions = {key.removeprefix("payment__"): value for key, value in conditions.items()}
    allowance_share = share_of("amount", "appointment__lines__total", "appointment__total")
    allowed = _grouped(
        Allowance.objects.for_business(business).filter(**allowance_conditions),
        _group_fields(business, "appointment__", group_by, grouping, "appointment__lines__", sales_filter),
        allowances=Coalesce(Sum(allowance_share), Value(ZERO), output_field=MONEY),
    )
    rows.extend((_key(row, group_by), SalesFigures(allowances=row["allowances"])) for row in allowed)
    return rows


# An order item's share of its order's allowances: in proportion to what the item cost.
ORDER_ITEM_ALLOWANCE_SHARE = share_of("order__allowance_amount", "total", "order__total")


def order_items_sold(business, sales_filter: SalesFilter):
    """Items of the orders sold in the filter: an order sells when it reaches "paid" (`sold_at`), on that local
    date, to its responsible manager, at its pickup branch (a delivery order has no branch); a service item
    carries its service's category, a product none."""
    starts, ends = local_range(business, sales_filter.start, sales_filter.end)
    queryset = OrderItem.objects.for_business(business).filter(order__sold_at__gte=starts, order__sold_at__lt=ends)
    if sales_filter.branch_ids:
        queryset = queryset.filter(order__pickup_branch_id__in=sales_filter.branch_ids)
    if sales_filter.employee_ids:
        queryset = queryset.filter(order__responsible_id__in=sales_filter.employee_ids)
    if sales_filter.category_ids:
        queryset = queryset.filter(service__category_id__in=sales_filter.category_ids)
    if sales_filter.order_responsible_ids is not None:
        queryset = queryset.filter(order__responsible_id__in=sales_filter.order_responsible_ids)
    return queryset


def _order_group_fields(business, group_by: Iterable[str], grouping: str, sales_filter: SalesFilter) -> dict:
    fields = {}
    for dimension in group_by:
        if dimension == "period":
            fields["group_period"] = period_bucket(
                business, "order__sold_at", sales_filter.start, sales_filter.end, grouping
            )
        elif dimension == "branch":
            fields["group_branch"] = F("order__pickup_branch_id")
        elif dimension == "employee":
            fields["group_employee"] = F("order__responsible_id")
        elif dimension == "category":
            fields["group_category"] = F("service__category_id")
        else:
            raise ValueError(f"unknown dimension {dimension!r}")
    return fields


def order_sales_rows(business, sales_filter: SalesFilter, group_by: tuple[str, ...], grouping: str = "day"):
    """The orders source: gross, discounts, returns and orders per group key from the sold orders' items, with
    the responsible manager as the employee. Returns belong to the item they return (its `returned_amount`),
    whenever the goods came back, like a visit's refund. Allowances (price cuts after the sale that are not
    returns) are the order's, spread over its items in proportion to what each cost."""
    group_by = tuple(group_by)
    sold = _grouped(
        order_items_sold(business, sales_filter),
        _order_group_fields(business, group_by, grouping, sales_filter),
        gross=Coalesce(Sum("gross_amount"), Value(ZERO), output_field=MONEY),
        discounts=Coalesce(Sum("discount_amount"), Value(ZERO), output_field=MONEY),
        returns=Coalesce(Sum("returned_amount"), Value(ZERO), output_field=MONEY),
        allowances=Coalesce(Sum(ORDER_ITEM_ALLOWANCE_SHARE), Value(ZERO), output_field=MONEY),
        orders=Count("order_id", distinct=True),
    )
    return [
        (
            _key(row, group_by),
            SalesFigures(
                gross=row["gross"],
                discounts=row["discounts"],
                returns=row["returns"],
                allowances=row["allowances"],
                orders=row["orders"],
            ),
        )
        for row in sold
    ]


# Every source of sale facts; an orders source joins here and every report, KPI and payroll figure follows.
SALE_SOURCES: list[Callable[..., list[tuple[tuple, SalesFigures]]]] = [visit_sales_rows, order_sales_rows]


def sales_rows(
    business, sales_filter: SalesFilter, group_by: tuple[str, ...], grouping: str = "day"
) -> dict[tuple, SalesFigures]:
    """Figures per group key from every source, added up (a handful of aggregated rows, not per-visit rows)."""
    collected: list[tuple[tuple, SalesFigures]] = []
    for source in SALE_SOURCES:
        collected.extend(source(business, sales_filter, tuple(group_by), grouping))
    return merge_rows(collected)


def services_revenue_by_employee_and_category(business, sales_filter: SalesFilter) -> dict[int, dict]:
    """Own services revenue after discounts, returns and allowances, per specialist and category (the payroll base): the
    visits they served. Orders (even of services) are sold by a manager, who is paid on product sales instead."""
    rows = merge_rows(visit_sales_rows(business, sales_filter, ("employee", "category")))
    result: dict[int, dict] = defaultdict(dict)
    for (employee_id, category_id), figures in rows.items():
        result[employee_id][category_id] = figures.gross - figures.discounts - figures.returns - figures.allowances
    return result


def product_sales_by_employee(business, sales_filter: SalesFilter) -> dict[int, Decimal]:
    """Product sales per responsible manager: the sold orders' product items after discounts, less returns and
    the items' share of the order's allowances (both lower the sale they belong to, so one granted after a
    payroll approval is corrected next period)."""
    rows = (
        order_items_sold(business, sales_filter)
        .filter(kind=ItemKind.PRODUCT, order__responsible__isnull=False)
        .values("order__responsible_id")
        .annotate(
            amount=Coalesce(
                Sum(F("total") - F("returned_amount") - ORDER_ITEM_ALLOWANCE_SHARE), Value(ZERO), output_field=MONEY
            )
        )
        .order_by()
    )
    return {row["order__responsible_id"]: row["amount"] for row in rows}


def order_counts_by_employee(business, sales_filter: SalesFilter) -> dict[int, dict[str, int]]:
    """Orders claimed (each claim, to the manager who claimed, when it happened: the `order.claimed` security
    event) and completed (orders that reached "completed" in the period, per responsible manager, from the
    order's action log) per employee. A branch limit means the order's pickup branch."""
    starts, ends = local_range(business, sales_filter.start, sales_filter.end)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    claims = SecurityEvent.objects.for_business(business).filter(
        event_type="order.claimed", outcome="success", occurred_at__gte=starts, occurred_at__lt=ends
    )
    completions = OrderAction.objects.for_business(business).filter(
        kind=ActionKind.STATUS,
        after__status=OrderStatus.COMPLETED,
        occurred_at__gte=starts,
        occurred_at__lt=ends,
        order__responsible__isnull=False,
    )
    if sales_filter.branch_ids:
        in_branches = Order.objects.filter(
            business=business,
            pk=Cast(OuterRef("object_id"), BigIntegerField()),
            pickup_branch_id__in=sales_filter.branch_ids,
        )
        # Every `order.claimed` event names an order, so its object id is always a number.
        claims = claims.filter(object_type="orders.order").filter(Exists(in_branches))
        completions = completions.filter(order__pickup_branch_id__in=sales_filter.branch_ids)
    if sales_filter.employee_ids:
        claims = claims.filter(actor_id__in=sales_filter.employee_ids)
        completions = completions.filter(order__responsible_id__in=sales_filter.employee_ids)
    for row in claims.exclude(actor__isnull=True).values("actor_id").annotate(count=Count("id")).order_by():
        counts[row["actor_id"]]["claimed"] = row["count"]
    for row in completions.values("order__responsible_id").annotate(count=Count("order_id", distinct=True)).order_by():
        counts[row["order__responsible_id"]]["completed"] = row["count"]
    return dict(counts)


def kpi_figures(business, start: dt.date, end: dt.date, *, branch_ids: tuple[int, ...] = ()) -> dict[int, dict]:
    """Every KPI per employee for local dates start..end, from a fixed number of aggregate queries.

    Appointments count by the date of the visit; cancelled ones are not counted as created. Payments count by
    when they were taken. Rebooking: of a specialist's clients who came in the period, the share who have a
    later appointment with the same specialist that is not cancelled."""
    starts, ends = local_range(business, start, end)
    figures: dict[int, dict] = defaultdict(lambda: dict.fromkeys(KpiMetric.values, ZERO))

    appointments = Appointment.objects.for_business(business).filter(starts_at__gte=starts, starts_at__lt=ends)
    if branch_ids:
        appointments = appointments.filter(branch_id__in=branch_ids)
    sold = Q(status__in=SOLD_STATUSES)
    created = (
        appointments.exclude(status=AppointmentStatus.CANCELLED)
        .values("created_by_id")
        .annotate(
            created=Count("id"),
            arrived=Count("id", filter=sold),
            revenue=Coalesce(Sum("total", filter=sold), Value(ZERO), output_field=MONEY),
        )
        .order_by()
    )
    for row in created:
        if row["created_by_id"] is None:
            continue  # online bookings are created by nobody: no one is credited with them
        entry = figures[row["created_by_id"]]
        entry[KpiMetric.APPOINTMENTS_CREATED] = Decimal(row["created"])
        entry["appointments_created_arrived"] = Decimal(row["arrived"])
        entry[KpiMetric.BOOKED_REVENUE] = row["revenue"]
        entry[KpiMetric.ARRIVED_SHARE] = (
            (Decimal(row["arrived"]) * 100 / row["created"]).quantize(Decimal("0.01")) if row["created"] else ZERO
        )

    later = Appointment.objects.filter(
        business=business,
        specialist_id=OuterRef("specialist_id"),
        client_id=OuterRef("client_id"),
        starts_at__gt=OuterRef("starts_at"),
    ).exclude(status=AppointmentStatus.CANCELLED)
    visits = (
        appointments.filter(sold)
        .annotate(rebooked=Exists(later))
        .values("specialist_id")
        .annotate(
            visits=Count("id"),
            clients=Count("client_id", distinct=True),
            rebooked_clients=Count("client_id", distinct=True, filter=Q(rebooked=True)),
        )
        .order_by()
    )
    for row in visits:
        entry = figures[row["specialist_id"]]
        entry[KpiMetric.VISITS_ARRIVED] = Decimal(row["visits"])
        entry[KpiMetric.REBOOKING_RATE] = (
            (Decimal(row["rebooked_clients"]) * 100 / row["clients"]).quantize(Decimal("0.01"))
            if row["clients"]
            else ZERO
        )

    revenue = services_revenue_by_employee_and_category(business, SalesFilter(start, end, branch_ids=branch_ids))
    for employee_id, by_category in revenue.items():
        figures[employee_id][KpiMetric.SERVICES_REVENUE] = sum(by_category.values(), ZERO)
        figures[employee_id]["services_revenue_by_category"] = by_category

    payments = Payment.objects.for_business(business).filter(processed_at__gte=starts, processed_at__lt=ends)
    if branch_ids:
        payments = payments.filter(branch_id__in=branch_ids)
    for row in (
        payments.values("processed_by_id")
        .annotate(count=Count("id"), amount=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY))
        .order_by()
    ):
        entry = figures[row["processed_by_id"]]
        entry[KpiMetric.PAYMENTS_COUNT] = Decimal(row["count"])
        entry[KpiMetric.PAYMENTS_AMOUNT] = row["amount"]

    for employee_id, counts in order_counts_by_employee(business, SalesFilter(start, end, branch_ids)).items():
        figures[employee_id][KpiMetric.ORDERS_CLAIMED] = Decimal(counts.get("claimed", 0))
        figures[employee_id][KpiMetric.ORDERS_COMPLETED] = Decimal(counts.get("completed", 0))
    for employee_id, amount in product_sales_by_employee(business, SalesFilter(start, end, branch_ids)).items():
        figures[employee_id]["product_sales"] = amount
    return dict(figures)


@dataclass
class ReportRow:
    key: tuple
    labels: dict
    figures: SalesFigures


@dataclass
class SalesReport:
    sales_filter: SalesFilter
    group_by: tuple[str, ...]
    grouping: str
    currency: str
    rows: list[ReportRow]
    total: SalesFigures


def _labels(business, group_by: tuple[str, ...], keys: Iterable[tuple]) -> dict[str, dict]:
    from django.utils.translation import gettext as _

    from staffroom.catalog.models import ServiceCategory
    from staffroom.staff.models import Employee
    from staffroom.tenancy.models import Branch

    keys = list(keys)
    models = {"branch": (Branch, "name"), "employee": (Employee, "full_name"), "category": (ServiceCategory, "name")}
    labels: dict[str, dict] = {}
    for position, dimension in enumerate(group_by):
        values = {key[position] for key in keys}
        if dimension == "period":
            labels[dimension] = {value: value.isoformat() if value else "" for value in values}
            continue
        model, field = models[dimension]
        names = dict(
            model.objects.for_business(business).filter(pk__in=[v for v in values if v]).values_list("pk", field)
        )
        labels[dimension] = {value: names.get(value, _("No category") if value is None else "—") for value in values}
    return labels


def sales_report(
    business, sales_filter: SalesFilter, group_by: tuple[str, ...] = ("period",), grouping: str = "day"
) -> SalesReport:
    """The sales report: rows per group key and the total, both from aggregate queries, rounded to the currency."""
    group_by = tuple(dimension for dimension in DIMENSIONS if dimension in group_by)
    currency = business.currency
    rows = sales_rows(business, sales_filter, group_by, grouping)
    labels = _labels(business, group_by, rows)
    report_rows = [
        ReportRow(
            key=key,
            labels={dimension: labels[dimension][key[i]] for i, dimension in enumerate(group_by)},
            figures=figures.rounded(currency),
        )
        for key, figures in rows.items()
    ]
    report_rows.sort(key=lambda row: tuple((value is None, str(value)) for value in row.labels.values()))
    if "period" in group_by:
        report_rows.sort(key=lambda row: row.key[0])
    if "category" in group_by:
        # A visit with services of two categories sits in two rows: its visit is counted once only by a total query.
        total = sales_rows(business, sales_filter, (), grouping).get((), SalesFigures())
    else:
        total = total_of(rows.values())
    total = total.rounded(currency)
    return SalesReport(sales_filter, group_by, grouping, currency, report_rows, total)


# KPI columns of the KPI page, in order.
KPI_COLUMNS = (
    KpiMetric.APPOINTMENTS_CREATED,
    KpiMetric.ARRIVED_SHARE,
    KpiMetric.BOOKED_REVENUE,
    KpiMetric.PAYMENTS_COUNT,
    KpiMetric.PAYMENTS_AMOUNT,
    KpiMetric.ORDERS_CLAIMED,
    KpiMetric.ORDERS_COMPLETED,
    KpiMetric.VISITS_ARRIVED,
    KpiMetric.SERVICES_REVENUE,
    KpiMetric.REBOOKING_RATE,
)


@dataclass
class KpiProgress:
    metric: str
    label: str
    value: Decimal
    target: Decimal

    @property
    def percent(self) -> int:
        return min(int(self.value * 100 / self.target), 100) if self.target else 0

    @property
    def is_reached(self) -> bool:
        return self.value >= self.target


@dataclass
class KpiRow:
    employee: object
    values: dict
    progress: list[KpiProgress]


def kpi_table(business, start: dt.date, end: dt.date, *, branch_ids: tuple[int, ...] = (), employee_ids=None):
    """One row per active employee (service and non-service staff alike) with every KPI and their role's targets."""
    from staffroom.staff.models import Employee, EmployeeStatus

    from .models import KpiTarget

    figures = kpi_figures(business, start, end, branch_ids=branch_ids)
    targets: dict[int, list[KpiTarget]] = defaultdict(list)
    for target in KpiTarget.objects.for_business(business):
        targets[target.role_id].append(target)
    employees = Employee.objects.for_business(business).filter(status=EmployeeStatus.ACTIVE).select_related("role")
    if branch_ids:
        employees = employees.filter(branches__in=branch_ids).distinct()
    if employee_ids is not None:
        employees = employees.filter(pk__in=employee_ids)
    rows = []
    for employee in employees.order_by("full_name", "id"):
        values = figures.get(employee.pk) or dict.fromkeys(KpiMetric.values, ZERO)
        progress = [
            KpiProgress(t.metric, str(KpiMetric(t.metric).label), values.get(t.metric, ZERO), t.target)
            for t in targets.get(employee.role_id, ())
        ]
        rows.append(KpiRow(employee, {metric: values.get(metric, ZERO) for metric in KPI_COLUMNS}, progress))
    return rows


def orders_scope(employee, sales_filter: SalesFilter) -> SalesFilter:
    """The orders a sales report may count for this employee: a manager without `orders.view_all` only their own
    (colleagues' order amounts stay hidden, the rule of the orders app's limited view); everyone else every order."""
    from staffroom.orders.selectors import sales_report_scope_is_own

    if sales_report_scope_is_own(employee):
        return replace(sales_filter, order_responsible_ids=(employee.pk,))
    return sales_filter


def branch_scope(employee, requested: tuple[int, ...] = ()) -> tuple[int, ...]:
    """The branches a report may cover for this employee: a role limited to some branches sees only those
    (asking for another branch is refused); an unlimited role sees what it asked for (empty: every branch)."""
    from staffroom.core.errors import PermissionDenied

    limited = tuple(sorted(employee.role_branches.values_list("id", flat=True)))
    if not limited:
        return tuple(requested)
    if not requested:
        return limited
    if not set(requested) <= set(limited):
        raise PermissionDenied(errors={"branch_id": ["This branch is outside your role."]})
    return tuple(requested)
