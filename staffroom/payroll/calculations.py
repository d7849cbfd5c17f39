"""Pure payroll arithmetic: pay rules and an employee's facts for a period → payslip lines that explain themselves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from staffroom.core.money import round_money

from .choices import KpiMetric, RuleKind
from .labels import source_explanation

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Tier:
    """A KPI bonus step: reached when the metric is at least `threshold`; pays an amount or a % of earnings."""

    threshold: Decimal
    amount: Decimal = ZERO
    percent: Decimal = ZERO


@dataclass(frozen=True)
class RuleSpec:
    """One pay rule as plain data. `key` identifies the rule across periods (corrections compare by it)."""

    key: str
    kind: str
    amount: Decimal = ZERO
    percent: Decimal = ZERO
    category_id: int | None = None
    category_name: str = ""
    only_arrived: bool = False
    metric: str = ""
    tiers: tuple[Tier, ...] = ()


@dataclass(frozen=True)
class Employment:
    """The employed part of a pay period, in calendar days with both ends inclusive: hired on the 15th of a
    30-day month, the employee worked 16 of its 30 days (the hire day and the leave day are days employed)."""

    period_start: dt.date
    period_end: dt.date
    first_day: dt.date
    last_day: dt.date

    @property
    def period_days(self) -> int:
        return (self.period_end - self.period_start).days + 1

    @property
    def employed_days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def is_whole_period(self) -> bool:
        return self.first_day == self.period_start and self.last_day == self.period_end


def employment_in_period(
    period_start: dt.date, period_end: dt.date, hire_date: dt.date | None, leave_date: dt.date | None
) -> Employment | None:
    """The days of the period the employee was employed; None when none (hired after it, or left before it).
    An unknown hire date means employed since before the period; an empty leave date, still employed."""
    first = max(period_start, hire_date) if hire_date else period_start
    last = min(period_end, leave_date) if leave_date else period_end
    if first > last:
        return None
    return Employment(period_start, period_end, first, last)


def prorated(amount: Decimal, employment: Employment | None) -> Decimal:
    """A fixed amount for the employed part of the period: amount × days employed / days in the period (exact;
    the caller rounds the result once)."""
    if employment is None or employment.is_whole_period:
        return amount
    return amount * employment.employed_days / employment.period_days


@dataclass(frozen=True)
class PayFacts:
    """What an employee achieved in a period, already aggregated (by the database). The facts of an employee
    who joined or left during the period cover only their days employed (`employment`)."""

    # Own services revenue after discounts and returns, by service category id (None: no category).
    services_revenue: Mapping[int | None, Decimal] = field(default_factory=dict)
    product_sales: Decimal = ZERO
    appointments_created: int = 0
    appointments_created_arrived: int = 0
    visits_arrived: int = 0
    kpi: Mapping[str, Decimal] = field(default_factory=dict)
    employment: Employment | None = None


@dataclass(frozen=True)
class PayLine:
    """A payslip line: which rule, on what base figure, at what rate, for how much, and why in words."""

    rule_key: str
    kind: str
    base: Decimal
    rate: Decimal
    amount: Decimal
    explanation: str
    category_ids: tuple[int | None, ...] = ()
    metric: str = ""
    is_correction: bool = False
    # The explanation as a message code and its parameters (staffroom.payroll.labels), shown in the reader's language.
    message: str = ""
    params: dict = field(default_factory=dict)


def _params(values: dict) -> dict:
    """JSON-ready parameters: figures as their exact text."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in values.items()}


def _line(rule_key, kind, base, rate, amount, message: str, values: dict, **extra) -> PayLine:
    params = _params(values)
    return PayLine(
        rule_key, kind, base, rate, amount, source_explanation(message, params), message=message, params=params, **extra
    )


def _prorated_fixed(rule: RuleSpec, employment: Employment, currency: str, *, deduction: bool) -> PayLine:
    amount = round_money(prorated(rule.amount, employment), currency)
    values = {
        "full": rule.amount,
        "days": employment.employed_days,
        "period_days": employment.period_days,
        "first": employment.first_day.isoformat(),
        "last": employment.last_day.isoformat(),
        "amount": amount,
    }
    message = "deduction_prorated" if deduction else "fixed_prorated"
    if deduction:
        amount = -amount
    return _line(rule.key, rule.kind, Decimal(employment.employed_days), rule.amount, amount, message, values)


