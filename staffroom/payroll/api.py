"""REST API: pay schemes and their assignment, payroll runs (create, recalculate, approve, export), payslips."""

from decimal import Decimal

from ninja import Field, Router, Schema, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import NotFound
from staffroom.core.shortcuts import choice_for_business, get_for_business_or_404
from staffroom.exports.api import ExportsExportOut, export_api_response
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, Role
from staffroom.staff.permissions import EMPLOYEE, api_permission
from staffroom.tenancy.models import Branch

from . import services
from .models import PayrollRun, PayScheme, Payslip, PayslipLine
from .selectors import (
    can_see_payslip,
    orders_behind_line,
    payments_behind_line,
    payslips_visible_to,
    visits_behind_line,
)

router = Router(tags=["payroll"])


class TierIn(Schema):
    threshold: Decimal
    amount: Decimal = Decimal(0)
    percent: Decimal = Decimal(0)


class RuleIn(Schema):
    kind: str
    amount: Decimal = Decimal(0)
    percent: Decimal = Decimal(0)
    category_id: int | None = None
    only_arrived: bool = False
    metric: str = ""
    tiers: list[TierIn] = []


class SchemeIn(Schema):
    name: str = Field(..., max_length=120)
    description: str = Field("", max_length=300)
    rules: list[RuleIn]


class SchemeUpdateIn(Schema):
    name: str | None = Field(None, max_length=120)
    rules: list[RuleIn] | None = None


class RuleOut(Schema):
    id: int
    kind: str
    amount: Decimal
    percent: Decimal
    category_id: int | None
    only_arrived: bool
    metric: str
    tiers: list[dict]


class SchemeOut(Schema):
    id: int
    name: str
    description: str
    rules: list[RuleOut]
    assignments: list[dict]


class AssignmentIn(Schema):
    employee_id: int | None = None
    role_id: int | None = None
    valid_from: IsoDate
    valid_until: IsoDate | None = None


class RunIn(Schema):
    period_start: IsoDate
    period_end: IsoDate
    branch_id: int | None = None


class RunOut(Schema):
    id: int
    period_start: IsoDate
    period_end: IsoDate
    branch_id: int | None
    status: str
    total: Decimal
    notes: list[str]
    payslips: list[dict]


class PayrollLineOut(Schema):
    id: int
    kind: str
    rule_id: int | None
    is_correction: bool
    for_period_start: IsoDate
    for_period_end: IsoDate
    base: Decimal
    rate: Decimal
    amount: Decimal
    explanation: str
    facts_url: str | None


class PayslipOut(Schema):
    id: int
    run_id: int
    employee_id: int
    full_name: str
    period_start: IsoDate
    period_end: IsoDate
    scheme_name: str
    total: Decimal
    is_locked: bool
    lines: list[PayrollLineOut]


def scheme_out(scheme: PayScheme) -> dict:
    return {
        "id": scheme.pk,
        "name": scheme.name,
        "description": scheme.description,
        "rules": [
            {
                "id": r.pk,
                "kind": r.kind,
                "amount": r.amount,
                "percent": r.percent,
                "category_id": r.category_id,
                "only_arrived": r.only_arrived,
                "metric": r.metric,
                "tiers": r.tiers,
            }
            for r in scheme.rules.all()
        ],
        "assignments": [
            {
                "id": a.pk,
                "employee_id": a.employee_id,
                "role_id": a.role_id,
                "valid_from": a.valid_from,
                "valid_until": a.valid_until,
            }
            for a in scheme.assignments.all()
        ],
    }


def _rules(payload_rules) -> list[dict]:
    return [rule.dict() for rule in payload_rules]


def _schemes(business):
    return PayScheme.objects.for_business(business).prefetch_related("rules", "assignments")


@router.get("/payroll/schemes", response=list[SchemeOut])
@api_permission(Perm.PAYROLL_VIEW_ALL)
def scheme_list(request):
    return [scheme_out(scheme) for scheme in _schemes(request.business)]


