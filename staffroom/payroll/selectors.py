"""Reads of payroll: which scheme applies to whom, the facts of a period, visible payslips, the visits behind a line."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q, QuerySet

from staffroom.payments.models import Payment
from staffroom.reports.selectors import SOLD_STATUSES, kpi_figures, local_range
from staffroom.scheduling.choices import AppointmentStatus
from staffroom.scheduling.models import Appointment
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

from .calculations import PayFacts, RuleSpec, Tier, employment_in_period
from .choices import KpiMetric, RuleKind, RunStatus
from .models import PayRule, PaySchemeAssignment, Payslip, PayslipLine

ZERO = Decimal(0)


def rule_spec(rule: PayRule) -> RuleSpec:
    return RuleSpec(
        key=f"rule:{rule.pk}",
        kind=rule.kind,
        amount=rule.amount,
        percent=rule.percent,
        category_id=rule.category_id,
        category_name=rule.category.name if rule.category_id else "",
        only_arrived=rule.only_arrived,
        metric=rule.metric,
        tiers=tuple(
            Tier(
                threshold=Decimal(str(tier.get("threshold", 0))),
                amount=Decimal(str(tier.get("amount", 0) or 0)),
                percent=Decimal(str(tier.get("percent", 0) or 0)),
            )
            for tier in rule.tiers or ()
        ),
    )


def rule_snapshot(spec: RuleSpec) -> dict:
    return {
        "key": spec.key,
        "kind": spec.kind,
        "amount": str(spec.amount),
        "percent": str(spec.percent),
        "category_id": spec.category_id,
        "category_name": spec.category_name,
        "only_arrived": spec.only_arrived,
        "metric": spec.metric,
        "tiers": [
            {"threshold": str(t.threshold), "amount": str(t.amount), "percent": str(t.percent)} for t in spec.tiers
        ],
    }


def rule_spec_from_snapshot(data: dict) -> RuleSpec:
    return RuleSpec(
        key=data["key"],
        kind=data["kind"],
        amount=Decimal(data.get("amount", "0")),
        percent=Decimal(data.get("percent", "0")),
        category_id=data.get("category_id"),
        category_name=data.get("category_name", ""),
        only_arrived=bool(data.get("only_arrived")),
        metric=data.get("metric", ""),
        tiers=tuple(
            Tier(Decimal(t["threshold"]), Decimal(t.get("amount", "0")), Decimal(t.get("percent", "0")))
            for t in data.get("tiers", ())
        ),
    )


def schemes_for_period(business, employees, start: dt.date, end: dt.date) -> dict[int, PaySchemeAssignment]:
    """The assignment that applies to each employee in the period: their own beats their role's; among several,
    the one that started last (a scheme changed mid-period applies to the whole period)."""
    employees = list(employees)
    assignments = list(
        PaySchemeAssignment.objects.for_business(business)
        .filter(valid_from__lte=end)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=start))
        .filter(Q(employee__in=employees) | Q(role_id__in={e.role_id for e in employees}))
        .select_related("scheme")
        .order_by("-valid_from", "-id")
    )
    chosen: dict[int, PaySchemeAssignment] = {}
    for employee in employees:
        own = next((a for a in assignments if a.employee_id == employee.pk), None)
        by_role = next((a for a in assignments if a.employee_id is None and a.role_id == employee.role_id), None)
        if own or by_role:
            chosen[employee.pk] = own or by_role
    return chosen


def rules_of_schemes(business, scheme_ids) -> dict[int, list[RuleSpec]]:
    rules: dict[int, list[RuleSpec]] = {scheme_id: [] for scheme_id in scheme_ids}
    for rule in PayRule.objects.for_business(business).filter(scheme_id__in=scheme_ids).select_related("category"):
        rules[rule.scheme_id].append(rule_spec(rule))
    return rules


def pay_facts(business, start: dt.date, end: dt.date) -> dict[int, PayFacts]:
    """Every employee's facts of a period (all branches: an employee is paid for everything they did)."""
    facts: dict[int, PayFacts] = {}
    for employee_id, figures in kpi_figures(business, start, end).items():
        facts[employee_id] = PayFacts(
            services_revenue=figures.get("services_revenue_by_category", {}),
            product_sales=figures.get("product_sales", ZERO),
            appointments_created=int(figures[KpiMetric.APPOINTMENTS_CREATED]),
            appointments_created_arrived=int(figures.get("appointments_created_arrived", 0)),
            visits_arrived=int(figures[KpiMetric.VISITS_ARRIVED]),
            kpi={metric: figures[metric] for metric in KpiMetric.values},
        )
    return facts


