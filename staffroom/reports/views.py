"""Pages: the sales report (filters, SVG chart, table, exports) and KPI per employee with targets."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.exports.views import export_page_response
from staffroom.reports.choices import KpiMetric
from staffroom.security.reauthentication import reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import permission_required

from . import services
from .calculations import period_buckets
from .charts import bar_chart
from .forms import KpiTargetForm, PeriodForm, SalesFilterForm, quick_ranges
from .models import KpiTarget
from .selectors import KPI_COLUMNS, SalesFilter, branch_scope, kpi_table, orders_scope, sales_report


def _sales_filter(employee, values) -> tuple[SalesFilter, tuple[str, ...], str]:
    sales_filter = SalesFilter(
        values["start"],
        values["end"],
        branch_ids=branch_scope(employee, (values["branch"].pk,) if values.get("branch") else ()),
        employee_ids=(values["employee"].pk,) if values.get("employee") else (),
        category_ids=(values["category"].pk,) if values.get("category") else (),
    )
    sales_filter = orders_scope(employee, sales_filter)
    return sales_filter, tuple(values.get("group_by") or ()), values.get("grouping") or "day"


@permission_required(Perm.REPORTS_VIEW_SALES)
def sales(request):
    business = request.business
    form = SalesFilterForm(request.GET, business=business)
    values = form.values()
    sales_filter, group_by, grouping = _sales_filter(request.employee, values)
    report = sales_report(business, sales_filter, group_by, grouping)
    by_period = sales_report(business, sales_filter, ("period",), grouping)
    net_by_bucket = {row.key[0]: row.figures.net for row in by_period.rows}
    points = [
        (bucket.isoformat(), net_by_bucket.get(bucket, 0))
        for bucket in period_buckets(sales_filter.start, sales_filter.end, grouping)
    ]
    chart = bar_chart(points, title=_("Net sales by period"))
    return render(
        request,
        "reports/sales.html",
        {
            "form": form,
            "report": report,
            "chart": chart,
            "query": request.GET.urlencode(),
            "ranges": quick_ranges(business),
            "range_extra": "&group_by=period&grouping=day",
        },
    )


@permission_required(Perm.REPORTS_EXPORT)
@reauthentication_required
def sales_export(request, fmt: str):
    form = SalesFilterForm(request.GET, business=request.business)
    sales_filter, group_by, grouping = _sales_filter(request.employee, form.values())
    try:
        return export_page_response(
            request, "sales_report", services.sales_export_params(sales_filter, group_by, grouping), fmt=fmt
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reports:sales")


@permission_required(Perm.REPORTS_VIEW_KPI)
def kpi(request):
    business = request.business
    form = PeriodForm(request.GET, business=business)
    values = form.values()
    branch_ids = branch_scope(request.employee, (values["branch"].pk,) if values.get("branch") else ())
    rows = kpi_table(business, values["start"], values["end"], branch_ids=branch_ids)
    columns = [(metric, KpiMetric(metric).label) for metric in KPI_COLUMNS]
    table = [(row, [(label, row.values[metric]) for metric, label in columns]) for row in rows]
    targets = KpiTarget.objects.for_business(business).select_related("role")
    return render(
        request,
        "reports/kpi.html",
        {
            "form": form,
            "columns": columns,
            "table": table,
            "targets": targets,
            "target_form": KpiTargetForm(business=business),
            "query": request.GET.urlencode(),
            "ranges": quick_ranges(business),
        },
    )


@permission_required(Perm.REPORTS_EXPORT)
@reauthentication_required
def kpi_export(request, fmt: str):
    form = PeriodForm(request.GET, business=request.business)
    values = form.values()
    branch_ids = branch_scope(request.employee, (values["branch"].pk,) if values.get("branch") else ())
    try:
        return export_page_response(
            request, "kpi", services.kpi_export_params(values["start"], values["end"], branch_ids), fmt=fmt
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("reports:kpi")


@permission_required(Perm.PAYROLL_MANAGE)
@require_POST
def kpi_target_set(request):
    form = KpiTargetForm(request.POST, business=request.business)
    if form.is_valid():
        try:
            services.kpi_target_set(actor=request.employee, **form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error, {"role_id": "role"})
        else:
            messages.success(request, _("Target saved."))
            return redirect("reports:kpi")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("reports:kpi")
