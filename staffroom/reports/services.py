"""Writes of the reports app: KPI targets, and exports of the sales report and KPI (each export is logged)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.core.errors import field_error
from staffroom.core.exports import ExportFile
from staffroom.reports.choices import KpiMetric
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from .exports import table_csv, table_xlsx
from .models import KpiTarget
from .selectors import KPI_COLUMNS, SalesFilter, branch_scope, kpi_table, orders_scope, sales_report

EXPORT_FORMATS = ("csv", "xlsx")
DIMENSION_LABELS = {
    "period": gettext_lazy("Period"),
    "branch": gettext_lazy("Branch"),
    "employee": gettext_lazy("Employee"),
    "category": gettext_lazy("Service category"),
}


@transaction.atomic
def kpi_target_set(*, actor, role, metric: str, target) -> KpiTarget | None:
    """Set (or, with an empty target, remove) a role's monthly target of one KPI."""
    require(actor, Perm.PAYROLL_MANAGE)
    business = actor.business
    if role is None or role.business_id != business.pk:
        raise field_error("role_id", _("Choose a valid option of this business."))
    if metric not in KpiMetric.values:
        raise field_error("metric", _("Choose a KPI."))
    existing = KpiTarget.objects.for_business(business).filter(role=role, metric=metric).first()
    before = {"target": existing.target} if existing else None
    if target in (None, ""):
        if existing is not None:
            existing.delete()
            security_event_record(
                event_type="kpi_target.removed", actor=actor, target=role, before={"metric": metric, **before}
            )
        return None
    try:
        value = Decimal(str(target)).quantize(Decimal("0.01"))
    except ArithmeticError as error:
        raise field_error("target", _("Enter a number.")) from error
    if not value.is_finite() or value <= 0 or value >= Decimal(10) ** 12:
        raise field_error("target", _("Enter a target above zero."))
    if existing is None:
        existing = KpiTarget.objects.create(business=business, role=role, metric=metric, target=value)
    else:
        existing.target = value
        existing.save(update_fields=["target", "updated_at"])
    security_event_record(
        event_type="kpi_target.set", actor=actor, target=role, before=before, after={"metric": metric, "target": value}
    )
    return existing


def _render(fmt: str, title: str, header, rows) -> bytes:
    if fmt not in EXPORT_FORMATS:
        raise field_error("format", _("Choose CSV or XLSX."))
    return table_csv(header, rows) if fmt == "csv" else table_xlsx(title, header, rows)


def _filter_description(sales_filter: SalesFilter) -> dict:
    return {
        "from": sales_filter.start.isoformat(),
        "to": sales_filter.end.isoformat(),
        "branch_ids": list(sales_filter.branch_ids),
        "employee_ids": list(sales_filter.employee_ids),
        "category_ids": list(sales_filter.category_ids),
    }


@transaction.atomic
def sales_report_export(
    *, actor, sales_filter: SalesFilter, group_by: tuple[str, ...], grouping: str, fmt: str
) -> bytes:
    require(actor, Perm.REPORTS_VIEW_SALES)
    require(actor, Perm.REPORTS_EXPORT)
    sales_filter = replace(sales_filter, branch_ids=branch_scope(actor, sales_filter.branch_ids))
    sales_filter = orders_scope(actor, sales_filter)
    report = sales_report(actor.business, sales_filter, group_by, grouping)
    header = [str(DIMENSION_LABELS[d]) for d in report.group_by] + [
        _("Gross sales"),
        _("Discounts"),
        _("Allowances"),
        _("Returns"),
        _("Net sales"),
        _("Visits"),
        _("Orders"),
        _("Average check"),
    ]

    def figures(f):
        return [f.gross, f.discounts, f.allowances, f.returns, f.net, f.visits, f.orders, f.average_check]

    rows = [[row.labels[d] for d in report.group_by] + figures(row.figures) for row in report.rows]
    total_labels = [_("Total"), *[""] * (len(report.group_by) - 1)] if report.group_by else []
    rows.append(total_labels + figures(report.total))
    content = _render(fmt, _("Sales"), header, rows)
    security_event_record(
        event_type="report.exported",
        actor=actor,
        after={
            "report": "sales",
            "format": fmt,
            "rows": len(report.rows),
            "group_by": list(report.group_by),
            "grouping": grouping,
            **_filter_description(sales_filter),
        },
    )
    return content


@transaction.atomic
def kpi_export(*, actor, start, end, branch_ids: tuple[int, ...] = (), fmt: str) -> bytes:
    require(actor, Perm.REPORTS_VIEW_KPI)
    require(actor, Perm.REPORTS_EXPORT)
    branch_ids = branch_scope(actor, tuple(branch_ids))
    table = kpi_table(actor.business, start, end, branch_ids=branch_ids)
    header = [_("Employee"), _("Role")] + [str(KpiMetric(metric).label) for metric in KPI_COLUMNS]
    rows = [[row.employee.full_name, row.employee.role.display_name, *list(row.values.values())] for row in table]
    content = _render(fmt, _("KPI"), header, rows)
    security_event_record(
        event_type="report.exported",
        actor=actor,
        after={
            "report": "kpi",
            "format": fmt,
            "rows": len(rows),
            "from": start.isoformat(),
            "to": end.isoformat(),
            "branch_ids": list(branch_ids),
        },
    )
    return content


# --- the export kinds "sales_report" and "kpi" (staffroom.core.exports): parameters in, file out ------------------


def sales_export_params(sales_filter: SalesFilter, group_by: tuple[str, ...], grouping: str) -> dict:
    """The sales report's filter as JSON-safe parameters of an export (scopes are applied again when it is built)."""
    return {**_filter_description(sales_filter), "group_by": list(group_by), "grouping": grouping}


def sales_report_export_build(actor, params: dict) -> ExportFile:
    start, end = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    sales_filter = SalesFilter(
        start,
        end,
        branch_ids=tuple(params.get("branch_ids") or ()),
        employee_ids=tuple(params.get("employee_ids") or ()),
        category_ids=tuple(params.get("category_ids") or ()),
    )
    group_by = tuple(d for d in params.get("group_by") or () if d in DIMENSION_LABELS)
    fmt = params["format"]
    content = sales_report_export(
        actor=actor, sales_filter=sales_filter, group_by=group_by, grouping=params.get("grouping") or "day", fmt=fmt
    )
    return ExportFile(content, fmt, f"sales-{start}-{end}")


def kpi_export_params(start: dt.date, end: dt.date, branch_ids: tuple[int, ...]) -> dict:
    return {"from": start.isoformat(), "to": end.isoformat(), "branch_ids": list(branch_ids)}


def kpi_export_build(actor, params: dict) -> ExportFile:
    start, end = dt.date.fromisoformat(params["from"]), dt.date.fromisoformat(params["to"])
    fmt = params["format"]
    content = kpi_export(actor=actor, start=start, end=end, branch_ids=tuple(params.get("branch_ids") or ()), fmt=fmt)
    return ExportFile(content, fmt, f"kpi-{start}-{end}")