@router.post("/payroll/schemes", response={201: SchemeOut})
@api_permission(Perm.PAYROLL_MANAGE)
def scheme_create(request, payload: SchemeIn):
    scheme = services.pay_scheme_create(
        actor=request.employee, name=payload.name, description=payload.description, rules=_rules(payload.rules)
    )
    return Status(201, scheme_out(scheme))


@router.put("/payroll/schemes/{scheme_id}", response=SchemeOut)
@api_permission(Perm.PAYROLL_MANAGE)
def scheme_update(request, scheme_id: int, payload: SchemeUpdateIn):
    scheme = get_for_business_or_404(PayScheme, request.business, pk=scheme_id)
    rules = _rules(payload.rules) if payload.rules is not None else None
    scheme = services.pay_scheme_update(actor=request.employee, scheme=scheme, name=payload.name, rules=rules)
    return scheme_out(get_for_business_or_404(_schemes(request.business), request.business, pk=scheme.pk))


@router.post("/payroll/schemes/{scheme_id}/assignments", response={201: SchemeOut})
@api_permission(Perm.PAYROLL_MANAGE)
def scheme_assign(request, scheme_id: int, payload: AssignmentIn):
    business = request.business
    scheme = get_for_business_or_404(PayScheme, business, pk=scheme_id)
    services.pay_scheme_assign(
        actor=request.employee,
        scheme=scheme,
        employee=choice_for_business(Employee, business, payload.employee_id, "employee_id"),
        role=choice_for_business(Role, business, payload.role_id, "role_id"),
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
    return Status(201, scheme_out(get_for_business_or_404(_schemes(business), business, pk=scheme.pk)))


def run_out(run: PayrollRun) -> dict:
    return {
        "id": run.pk,
        "period_start": run.period_start,
        "period_end": run.period_end,
        "branch_id": run.branch_id,
        "status": run.status,
        "total": run.total,
        "notes": run.notes,
        "payslips": [
            {"id": p.pk, "employee_id": p.employee_id, "full_name": p.employee.full_name, "total": p.total}
            for p in run.payslips.select_related("employee")
        ],
    }


def _load_run(request, run_id: int) -> PayrollRun:
    return get_for_business_or_404(PayrollRun, request.business, pk=run_id)


@router.get("/payroll/runs", response=list[RunOut])
@api_permission(Perm.PAYROLL_VIEW_ALL)
def run_list(request):
    return [run_out(run) for run in PayrollRun.objects.for_business(request.business)]


@router.post("/payroll/runs", response={201: RunOut})
@api_permission(Perm.PAYROLL_MANAGE)
def run_create(request, payload: RunIn):
    run = services.payroll_run_create(
        actor=request.employee,
        period_start=payload.period_start,
        period_end=payload.period_end,
        branch=choice_for_business(Branch, request.business, payload.branch_id, "branch_id"),
    )
    return Status(201, run_out(run))


@router.get("/payroll/runs/{run_id}", response=RunOut)
@api_permission(Perm.PAYROLL_VIEW_ALL)
def run_detail(request, run_id: int):
    return run_out(_load_run(request, run_id))


@router.post("/payroll/runs/{run_id}/recalculate", response=RunOut)
@api_permission(Perm.PAYROLL_MANAGE)
def run_recalculate(request, run_id: int):
    return run_out(services.payroll_run_recalculate(actor=request.employee, run=_load_run(request, run_id)))


@router.post("/payroll/runs/{run_id}/approve", response=RunOut)
@api_permission(Perm.PAYROLL_APPROVE)
def run_approve(request, run_id: int):
    return run_out(services.payroll_run_approve(actor=request.employee, run=_load_run(request, run_id)))


@router.delete("/payroll/runs/{run_id}", response={204: None})
@api_permission(Perm.PAYROLL_MANAGE)
def run_delete(request, run_id: int):
    services.payroll_run_delete(actor=request.employee, run=_load_run(request, run_id))
    return Status(204, None)


@router.get("/payroll/runs/{run_id}/export", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.PAYROLL_VIEW_ALL)
@api_reauthentication_required
def run_export(request, run_id: int, format: str = "csv"):
    """Every payslip line of the run as CSV or XLSX (200); a large export is queued instead (202 and the export)."""
    run = _load_run(request, run_id)
    return export_api_response(request, "payroll_run", {"run_id": run.pk}, fmt=format)


def payslip_out(payslip: Payslip) -> dict:
    return {
        "id": payslip.pk,
        "run_id": payslip.run_id,
        "employee_id": payslip.employee_id,
        "full_name": payslip.employee.full_name,
        "period_start": payslip.period_start,
        "period_end": payslip.period_end,
        "scheme_name": payslip.scheme_name,
        "total": payslip.total,
        "is_locked": payslip.run.is_approved,
        "lines": [
            {
                "id": line.pk,
                "kind": line.kind,
                "rule_id": line.rule_id,
                "is_correction": line.is_correction,
                "for_period_start": line.for_period_start,
                "for_period_end": line.for_period_end,
                "base": line.base,
                "rate": line.rate,
                "amount": line.amount,
                "explanation": line.explanation_text,
                "facts_url": f"/api/v1/payroll/payslip-lines/{line.pk}/facts",
            }
            for line in payslip.lines.all()
        ],
    }


@router.get("/payroll/payslips", response=list[PayslipOut])
@api_permission(EMPLOYEE)
def payslip_list(request, run_id: int | None = None, employee_id: int | None = None):
    """Everyone's payslips with `payroll.view_all`; one's own with `payroll.view_own`; nothing otherwise."""
    payslips = payslips_visible_to(request.employee).prefetch_related("lines")
    if run_id is not None:
        payslips = payslips.filter(run_id=run_id)
    if employee_id is not None:
        payslips = payslips.filter(employee_id=employee_id)
    return [payslip_out(payslip) for payslip in payslips]


def _load_visible_line(request, line_id: int) -> PayslipLine:
    line = get_for_business_or_404(
        PayslipLine.objects.select_related("payslip__employee__business", "payslip__run"), request.business, pk=line_id
    )
    if not can_see_payslip(request.employee, line.payslip):
        raise NotFound()
    return line


@router.get("/payroll/payslips/{payslip_id}", response=PayslipOut)
@api_permission(EMPLOYEE)
def payslip_detail(request, payslip_id: int):
    payslip = get_for_business_or_404(payslips_visible_to(request.employee), request.business, pk=payslip_id)
    return payslip_out(payslip)


class FactsOut(Schema):
    visits: list[dict]
    payments: list[dict]
    orders: list[dict] = []


@router.get("/payroll/payslip-lines/{line_id}/facts", response=FactsOut)
@api_permission(EMPLOYEE)
def payslip_line_facts(request, line_id: int):
    """The visits, payments or orders a line's base figure counts (as they are today)."""
    line = _load_visible_line(request, line_id)
    visits = visits_behind_line(line)
    payments = payments_behind_line(line)
    orders = orders_behind_line(line)
    return {
        "visits": [
            {
                "id": v.pk,
                "starts_at": v.starts_at,
                "status": v.status,
                "total": v.total,
                "specialist_id": v.specialist_id,
            }
            for v in (visits.order_by("starts_at") if visits is not None else [])
        ],
        "payments": [
            {"id": p.pk, "processed_at": p.processed_at, "amount": p.amount, "refunded_amount": p.refunded_amount}
            for p in (payments.order_by("processed_at") if payments is not None else [])
        ],
        "orders": [
            {
                "id": o.pk,
                "number": o.number,
                "sold_at": o.sold_at,
                "status": o.status,
                "total": o.total,
                "returned_amount": o.returned_amount,
            }
            for o in (orders.order_by("sold_at", "number") if orders is not None else [])
        ],
    }
