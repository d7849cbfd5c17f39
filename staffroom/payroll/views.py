"""Pages: payroll runs (create, review, approve, export), payslips and the visits behind a line, pay schemes."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.exports.views import export_page_response
from staffroom.security.reauthentication import reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, has_permission, permission_required

from . import services
from .forms import AssignmentForm, RunForm, SchemeForm
from .models import PayrollRun, PayScheme, PayslipLine
from .selectors import (
    can_see_payslip,
    orders_behind_line,
    payments_behind_line,
    payslips_visible_to,
    visits_behind_line,
)


@permission_required(Perm.PAYROLL_VIEW_ALL)
@require_http_methods(["GET", "POST"])
def run_list(request):
    business = request.business
    form = RunForm(request.POST or None, business=business)
    if request.method == "POST":
        if not has_permission(request.employee, Perm.PAYROLL_MANAGE):
            return render(request, "403.html", status=403)
        if form.is_valid():
            try:
                run = services.payroll_run_create(actor=request.employee, **form.cleaned_data)
            except ApplicationError as error:
                add_service_error(form, error, {"branch_id": "branch"})
            else:
                messages.success(request, _("Payroll calculated. Review it, then approve."))
                return redirect("payroll:run_detail", run_id=run.pk)
    runs = PayrollRun.objects.for_business(business).select_related("branch", "approved_by")
    return render(request, "payroll/run_list.html", {"runs": runs, "form": form})


def _run(request, run_id) -> PayrollRun:
    return get_for_business_or_404(
        PayrollRun.objects.select_related("branch", "approved_by"), request.business, pk=run_id
    )


@permission_required(Perm.PAYROLL_VIEW_ALL)
def run_detail(request, run_id):
    run = _run(request, run_id)
    payslips = run.payslips.select_related("employee", "employee__role")
    return render(request, "payroll/run_detail.html", {"run": run, "payslips": payslips})


def _run_action(request, run_id, action, done: str):
    run = _run(request, run_id)
    try:
        result = action(actor=request.employee, run=run)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
        if result is None:
            return redirect("payroll:runs")
    return redirect("payroll:run_detail", run_id=run.pk)


@permission_required(Perm.PAYROLL_APPROVE)
@require_POST
def run_approve(request, run_id):
    return _run_action(request, run_id, services.payroll_run_approve, _("Payroll approved; its payslips are locked."))


@permission_required(Perm.PAYROLL_MANAGE)
@require_POST
def run_recalculate(request, run_id):
    return _run_action(request, run_id, services.payroll_run_recalculate, _("Payroll recalculated."))


@permission_required(Perm.PAYROLL_MANAGE)
@require_POST
def run_delete(request, run_id):
    return _run_action(request, run_id, services.payroll_run_delete, _("Draft payroll deleted."))


@permission_required(Perm.PAYROLL_VIEW_ALL)
@reauthentication_required
def run_export(request, run_id, fmt):
    run = _run(request, run_id)
    try:
        return export_page_response(request, "payroll_run", {"run_id": run.pk}, fmt=fmt)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payroll:run_detail", run_id=run.pk)


@permission_required(EMPLOYEE)
def payslip_list(request):
    """Everyone's payslips with `payroll.view_all`; one's own with `payroll.view_own`."""
    payslips = payslips_visible_to(request.employee).order_by("-period_start", "employee__full_name")
    return render(request, "payroll/payslip_list.html", {"payslips": payslips})


@permission_required(EMPLOYEE)
def payslip_detail(request, payslip_id):
    payslip = get_for_business_or_404(payslips_visible_to(request.employee), request.business, pk=payslip_id)
    lines = payslip.lines.all()
    return render(request, "payroll/payslip_detail.html", {"payslip": payslip, "lines": lines})


@permission_required(EMPLOYEE)
def line_facts(request, line_id):
    line = get_for_business_or_404(
        PayslipLine.objects.select_related("payslip__employee__business", "payslip__run"), request.business, pk=line_id
    )
    if not can_see_payslip(request.employee, line.payslip):
        raise Http404
    visits = visits_behind_line(line)
    payments = payments_behind_line(line)
    if visits is not None:
        visits = visits.select_related("client", "branch").prefetch_related("lines").order_by("starts_at")
    if payments is not None:
        payments = payments.select_related("branch").order_by("processed_at")
    orders = orders_behind_line(line)
    if orders is not None:
        orders = orders.prefetch_related("items").order_by("sold_at", "number")
    return render(
        request,
        "payroll/line_facts.html",
        {"line": line, "payslip": line.payslip, "visits": visits, "payments": payments, "orders": orders},
    )


@permission_required(Perm.PAYROLL_VIEW_ALL)
@require_http_methods(["GET", "POST"])
def scheme_list(request):
    business = request.business
    can_manage = has_permission(request.employee, Perm.PAYROLL_MANAGE)
    scheme_form = SchemeForm(request.POST if "create_scheme" in request.POST else None, business=business)
    assignment_form = AssignmentForm(request.POST if "assign" in request.POST else None, business=business)
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", status=403)
        if "create_scheme" in request.POST and scheme_form.is_valid():
            rules = scheme_form.rules()
            if scheme_form.is_valid():
                try:
                    services.pay_scheme_create(
                        actor=request.employee,
                        name=scheme_form.cleaned_data["name"],
                        description=scheme_form.cleaned_data["description"],
                        rules=rules,
                    )
                except ApplicationError as error:
                    add_service_error(scheme_form, error)
                else:
                    messages.success(request, _("Pay scheme created."))
                    return redirect("payroll:schemes")
        if "assign" in request.POST and assignment_form.is_valid():
            data = assignment_form.cleaned_data
            try:
                services.pay_scheme_assign(actor=request.employee, **data)
            except ApplicationError as error:
                add_service_error(assignment_form, error, {"employee_id": "employee", "role_id": "role"})
            else:
                messages.success(request, _("Pay scheme assigned."))
                return redirect("payroll:schemes")
    schemes = PayScheme.objects.for_business(business).prefetch_related(
        "rules__category", "assignments__employee", "assignments__role"
    )
    return render(
        request,
        "payroll/scheme_list.html",
        {"schemes": schemes, "scheme_form": scheme_form, "assignment_form": assignment_form, "can_manage": can_manage},
    )


def _tiers_text(tiers) -> str:
    parts = []
    for tier in tiers or ():
        threshold = Decimal(tier["threshold"]).normalize()
        if Decimal(tier.get("percent", "0")):
            parts.append(f"{threshold:f}={Decimal(tier['percent']).normalize():f}%")
        else:
            parts.append(f"{threshold:f}={Decimal(tier.get('amount', '0')).normalize():f}")
    return "; ".join(parts)


@permission_required(Perm.PAYROLL_MANAGE)
@require_http_methods(["GET", "POST"])
def scheme_edit(request, scheme_id):
    """Change a scheme's name and rules; payslips already calculated keep the rules they were paid under."""
    business = request.business
    scheme = get_for_business_or_404(PayScheme, business, pk=scheme_id)
    initial = {"name": scheme.name, "description": scheme.description}
    for index, rule in enumerate(scheme.rules.all()):
        initial.update(
            {
                f"rule_{index}_kind": rule.kind,
                f"rule_{index}_amount": rule.amount or None,
                f"rule_{index}_percent": rule.percent or None,
                f"rule_{index}_category": rule.category_id,
                f"rule_{index}_only_arrived": rule.only_arrived,
                f"rule_{index}_metric": rule.metric,
                f"rule_{index}_tiers": _tiers_text(rule.tiers),
            }
        )
    form = SchemeForm(request.POST or None, business=business, initial=initial)
    if request.method == "POST" and form.is_valid():
        rules = form.rules()
        if form.is_valid():
            try:
                services.pay_scheme_update(
                    actor=request.employee, scheme=scheme, name=form.cleaned_data["name"], rules=rules
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Pay scheme saved. It applies to payrolls calculated from now on."))
                return redirect("payroll:schemes")
    return render(request, "payroll/scheme_form.html", {"form": form, "scheme": scheme})
