"""Every payroll change: pay schemes and their assignment, payroll runs (calculate, approve) and exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.catalog.models import ServiceCategory
from staffroom.core.errors import Conflict, NotFound, ValidationFailed, field_error
from staffroom.core.exports import ExportFile
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, EmployeeStatus
from staffroom.staff.permissions import require
from staffroom.tenancy.models import Business

from .calculations import (
    Employment,
    PayFacts,
    PayLine,
    correction_lines,
    employment_in_period,
    payslip_lines,
    payslip_total,
)
from .choices import KpiMetric, RuleKind, RunStatus
from .labels import line_explanation
from .models import PayrollRun, PayRule, PayScheme, PaySchemeAssignment, Payslip, PayslipLine
from .selectors import pay_facts, rule_snapshot, rule_spec_from_snapshot, rules_of_schemes, schemes_for_period

# How far back a run looks for approved periods whose data has changed since (refunds, late status changes).
CORRECTION_LOOKBACK_DAYS = 92
MAX_PERIOD_DAYS = 62


# --- pay schemes -------------------------------------------------------------------------------------


def _decimal(value, field: str, *, low: Decimal = Decimal(0), high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value if value not in (None, "") else 0))
    except (InvalidOperation, ValueError) as error:
        raise field_error(field, _("Enter a number.")) from error
    if not number.is_finite() or number < low or (high is not None and number > high):
        raise field_error(field, _("Enter a number in the allowed range."))
    return number.quantize(Decimal("0.01"))


def _clean_rule(business, index: int, data: dict) -> PayRule:
    prefix = f"rules.{index}."
    kind = data.get("kind")
    if kind not in RuleKind.values or kind == RuleKind.CORRECTION:
        raise field_error(prefix + "kind", _("Choose a kind of rule."))
    rule = PayRule(business=business, position=index, kind=kind)
    rule.amount = _decimal(data.get("amount"), prefix + "amount")
    rule.percent = _decimal(data.get("percent"), prefix + "percent", high=Decimal(100))
    rule.only_arrived = bool(data.get("only_arrived"))
    category_id = data.get("category_id")
    if category_id:
        category = ServiceCategory.objects.for_business(business).filter(pk=category_id).first()
        if category is None or kind != RuleKind.SERVICES_PERCENT:
            raise field_error(prefix + "category_id", _("Choose a service category of this business."))
        rule.category = category
    percent_kinds = (RuleKind.SERVICES_PERCENT, RuleKind.PRODUCT_SALES_PERCENT, RuleKind.DEDUCTION_PERCENT)
    if kind in percent_kinds and rule.percent <= 0:
        raise field_error(prefix + "percent", _("Enter a percent above zero."))
    amount_kinds = (
        RuleKind.FIXED,
        RuleKind.PER_APPOINTMENT_CREATED,
        RuleKind.PER_VISIT_ARRIVED,
        RuleKind.DEDUCTION_FIXED,
    )
    if kind in amount_kinds and rule.amount <= 0:
        raise field_error(prefix + "amount", _("Enter an amount above zero."))
    if kind == RuleKind.KPI_BONUS:
        metric = data.get("metric")
        if metric not in KpiMetric.values:
            raise field_error(prefix + "metric", _("Choose a KPI."))
        rule.metric = metric
        tiers = []
        for tier in data.get("tiers") or ():
            threshold = _decimal(tier.get("threshold"), prefix + "tiers")
            amount = _decimal(tier.get("amount"), prefix + "tiers")
            percent = _decimal(tier.get("percent"), prefix + "tiers", high=Decimal(100))
            if (amount > 0) == (percent > 0):
                raise field_error(prefix + "tiers", _("Each step pays either an amount or a percent."))
            tiers.append({"threshold": str(threshold), "amount": str(amount), "percent": str(percent)})
        if not tiers:
            raise field_error(prefix + "tiers", _("Add at least one target."))
        rule.tiers = sorted(tiers, key=lambda tier: Decimal(tier["threshold"]))
    return rule


def _scheme_snapshot(scheme: PayScheme) -> dict:
    return {
        "name": scheme.name,
        "rules": [
            {"kind": r.kind, "amount": str(r.amount), "percent": str(r.percent), "category": r.category_id}
            for r in scheme.rules.all()
        ],
    }


def _save_rules(business, scheme: PayScheme, rules) -> None:
    cleaned = [_clean_rule(business, index, data) for index, data in enumerate(rules or ())]
    if not cleaned:
        raise field_error("rules", _("A pay scheme needs at least one rule."))
    scheme.rules.all().delete()
    for rule in cleaned:
        rule.scheme = scheme
    PayRule.objects.bulk_create(cleaned)


@transaction.atomic
def pay_scheme_create(*, actor, name: str, rules: list[dict], description: str = "") -> PayScheme:
    require(actor, Perm.PAYROLL_MANAGE)
    business = actor.business
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Enter a name."))
    if PayScheme.objects.for_business(business).filter(name__iexact=name).exists():
        raise field_error("name", _("A pay scheme with this name exists."))
    scheme = PayScheme.objects.create(business=business, name=name[:120], description=(description or "")[:300])
    _save_rules(business, scheme, rules)
    security_event_record(event_type="pay_scheme.created", actor=actor, target=scheme, after=_scheme_snapshot(scheme))
    return scheme


@transaction.atomic
def pay_scheme_update(
    *,
    actor,
    scheme: PayScheme,
    name: str | None = None,
    description: str | None = None,
    rules: list[dict] | None = None,
):
    """Replace a scheme's rules. Payslips already calculated keep the rules they were paid under."""
    require(actor, Perm.PAYROLL_MANAGE, obj=scheme)
    business = actor.business
    scheme = PayScheme.objects.for_business(business).select_for_update().get(pk=scheme.pk)
    before = _scheme_snapshot(scheme)
    if name is not None:
        name = name.strip()
        if not name:
            raise field_error("name", _("Enter a name."))
        if PayScheme.objects.for_business(business).filter(name__iexact=name).exclude(pk=scheme.pk).exists():
            raise field_error("name", _("A pay scheme with this name exists."))
        scheme.name = name[:120]
    if description is not None:
        scheme.description = description.strip()[:300]
    if name is not None or description is not None:
        scheme.save(update_fields=["name", "description", "updated_at"])
    if rules is not None:
        _save_rules(business, scheme, rules)
    security_event_record(
        event_type="pay_scheme.updated", actor=actor, target=scheme, before=before, after=_scheme_snapshot(scheme)
    )
    return scheme