def payslips_visible_to(employee) -> QuerySet[Payslip]:
    """Everyone's with `payroll.view_all`, else one's own approved ones (with `payroll.view_own`): a draft may
    still change, so it is not shown to the person it pays."""
    queryset = Payslip.objects.for_business(employee.business).select_related("employee", "run", "run__branch")
    if has_permission(employee, Perm.PAYROLL_VIEW_ALL):
        return queryset
    if has_permission(employee, Perm.PAYROLL_VIEW_OWN):
        return queryset.filter(employee=employee, run__status=RunStatus.APPROVED)
    return queryset.none()


def can_see_payslip(employee, payslip: Payslip) -> bool:
    if payslip.business_id != employee.business_id:
        return False
    if has_permission(employee, Perm.PAYROLL_VIEW_ALL):
        return True
    return (
        payslip.employee_id == employee.pk
        and payslip.run.is_approved
        and has_permission(employee, Perm.PAYROLL_VIEW_OWN)
    )


def _employed_range(line: PayslipLine) -> tuple[dt.datetime, dt.datetime]:
    """The UTC range of the line's period the employee was employed in (the facts a line rests on)."""
    employee = line.payslip.employee
    employment = employment_in_period(
        line.for_period_start, line.for_period_end, employee.hire_date, employee.leave_date
    )
    if employment is None:
        return local_range(employee.business, line.for_period_start, line.for_period_start - dt.timedelta(days=1))
    return local_range(employee.business, employment.first_day, employment.last_day)


def visits_behind_line(line: PayslipLine) -> QuerySet[Appointment] | None:
    """The visits a line's base figure counts, as they are today (an approved line's figure may since have moved:
    that difference is paid as a correction in a later period). None when the line rests on no visits."""
    employee_id = line.payslip.employee_id
    starts, ends = _employed_range(line)
    visits = Appointment.objects.for_business(line.business_id).filter(starts_at__gte=starts, starts_at__lt=ends)
    kind = line.kind
    metric = line.metric
    if kind == RuleKind.SERVICES_PERCENT or metric in (KpiMetric.SERVICES_REVENUE, KpiMetric.VISITS_ARRIVED):
        visits = visits.filter(specialist_id=employee_id, status__in=SOLD_STATUSES)
        if kind == RuleKind.SERVICES_PERCENT and line.category_ids:
            named = [c for c in line.category_ids if c is not None]
            condition = Q(lines__category_id__in=named)
            if None in line.category_ids:
                condition |= Q(lines__category__isnull=True)
            visits = visits.filter(condition).distinct()
        return visits
    if kind == RuleKind.PER_VISIT_ARRIVED or metric == KpiMetric.REBOOKING_RATE:
        return visits.filter(specialist_id=employee_id, status__in=SOLD_STATUSES)
    if kind == RuleKind.PER_APPOINTMENT_CREATED or metric in (
        KpiMetric.APPOINTMENTS_CREATED,
        KpiMetric.ARRIVED_SHARE,
        KpiMetric.BOOKED_REVENUE,
    ):
        visits = visits.filter(created_by_id=employee_id).exclude(status=AppointmentStatus.CANCELLED)
        if line.rule_snapshot.get("only_arrived") or metric == KpiMetric.BOOKED_REVENUE:
            visits = visits.filter(status__in=SOLD_STATUSES)
        return visits
    return None


def orders_behind_line(line: PayslipLine) -> QuerySet | None:
    """The orders a line's base figure counts, as they are today: for % of product sales the orders sold in the
    period with the employee responsible (their product items are the base), for "orders completed" the orders
    that reached completed in the period. None when the line rests on no orders."""
    from staffroom.orders.choices import ActionKind, ItemKind, OrderStatus
    from staffroom.orders.models import Order

    starts, ends = _employed_range(line)
    orders = Order.objects.for_business(line.business_id).filter(responsible_id=line.payslip.employee_id)
    if line.kind == RuleKind.PRODUCT_SALES_PERCENT:
        return orders.filter(sold_at__gte=starts, sold_at__lt=ends, items__kind=ItemKind.PRODUCT).distinct()
    if line.metric == KpiMetric.ORDERS_COMPLETED:
        return orders.filter(
            actions__kind=ActionKind.STATUS,
            actions__after__status=OrderStatus.COMPLETED,
            actions__occurred_at__gte=starts,
            actions__occurred_at__lt=ends,
        ).distinct()
    return None


def payments_behind_line(line: PayslipLine) -> QuerySet[Payment] | None:
    if line.metric not in (KpiMetric.PAYMENTS_COUNT, KpiMetric.PAYMENTS_AMOUNT):
        return None
    starts, ends = _employed_range(line)
    return Payment.objects.for_business(line.business_id).filter(
        processed_by_id=line.payslip.employee_id, processed_at__gte=starts, processed_at__lt=ends
    )
