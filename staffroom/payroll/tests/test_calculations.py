"""Table tests and properties of the payroll arithmetic: rules and facts → lines that explain themselves."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffroom.payroll.calculations import (
    PayFacts,
    RuleSpec,
    Tier,
    correction_lines,
    payslip_lines,
    payslip_total,
    reached_tier,
    share_percent,
)
from staffroom.payroll.choices import KpiMetric, RuleKind

D = Decimal


def test_stylist_gets_40_percent_of_services_after_discounts_plus_a_fixed_amount():
    rules = [
        RuleSpec(key="fixed", kind=RuleKind.FIXED, amount=D("20000")),
        RuleSpec(key="services", kind=RuleKind.SERVICES_PERCENT, percent=D("40")),
    ]
    # Services worth 60 000 at list price, 5 000 discounts given: the base is what the clients paid, 55 000.
    facts = PayFacts(services_revenue={1: D("40000.00"), 2: D("15000.00")})
    lines = payslip_lines(rules, facts, "RUB")
    assert [(line.rule_key, line.base, line.rate, line.amount) for line in lines] == [
        ("fixed", D(0), D("20000"), D("20000.00")),
        ("services", D("55000.00"), D("40"), D("22000.00")),
    ]
    assert payslip_total(lines) == D("42000.00")
    assert "55\u202f000.00 × 40 % = 22\u202f000.00" in lines[1].explanation
    assert lines[1].category_ids == (1, 2)


def test_a_category_rate_takes_its_category_and_the_general_rate_takes_the_rest():
    rules = [
        RuleSpec(key="colour", kind=RuleKind.SERVICES_PERCENT, percent=D("30"), category_id=2, category_name="Colour"),
        RuleSpec(key="other", kind=RuleKind.SERVICES_PERCENT, percent=D("40")),
    ]
    facts = PayFacts(services_revenue={1: D("1000"), 2: D("2000"), None: D("500")})
    colour, other = payslip_lines(rules, facts, "RUB")
    assert (colour.base, colour.amount, colour.category_ids) == (D("2000"), D("600.00"), (2,))
    assert (other.base, other.amount, other.category_ids) == (D("1500"), D("600.00"), (1, None))


@pytest.mark.parametrize(
    ("only_arrived", "expected_base", "expected_amount"),
    [(True, D(30), D("3000.00")), (False, D(45), D("4500.00"))],
)
def test_administrator_paid_per_appointment_created_only_for_visits_that_arrived(
    only_arrived, expected_base, expected_amount
):
    rule = RuleSpec(key="booked", kind=RuleKind.PER_APPOINTMENT_CREATED, amount=D("100"), only_arrived=only_arrived)
    facts = PayFacts(appointments_created=45, appointments_created_arrived=30)
    (line,) = payslip_lines([rule], facts, "RUB")
    assert (line.base, line.rate, line.amount) == (expected_base, D("100"), expected_amount)
    assert ("whose visit arrived" in line.explanation) is only_arrived


TIERS = (Tier(D(100), amount=D("3000")), Tier(D(150), amount=D("6000")), Tier(D(200), percent=D("10")))


@pytest.mark.parametrize(
    ("created", "expected_bonus"),
    [
        (99, D("0.00")),  # below the first target: a zero line that says so
        (100, D("3000.00")),  # the first tier, reached exactly
        (170, D("6000.00")),  # the second tier, not the first on top of it
        (250, D("2500.00")),  # the top tier pays 10 % of earnings (25 000)
    ],
)
def test_call_center_operator_with_a_kpi_bonus_tier(created, expected_bonus):
    rules = [
        RuleSpec(key="fixed", kind=RuleKind.FIXED, amount=D("25000")),
        RuleSpec(key="bonus", kind=RuleKind.KPI_BONUS, metric=KpiMetric.APPOINTMENTS_CREATED, tiers=TIERS),
    ]
    lines = payslip_lines(rules, PayFacts(appointments_created=created), "RUB")
    bonus = lines[-1]
    assert bonus.amount == expected_bonus
    assert bonus.base == D(created)
    assert ("no bonus" in bonus.explanation) is (expected_bonus == 0)


def test_refund_after_approval_produces_a_correction_next_period():
    rules = [
        RuleSpec(key="fixed", kind=RuleKind.FIXED, amount=D("20000")),
        RuleSpec(key="services", kind=RuleKind.SERVICES_PERCENT, percent=D("40")),
    ]
    approved = payslip_lines(rules, PayFacts(services_revenue={1: D("10000")}), "RUB")
    paid = {line.rule_key: line.amount for line in approved}
    # After approval a 1 500 visit of that period is refunded: its revenue leaves the base.
    recomputed = payslip_lines(rules, PayFacts(services_revenue={1: D("8500")}), "RUB")
    (correction,) = correction_lines(recomputed, paid, (date(2026, 3, 1), date(2026, 3, 31)))
    assert (correction.rule_key, correction.kind, correction.amount) == (
        "services",
        RuleKind.SERVICES_PERCENT,
        D("-600.00"),
    )
    assert correction.is_correction
    assert (
        "Correction for March 2026: 4\u202f000.00 was paid, the data now gives 3\u202f400.00" in correction.explanation
    )
    # Once the correction is paid, the period is settled: recomputing gives nothing more.
    paid["services"] += correction.amount
    assert correction_lines(recomputed, paid, (date(2026, 3, 1), date(2026, 3, 31))) == []


def test_deductions_come_after_earnings_and_bonuses():
    rules = [
        RuleSpec(key="fixed", kind=RuleKind.FIXED, amount=D("10000")),
        RuleSpec(key="tax", kind=RuleKind.DEDUCTION_PERCENT, percent=D("13")),
        RuleSpec(key="uniform", kind=RuleKind.DEDUCTION_FIXED, amount=D("500")),
        RuleSpec(key="visits", kind=RuleKind.PER_VISIT_ARRIVED, amount=D("50")),
    ]
    lines = payslip_lines(rules, PayFacts(visits_arrived=20), "RUB")
    assert [(line.rule_key, line.amount) for line in lines] == [
        ("fixed", D("10000.00")),
        ("visits", D("1000.00")),
        ("tax", D("-1430.00")),
        ("uniform", D("-500.00")),
    ]


def test_share_and_tiers():
    assert share_percent(2, 3) == D("66.67")
    assert share_percent(0, 0) == 0
    assert reached_tier(TIERS, D(149)).threshold == 100
    assert reached_tier((), D(5)) is None


amounts = st.decimals(min_value=0, max_value=10**6, places=2)
percents = st.decimals(min_value=0, max_value=100, places=2)
facts_strategy = st.builds(
    PayFacts,
    services_revenue=st.dictionaries(st.sampled_from([1, 2, 3, None]), amounts, max_size=4),
    product_sales=amounts,
    appointments_created=st.integers(0, 500),
    appointments_created_arrived=st.integers(0, 500),
    visits_arrived=st.integers(0, 500),
)
rule_strategy = st.one_of(
    st.builds(RuleSpec, key=st.just("fixed"), kind=st.just(RuleKind.FIXED), amount=amounts),
    st.builds(RuleSpec, key=st.just("services"), kind=st.just(RuleKind.SERVICES_PERCENT), percent=percents),
    st.builds(RuleSpec, key=st.just("visit"), kind=st.just(RuleKind.PER_VISIT_ARRIVED), amount=amounts),
    st.builds(RuleSpec, key=st.just("created"), kind=st.just(RuleKind.PER_APPOINTMENT_CREATED), amount=amounts),
)


@given(st.lists(rule_strategy, max_size=4, unique_by=lambda rule: rule.key), facts_strategy)
def test_every_line_is_rounded_and_nothing_changes_means_no_correction(rules, facts):
    lines = payslip_lines(rules, facts, "RUB")
    assert len(lines) == len(rules)
    assert all(line.amount == line.amount.quantize(D("0.01")) for line in lines)
    assert all(line.amount >= 0 for line in lines)
    assert (
        correction_lines(lines, {line.rule_key: line.amount for line in lines}, (date(2026, 3, 1), date(2026, 3, 31)))
        == []
    )


@given(percents, amounts, amounts)
def test_services_pay_grows_with_revenue(percent, revenue, more):
    rule = [RuleSpec(key="s", kind=RuleKind.SERVICES_PERCENT, percent=percent)]
    low = payslip_total(payslip_lines(rule, PayFacts(services_revenue={1: revenue}), "RUB"))
    high = payslip_total(payslip_lines(rule, PayFacts(services_revenue={1: revenue + more}), "RUB"))
    assert low <= high


@given(st.lists(rule_strategy, max_size=4, unique_by=lambda rule: rule.key), facts_strategy, facts_strategy)
def test_paid_plus_corrections_equals_the_recomputed_payslip(rules, before, after):
    paid_lines = payslip_lines(rules, before, "RUB")
    recomputed = payslip_lines(rules, after, "RUB")
    corrections = correction_lines(
        recomputed, {line.rule_key: line.amount for line in paid_lines}, (date(2026, 3, 1), date(2026, 3, 31))
    )
    assert payslip_total(paid_lines) + payslip_total(corrections) == payslip_total(recomputed)