@transaction.atomic
def pay_scheme_assign(
    *, actor, scheme: PayScheme, valid_from: dt.date, employee=None, role=None, valid_until: dt.date | None = None
) -> PaySchemeAssignment:
    """Apply a scheme to an employee or to a role from a date; the previous open assignment of the same
    employee or role ends the day before."""
    require(actor, Perm.PAYROLL_MANAGE, obj=scheme)
    business = actor.business
    if (employee is None) == (role is None):
        raise field_error("employee_id", _("Choose an employee or a role."))
    for obj, field in ((employee, "employee_id"), (role, "role_id")):
        if obj is not None and obj.business_id != business.pk:
            raise field_error(field, _("Choose a valid option of this business."))
    if valid_from is None:
        raise field_error("valid_from", _("Enter a date."))
    if valid_until is not None and valid_until < valid_from:
        raise field_error("valid_until", _("The end cannot be before the start."))
    previous = PaySchemeAssignment.objects.for_business(business).filter(
        employee=employee, role=role, valid_until__isnull=True, valid_from__lt=valid_from
    )
    previous.update(valid_until=valid_from - dt.timedelta(days=1))
    assignment = PaySchemeAssignment.objects.create(
        business=business,
        scheme=scheme,
        employee=employee,
        role=role,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    security_event_record(
        event_type="pay_scheme.assigned",
        actor=actor,
        target=scheme,
        after={
            "employee": str(employee) if employee else None,
            "role": role.name if role else None,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None,
        },
    )
    return assignment


# --- payroll runs ------------------------------------------------------------------------------------


def _run_snapshot(run: PayrollRun) -> dict:
    return {
        "period": [run.period_start.isoformat(), run.period_end.isoformat()],
        "branch": run.branch.name if run.branch_id else None,
        "status": run.status,
        "total": run.total,
        "payslips": run.payslips.count(),
    }


def _employees_of_run(run: PayrollRun):
    """Active employees, and blocked ones whose leave date falls in or after the period (someone who left on
    the 10th and was blocked is still paid for ten days)."""
    employees = Employee.objects.for_business(run.business_id).filter(
        Q(status=EmployeeStatus.ACTIVE) | Q(leave_date__gte=run.period_start)
    )
    if run.branch_id:
        employees = employees.filter(branches=run.branch_id)
    return list(employees.select_related("role").distinct().order_by("full_name", "id"))


class _FactsOfRanges:
    """Pay facts per employee for a period, computed once per distinct employed range: everyone employed the
    whole period shares one set of aggregate queries; a joiner or leaver's facts cover only their days."""

    def __init__(self, business):
        self.business = business
        self.by_range: dict[tuple[dt.date, dt.date], dict[int, PayFacts]] = {}

    def of(self, employee_id: int, employment: Employment) -> PayFacts:
        key = (employment.first_day, employment.last_day)
        if key not in self.by_range:
            self.by_range[key] = pay_facts(self.business, *key)
        facts = self.by_range[key].get(employee_id, PayFacts())
        return replace(facts, employment=employment)


def _line_row(run, rule_ids, payslip, position: int, line: PayLine, specs_by_key, period: tuple[dt.date, dt.date]):
    spec = specs_by_key.get(line.rule_key)
    rule_id = int(line.rule_key.split(":")[1]) if line.rule_key.startswith("rule:") else None
    return PayslipLine(
        business_id=run.business_id,
        payslip=payslip,
        position=position,
        rule_id=rule_id if rule_id in rule_ids else None,
        rule_key=line.rule_key,
        kind=line.kind,
        is_correction=line.is_correction,
        for_period_start=period[0],
        for_period_end=period[1],
        base=line.base.quantize(Decimal("0.01")),
        rate=line.rate,
        amount=line.amount,
        explanation=line.explanation,
        message=line.message,
        message_params=line.params,
        category_ids=list(line.category_ids),
        metric=line.metric,
        rule_snapshot=rule_snapshot(spec) if spec is not None else {},
    )


def _corrections(run: PayrollRun, employees: list[Employee], currency: str) -> dict[int, list]:
    """For each employee, correction lines for earlier approved periods whose figures have moved since (also
    when their hire or leave date was corrected: a period they turn out not to have worked pays nothing)."""
    since = run.period_start - dt.timedelta(days=CORRECTION_LOOKBACK_DAYS)
    by_id = {employee.pk: employee for employee in employees}
    approved = PayslipLine.objects.for_business(run.business_id).filter(
        payslip__employee_id__in=list(by_id),
        payslip__run__status=RunStatus.APPROVED,
        for_period_end__lt=run.period_start,
        for_period_start__gte=since,
    )
    paid: dict[tuple, dict[str, Decimal]] = defaultdict(dict)
    for row in approved.values("payslip__employee_id", "for_period_start", "for_period_end", "rule_key").annotate(
        amount=Sum("amount")
    ):
        key = (row["payslip__employee_id"], row["for_period_start"], row["for_period_end"])
        paid[key][row["rule_key"]] = row["amount"]
    specs: dict[tuple, dict[str, dict]] = defaultdict(dict)
    originals = approved.filter(is_correction=False).values_list(
        "payslip__employee_id", "for_period_start", "for_period_end", "rule_key", "position", "rule_snapshot"
    )
    for employee_id, start, end, rule_key, position, snapshot in originals:
        specs[(employee_id, start, end)][rule_key] = (position, snapshot)
    facts_of = _FactsOfRanges(run.business)
    corrections: dict[int, list] = defaultdict(list)
    for key in sorted(paid, key=lambda k: (k[1], k[0])):
        employee_id, start, end = key
        rules = [
            rule_spec_from_snapshot(snapshot)
            for _position, snapshot in sorted(specs.get(key, {}).values(), key=lambda item: item[0])
            if snapshot
        ]
        employee = by_id[employee_id]
        employment = employment_in_period(start, end, employee.hire_date, employee.leave_date)
        recomputed = (
            payslip_lines(rules, facts_of.of(employee_id, employment), currency) if employment is not None else []
        )
        for line in correction_lines(recomputed, paid[key], (start, end)):
            corrections[employee_id].append(((start, end), line, {r.key: r for r in rules}))
    return corrections


def _calculate(run: PayrollRun) -> None:
    business = run.business
    currency = business.currency
    period = (run.period_start, run.period_end)
    rule_ids = set(PayRule.objects.for_business(business).values_list("pk", flat=True))
    employees = _employees_of_run(run)
    paid_elsewhere = set(
        Payslip.objects.for_business(business)
        .filter(period_start=run.period_start, employee__in=employees)
        .exclude(run=run)
        .values_list("employee_id", flat=True)
    )
    assignments = schemes_for_period(business, employees, *period)
    rules = rules_of_schemes(business, {a.scheme_id for a in assignments.values()})
    facts_of = _FactsOfRanges(business)
    employment = {
        e.pk: employment_in_period(run.period_start, run.period_end, e.hire_date, e.leave_date) for e in employees
    }
    payable = [
        e for e in employees if e.pk in assignments and e.pk not in paid_elsewhere and employment[e.pk] is not None
    ]
    corrections = _corrections(run, payable, currency)
    notes = []
    for employee in employees:
        if employee.pk in paid_elsewhere:
            notes.append(_("%(name)s is paid for this period in another run.") % {"name": employee.full_name})
        elif employment[employee.pk] is None:
            notes.append(
                _("%(name)s was not employed in this period (hire and leave dates).") % {"name": employee.full_name}
            )
        elif employee.pk not in assignments:
            notes.append(_("%(name)s has no pay scheme for this period.") % {"name": employee.full_name})
    payslips = []
    line_rows = []
    for employee in payable:
        scheme_id = assignments[employee.pk].scheme_id
        specs = rules[scheme_id]
        lines = payslip_lines(specs, facts_of.of(employee.pk, employment[employee.pk]), currency)
        own_corrections = corrections.get(employee.pk, [])
        total = payslip_total(lines) + payslip_total(correction[1] for correction in own_corrections)
        payslip = Payslip(
            business=business,
            run=run,
            employee=employee,
            period_start=run.period_start,
            period_end=run.period_end,
            scheme_name=assignments[employee.pk].scheme.name,
            total=total,
        )
        payslips.append(payslip)
        specs_by_key = {spec.key: spec for spec in specs}
        position = 0
        for line in lines:
            line_rows.append((payslip, position, line, specs_by_key, period))
            position += 1
        for correction_period, line, correction_specs in own_corrections:
            line_rows.append((payslip, position, line, correction_specs, correction_period))
            position += 1
    Payslip.objects.bulk_create(payslips, batch_size=500)
    PayslipLine.objects.bulk_create(
        [_line_row(run, rule_ids, *row) for row in line_rows],
        batch_size=1000,
    )
    run.total = sum((p.total for p in payslips), Decimal(0))
    run.notes = notes
    run.calculated_at = timezone.now()
    run.save(update_fields=["total", "notes", "calculated_at", "updated_at"])


def _clean_period(period_start, period_end) -> None:
    if not isinstance(period_start, dt.date) or not isinstance(period_end, dt.date):
        raise ValidationFailed(errors={"period_start": [_("Enter dates.")]})
    if period_end < period_start:
        raise field_error("period_end", _("The end cannot be before the start."))
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise field_error("period_end", _("A payroll period is at most two months long."))


@transaction.atomic
def payroll_run_create(*, actor, period_start: dt.date, period_end: dt.date, branch=None) -> PayrollRun:
    """Calculate a draft payroll for a period and a branch's staff (or everyone's)."""
    require(actor, Perm.PAYROLL_MANAGE, branch=branch)
    business = actor.business
    if branch is not None and branch.business_id != business.pk:
        raise field_error("branch_id", _("Choose a valid option of this business."))
    _clean_period(period_start, period_end)
    # Runs of one business are created one at a time, so two overlapping runs cannot both pass the check.
    Business.objects.select_for_update().filter(pk=business.pk).first()
    overlapping = PayrollRun.objects.for_business(business).filter(
        period_start__lte=period_end, period_end__gte=period_start
    )
    if branch is not None:
        overlapping = overlapping.filter(Q(branch=branch) | Q(branch__isnull=True))
    if overlapping.exists():
        raise Conflict(_("A payroll run already covers part of this period."))
    try:
        with transaction.atomic():
            run = PayrollRun.objects.create(
                business=business, branch=branch, period_start=period_start, period_end=period_end, created_by=actor
            )
    except IntegrityError as error:
        raise Conflict(_("A payroll run already covers part of this period.")) from error
    _calculate(run)
    security_event_record(
        event_type="payroll_run.created", actor=actor, target=run, branch=branch, after=_run_snapshot(run)
    )
    return run


def _locked_run(actor, run: PayrollRun) -> PayrollRun:
    return (
        PayrollRun.objects.for_business(actor.business)
        .select_for_update(of=("self",))
        .select_related("branch")
        .get(pk=run.pk)
    )


@transaction.atomic
def payroll_run_recalculate(*, actor, run: PayrollRun) -> PayrollRun:
    """Recalculate a draft from today's data and rules. An approved run is locked."""
    require(actor, Perm.PAYROLL_MANAGE, obj=run)
    run = _locked_run(actor, run)
    if run.is_approved:
        raise Conflict(_("This payroll is approved; changes are paid as corrections in the next period."))
    before = _run_snapshot(run)
    run.payslips.all().delete()
    _calculate(run)
    security_event_record(
        event_type="payroll_run.recalculated",
        actor=actor,
        target=run,
        branch=run.branch,
        before=before,
        after=_run_snapshot(run),
    )
    return run


@transaction.atomic
def payroll_run_approve(*, actor, run: PayrollRun) -> PayrollRun:
    """Approve a draft: its payslips are locked from now on."""
    require(actor, Perm.PAYROLL_APPROVE, obj=run)
    run = _locked_run(actor, run)
    if run.is_approved:
        raise Conflict(_("This payroll is already approved."))
    before = _run_snapshot(run)
    run.status = RunStatus.APPROVED
    run.approved_by = actor
    run.approved_at = timezone.now()
    run.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    security_event_record(
        event_type="payroll_run.approved",
        actor=actor,
        target=run,
        branch=run.branch,
        before=before,
        after=_run_snapshot(run),
    )
    return run


@transaction.atomic
def payroll_run_delete(*, actor, run: PayrollRun) -> None:
    require(actor, Perm.PAYROLL_MANAGE, obj=run)
    run = _locked_run(actor, run)
    if run.is_approved:
        raise Conflict(_("An approved payroll cannot be deleted."))
    before = _run_snapshot(run)
    security_event_record(event_type="payroll_run.deleted", actor=actor, target=run, branch=run.branch, before=before)
    run.delete()


@transaction.atomic
def payroll_run_export(*, actor, run: PayrollRun, fmt: str) -> bytes:
    """Every line of every payslip of a run, as CSV or XLSX; the export is a security event."""
    from staffroom.reports.exports import table_csv, table_xlsx

    require(actor, Perm.PAYROLL_VIEW_ALL, obj=run)
    if fmt not in ("csv", "xlsx"):
        raise field_error("format", _("Choose CSV or XLSX."))
    header = [
        _("Employee"),
        _("Pay scheme"),
        _("Rule"),
        _("For period"),
        _("Base"),
        _("Rate"),
        _("Amount"),
        _("Explanation"),
    ]
    rows = []
    lines = (
        PayslipLine.objects.for_business(actor.business)
        .filter(payslip__run=run)
        .select_related("payslip__employee")
        .order_by("payslip__employee__full_name", "payslip_id", "position")
    )
    for line in lines:
        rows.append(
            [
                line.payslip.employee.full_name,
                line.payslip.scheme_name,
                str(line.get_kind_display()) + (" · " + _("correction") if line.is_correction else ""),
                f"{line.for_period_start.isoformat()} – {line.for_period_end.isoformat()}",
                line.base,
                line.rate,
                line.amount,
                line_explanation(line),
            ]
        )
    content = table_csv(header, rows) if fmt == "csv" else table_xlsx(_("Payroll"), header, rows)
    security_event_record(
        event_type="payroll_run.exported",
        actor=actor,
        target=run,
        branch=run.branch,
        after={"format": fmt, "rows": len(rows)},
    )
    return content


def _export_run_of(actor, params: dict) -> PayrollRun:
    run = PayrollRun.objects.for_business(actor.business).filter(pk=params.get("run_id")).first()
    if run is None:
        raise NotFound()
    return run


def payroll_run_export_count(actor, params: dict) -> int:
    run = _export_run_of(actor, params)
    return PayslipLine.objects.for_business(actor.business).filter(payslip__run=run).count()


def payroll_run_export_build(actor, params: dict) -> ExportFile:
    """The "payroll_run" export kind (staffroom.core.exports): every payslip line of one run."""
    run = _export_run_of(actor, params)
    fmt = params["format"]
    content = payroll_run_export(actor=actor, run=run, fmt=fmt)
    return ExportFile(content, fmt, f"payroll-{run.period_start}-{run.period_end}")
