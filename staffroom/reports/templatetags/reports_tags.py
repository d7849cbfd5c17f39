"""Dashboard KPI progress: the signed-in employee's targets this month, and the team's for KPI readers."""

from django import template

from staffroom.reports.forms import this_month
from staffroom.reports.models import KpiTarget
from staffroom.reports.selectors import branch_scope, kpi_table
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

register = template.Library()


@register.inclusion_tag("reports/_dashboard_kpi.html", takes_context=True)
def kpi_progress(context):
    employee = context.get("current_employee")
    if employee is None:
        return {"rows": []}
    business = employee.business
    role_ids = set(KpiTarget.objects.for_business(business).values_list("role_id", flat=True))
    if not role_ids:
        return {"rows": []}
    start, end = this_month(business)
    sees_team = has_permission(employee, Perm.REPORTS_VIEW_KPI)
    branch_ids = branch_scope(employee) if sees_team else ()
    rows = kpi_table(business, start, end, branch_ids=branch_ids, employee_ids=None if sees_team else [employee.pk])
    return {"rows": [row for row in rows if row.progress], "start": start, "end": end, "sees_team": sees_team}
