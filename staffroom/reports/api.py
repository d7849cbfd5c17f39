"""REST API: the sales report (with CSV/XLSX export), KPI per employee, and KPI targets per role."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import field_error
from staffroom.core.shortcuts import choice_for_business
from staffroom.exports.api import ExportsExportOut, export_api_response
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Role
from staffroom.staff.permissions import api_permission

from . import services
from .calculations import GROUPINGS
from .models import KpiTarget
from .selectors import DIMENSIONS, SalesFilter, branch_scope, kpi_table, orders_scope, sales_report

router = Router(tags=["reports"])

MAX_REPORT_DAYS = 731


class ReportsSalesQuery(Schema):
    start: IsoDate
    end: IsoDate
    group_by: str = "period"
    grouping: str = "day"
    branch_id: int | None = None
    employee_id: int | None = None
    category_id: int | None = None


class FiguresOut(Schema):
    gross: Decimal
    discounts: Decimal
    allowances: Decimal
    returns: Decimal
    net: Decimal
    visits: int
    orders: int
    average_check: Decimal | None


class ReportsSalesRowOut(Schema):
    key: dict
    labels: dict
    figures: FiguresOut


class ReportsSalesReportOut(Schema):
    currency: str
    group_by: list[str]
    grouping: str
    rows: list[ReportsSalesRowOut]
    total: FiguresOut


class KpiRowOut(Schema):
    employee_id: int
    full_name: str
    role: str
    values: dict[str, Decimal]
    progress: list[dict]


class KpiTargetOut(Schema):
    id: int
    role_id: int
    metric: str
    target: Decimal


class KpiTargetIn(Schema):
    role_id: int
    metric: str
    target: Decimal | None = None


def parse_sales_query(employee, query: ReportsSalesQuery) -> tuple[SalesFilter, tuple[str, ...], str]:
    """Shared by the API and the page: dates in order, known dimensions, ids of this business only."""
    from staffroom.catalog.models import ServiceCategory
    from staffroom.staff.models import Employee
    from staffroom.tenancy.models import Branch

    business = employee.business
    if query.end < query.start:
        raise field_error("end", _("The end cannot be before the start."))
    if (query.end - query.start).days > MAX_REPORT_DAYS:
        raise field_error("end", _("A report covers at most two years."))
    group_by = tuple(part for part in (query.group_by or "").split(",") if part)
    if any(part not in DIMENSIONS for part in group_by):
        raise field_error("group_by", _("Group by period, branch, employee or category."))
    if query.grouping not in GROUPINGS:
        raise field_error("grouping", _("Group periods by day, week or month."))
    branch = choice_for_business(Branch, business, query.branch_id, "branch_id")
    seller = choice_for_business(Employee, business, query.employee_id, "employee_id")
    category = choice_for_business(ServiceCategory, business, query.category_id, "category_id")
    sales_filter = SalesFilter(
        query.start,
        query.end,
        branch_ids=branch_scope(employee, (branch.pk,) if branch else ()),
        employee_ids=(seller.pk,) if seller else (),
        category_ids=(category.pk,) if category else (),
    )
    return orders_scope(employee, sales_filter), group_by, query.grouping


def figures_out(figures) -> dict:
    return {
        "gross": figures.gross,
        "discounts": figures.discounts,
        "allowances": figures.allowances,
        "returns": figures.returns,
        "net": figures.net,
        "visits": figures.visits,
        "orders": figures.orders,
        "average_check": figures.average_check,
    }


@router.get("/reports/sales", response=ReportsSalesReportOut)
@api_permission(Perm.REPORTS_VIEW_SALES)
def sales(request, query: Query[ReportsSalesQuery]):
    sales_filter, group_by, grouping = parse_sales_query(request.employee, query)
    report = sales_report(request.business, sales_filter, group_by, grouping)
    return {
        "currency": report.currency,
        "group_by": list(report.group_by),
        "grouping": report.grouping,
        "rows": [
            {
                "key": {
                    d: (v.isoformat() if isinstance(v, dt.date) else v)
                    for d, v in zip(report.group_by, row.key, strict=True)
                },
                "labels": row.labels,
                "figures": figures_out(row.figures),
            }
            for row in report.rows
        ],
        "total": figures_out(report.total),
    }


@router.get("/reports/sales/export", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.REPORTS_EXPORT)
@api_reauthentication_required
def sales_export(request, query: Query[ReportsSalesQuery], format: str = "csv"):
    """The report as CSV or XLSX (200); with EXPORT_BACKGROUND_ROWS=0 it is queued (202 and the export)."""
    sales_filter, group_by, grouping = parse_sales_query(request.employee, query)
    return export_api_response(
        request, "sales_report", services.sales_export_params(sales_filter, group_by, grouping), fmt=format
    )


def kpi_rows_out(rows) -> list[dict]:
    return [
        {
            "employee_id": row.employee.pk,
            "full_name": row.employee.full_name,
            "role": row.employee.role.name,
            "values": row.values,
            "progress": [
                {"metric": p.metric, "value": p.value, "target": p.target, "percent": p.percent} for p in row.progress
            ],
        }
        for row in rows
    ]


def parse_period(employee, start: IsoDate, end: IsoDate, branch_id: int | None) -> tuple[int, ...]:
    from staffroom.tenancy.models import Branch

    if end < start:
        raise field_error("end", _("The end cannot be before the start."))
    if (end - start).days > MAX_REPORT_DAYS:
        raise field_error("end", _("A report covers at most two years."))
    branch = choice_for_business(Branch, employee.business, branch_id, "branch_id")
    return branch_scope(employee, (branch.pk,) if branch else ())


@router.get("/reports/kpi", response=list[KpiRowOut])
@api_permission(Perm.REPORTS_VIEW_KPI)
def kpi(request, start: IsoDate, end: IsoDate, branch_id: int | None = None):
    branch_ids = parse_period(request.employee, start, end, branch_id)
    return kpi_rows_out(kpi_table(request.business, start, end, branch_ids=branch_ids))


@router.get("/reports/kpi/export", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.REPORTS_EXPORT)
@api_reauthentication_required
def kpi_export(request, start: IsoDate, end: IsoDate, branch_id: int | None = None, format: str = "csv"):
    branch_ids = parse_period(request.employee, start, end, branch_id)
    return export_api_response(request, "kpi", services.kpi_export_params(start, end, branch_ids), fmt=format)


@router.get("/reports/kpi-targets", response=list[KpiTargetOut])
@api_permission(Perm.REPORTS_VIEW_KPI)
def kpi_targets(request):
    return list(KpiTarget.objects.for_business(request.business).values("id", "role_id", "metric", "target"))


@router.put("/reports/kpi-targets", response={200: KpiTargetOut, 204: None})
@api_permission(Perm.PAYROLL_MANAGE)
def kpi_target_set(request, payload: KpiTargetIn):
    role = choice_for_business(Role, request.business, payload.role_id, "role_id")
    target = services.kpi_target_set(actor=request.employee, role=role, metric=payload.metric, target=payload.target)
    if target is None:
        return Status(204, None)
    return {"id": target.pk, "role_id": target.role_id, "metric": target.metric, "target": target.target}