def kpi_value(facts: PayFacts, metric: str) -> Decimal:
    """A KPI figure of the facts; derived ones (counts the facts hold directly) need no separate input."""
    direct = {
        KpiMetric.APPOINTMENTS_CREATED: Decimal(facts.appointments_created),
        KpiMetric.VISITS_ARRIVED: Decimal(facts.visits_arrived),
        KpiMetric.SERVICES_REVENUE: sum(facts.services_revenue.values(), ZERO),
        KpiMetric.ARRIVED_SHARE: share_percent(facts.appointments_created_arrived, facts.appointments_created),
    }
    if metric in facts.kpi:
        return Decimal(facts.kpi[metric])
    return direct.get(metric, ZERO)


def share_percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """part / whole in percent with two decimals; 0 when there is nothing to share."""
    if not whole:
        return ZERO
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01"))


def reached_tier(tiers: Sequence[Tier], value: Decimal) -> Tier | None:
    """The highest tier whose threshold the value reaches (tiers may come in any order)."""
    reached = [tier for tier in tiers if value >= tier.threshold]
    return max(reached, key=lambda tier: tier.threshold) if reached else None


def _services_categories(rule: RuleSpec, rules: Sequence[RuleSpec], facts: PayFacts) -> tuple[int | None, ...]:
    """A rule for a category takes that category; a rule without one takes every category no other rule names."""
    if rule.category_id is not None:
        return (rule.category_id,)
    named = {
        other.category_id
        for other in rules
        if other.kind == RuleKind.SERVICES_PERCENT and other.category_id is not None
    }
    return tuple(sorted((c for c in facts.services_revenue if c not in named), key=lambda c: (c is None, c or 0)))


def _earning_line(rule: RuleSpec, rules: Sequence[RuleSpec], facts: PayFacts, currency: str) -> PayLine | None:
    kind = rule.kind
    if kind == RuleKind.FIXED and facts.employment is not None and not facts.employment.is_whole_period:
        return _prorated_fixed(rule, facts.employment, currency, deduction=False)
    if kind == RuleKind.FIXED:
        amount = round_money(rule.amount, currency)
        return _line(rule.key, kind, ZERO, rule.amount, amount, "fixed", {"amount": amount})
    if kind == RuleKind.SERVICES_PERCENT:
        categories = _services_categories(rule, rules, facts)
        base = sum((facts.services_revenue.get(c, ZERO) for c in categories), ZERO)
        amount = round_money(base * rule.percent / HUNDRED, currency)
        others_named = any(r.kind == RuleKind.SERVICES_PERCENT and r.category_id is not None for r in rules)
        values = {"percent": rule.percent, "base": base, "amount": amount}
        if rule.category_name:
            values.update(scope="category", scope_name=rule.category_name)
        else:
            values["scope"] = "other" if others_named else "all"
        return _line(rule.key, kind, base, rule.percent, amount, "services_percent", values, category_ids=categories)
    if kind == RuleKind.PRODUCT_SALES_PERCENT:
        base = facts.product_sales
        amount = round_money(base * rule.percent / HUNDRED, currency)
        values = {"percent": rule.percent, "base": base, "amount": amount}
        return _line(rule.key, kind, base, rule.percent, amount, "product_sales_percent", values)
    if kind == RuleKind.PER_APPOINTMENT_CREATED:
        count = facts.appointments_created_arrived if rule.only_arrived else facts.appointments_created
        amount = round_money(rule.amount * count, currency)
        message = "appointments_created_arrived" if rule.only_arrived else "appointments_created"
        values = {"count": count, "rate": rule.amount, "amount": amount}
        return _line(rule.key, kind, Decimal(count), rule.amount, amount, message, values)
    if kind == RuleKind.PER_VISIT_ARRIVED:
        count = facts.visits_arrived
        amount = round_money(rule.amount * count, currency)
        values = {"count": count, "rate": rule.amount, "amount": amount}
        return _line(rule.key, kind, Decimal(count), rule.amount, amount, "visits_arrived", values)
    return None


def _bonus_line(rule: RuleSpec, facts: PayFacts, earnings: Decimal, currency: str) -> PayLine:
    value = kpi_value(facts, rule.metric)
    tier = reached_tier(rule.tiers, value)
    if tier is None:
        lowest = min((t.threshold for t in rule.tiers), default=ZERO)
        values = {"metric": rule.metric, "value": value, "target": lowest}
        return _line(rule.key, rule.kind, value, ZERO, ZERO, "bonus_not_reached", values, metric=rule.metric)
    if tier.percent:
        amount = round_money(earnings * tier.percent / HUNDRED, currency)
        values = {
            "metric": rule.metric,
            "value": value,
            "target": tier.threshold,
            "percent": tier.percent,
            "earnings": earnings,
            "amount": amount,
        }
        return _line(rule.key, rule.kind, value, tier.percent, amount, "bonus_percent", values, metric=rule.metric)
    amount = round_money(tier.amount, currency)
    values = {"metric": rule.metric, "value": value, "target": tier.threshold, "amount": amount}
    return _line(rule.key, rule.kind, value, tier.amount, amount, "bonus_amount", values, metric=rule.metric)


def _deduction_line(rule: RuleSpec, gross: Decimal, currency: str, employment: Employment | None) -> PayLine:
    if rule.kind == RuleKind.DEDUCTION_FIXED and employment is not None and not employment.is_whole_period:
        return _prorated_fixed(rule, employment, currency, deduction=True)
    if rule.kind == RuleKind.DEDUCTION_FIXED:
        amount = -round_money(rule.amount, currency)
        return _line(rule.key, rule.kind, ZERO, rule.amount, amount, "deduction_fixed", {"amount": -amount})
    amount = -round_money(gross * rule.percent / HUNDRED, currency)
    values = {"percent": rule.percent, "gross": gross, "amount": -amount}
    return _line(rule.key, rule.kind, gross, rule.percent, amount, "deduction_percent", values)


def payslip_lines(rules: Sequence[RuleSpec], facts: PayFacts, currency: str) -> list[PayLine]:
    """Earnings first, then KPI bonuses (a % bonus is a share of the earnings), then deductions (a % deduction
    is a share of earnings plus bonuses). Every line is rounded half-up on its own; the payslip total is their sum.
    Fixed amounts (earnings and deductions) are prorated by the calendar days employed in the period."""
    lines: list[PayLine] = []
    for rule in rules:
        line = _earning_line(rule, rules, facts, currency)
        if line is not None:
            lines.append(line)
    earnings = sum((line.amount for line in lines), ZERO)
    bonuses = [_bonus_line(rule, facts, earnings, currency) for rule in rules if rule.kind == RuleKind.KPI_BONUS]
    lines.extend(bonuses)
    gross = earnings + sum((line.amount for line in bonuses), ZERO)
    for rule in rules:
        if rule.kind in (RuleKind.DEDUCTION_FIXED, RuleKind.DEDUCTION_PERCENT):
            lines.append(_deduction_line(rule, gross, currency, facts.employment))
    return lines


def payslip_total(lines: Iterable[PayLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


def correction_lines(
    recomputed: Sequence[PayLine], paid_by_rule: Mapping[str, Decimal], period: tuple[dt.date, dt.date]
) -> list[PayLine]:
    """What an earlier, approved period should have paid (recomputed from today's data with the rules it was
    paid under) minus what was paid for it (its payslip plus earlier corrections): one line per rule that moved."""
    corrections: list[PayLine] = []
    recomputed_by_rule: dict[str, PayLine] = {line.rule_key: line for line in recomputed}
    for key in sorted(set(recomputed_by_rule) | set(paid_by_rule)):
        line = recomputed_by_rule.get(key)
        now = line.amount if line is not None else ZERO
        paid = paid_by_rule.get(key, ZERO)
        difference = now - paid
        if difference == 0:
            continue
        values = {
            "period": [period[0].isoformat(), period[1].isoformat()],
            "paid": paid,
            "now": now,
            "why": {"message": line.message, "params": line.params} if line is not None else None,
        }
        corrections.append(
            _line(
                key,
                line.kind if line is not None else RuleKind.CORRECTION,
                line.base if line is not None else ZERO,
                line.rate if line is not None else ZERO,
                difference,
                "correction",
                values,
                category_ids=line.category_ids if line is not None else (),
                metric=line.metric if line is not None else "",
                is_correction=True,
            )
        )
    return corrections
