"""Table tests and properties of the subscription arithmetic (no database)."""

import datetime
import itertools
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from staffroom.billing.calculations import (
    LedgerState,
    PriceTerms,
    add_months,
    invoice_quote,
    ledger_change_allowed,
    ledger_open,
    ledger_seat_change,
    local_date,
    monthly_saving,
    paid_seats,
    seat_change_effect,
    subscription_purchase,
)

D = Decimal
date = datetime.date
STANDARD = PriceTerms(base_price=D("1990"), free_seats=2, seat_price=D("380"), currency="RUB")
DISCOUNTS = {1: D(0), 3: D(5), 6: D(10), 12: D(15)}


def test_paid_seats_and_list_price():
    assert paid_seats(billable=0, free_seats=2) == 0
    assert paid_seats(billable=2, free_seats=2) == 0
    assert paid_seats(billable=5, free_seats=2) == 3
    assert STANDARD.monthly_price(5) == D("3130")
    assert STANDARD.monthly_price(1) == D("1990")


@pytest.mark.parametrize(
    ("months", "base_line", "seats_line", "total"),
    [
        (1, D("1990.00"), D("1140.00"), D("3130.00")),  # no discount
        (3, D("5671.50"), D("3249.00"), D("8920.50")),  # 5 % off base and seats
        (6, D("10746.00"), D("6156.00"), D("16902.00")),  # 10 %
        (12, D("20298.00"), D("11628.00"), D("31926.00")),  # 15 %
    ],
)
def test_invoice_for_each_term_discounts_base_and_seats(months, base_line, seats_line, total):
    quote = invoice_quote(terms=STANDARD, billable=5, months=months, discount_percent=DISCOUNTS[months])
    assert quote.paid_seats == 3
    assert (quote.base_line, quote.seats_line, quote.total) == (base_line, seats_line, total)


def test_lines_round_half_up_each_and_total_is_their_sum():
    terms = PriceTerms(base_price=D("2.50"), free_seats=0, seat_price=D("2.50"), currency="RUB")
    quote = invoice_quote(terms=terms, billable=1, months=3, discount_percent=D(5))
    exact_line = 3 * D("2.50") * D("0.95")
    assert exact_line == D("7.1250")
    # Banker's rounding would give 7.12; the rule is half-up per line.
    assert exact_line.quantize(D("0.01"), rounding=ROUND_HALF_EVEN) == D("7.12")
    assert quote.base_line == quote.seats_line == D("7.13")
    # The total is the sum of rounded lines (14.26), not the rounded exact sum (14.25).
    assert quote.total == D("14.26")


def test_invoice_refuses_unknown_terms():
    with pytest.raises(ValueError):
        invoice_quote(terms=STANDARD, billable=1, months=2, discount_percent=D(0))


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 2, date(2025, 3, 31)),  # anchored: chaining would give Mar 28
        (date(2025, 1, 31), 3, date(2025, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2025, 8, 31), 6, date(2026, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
    ],
)
def test_anchored_month_arithmetic(anchor, months, expected):
    assert add_months(anchor, months) == expected


def test_twelve_month_term_shrinks_when_a_seat_is_added():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 1, 1), months=12, discount_percent=D(15)
    )
    assert state.paid_until == date(2027, 1, 1)
    assert state.value == 365 * 2370
    after = ledger_seat_change(state, effective=date(2026, 7, 1), monthly_price=STANDARD.monthly_price(4))
    # 184 days left at 2370 = 436 080; at 2750 a month that lasts 158.57… days, shown rounded up to 159.
    assert after.value == 184 * 2370
    assert after.exact_days_left == Fraction(436080, 2750)
    assert after.paid_until == date(2026, 7, 1) + datetime.timedelta(days=159) == date(2026, 12, 7)


def test_same_day_add_then_remove_leaves_the_date():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 1, 1), months=12, discount_percent=D(15)
    )
    added = ledger_seat_change(state, effective=date(2026, 3, 10), monthly_price=STANDARD.monthly_price(4))
    removed = ledger_seat_change(added, effective=date(2026, 3, 10), monthly_price=STANDARD.monthly_price(3))
    assert removed.paid_until == state.paid_until == date(2027, 1, 1)
    assert removed.since.toordinal() + removed.exact_days_left == date(2027, 1, 1).toordinal()


def test_add_then_remove_ten_days_later_costs_ten_days_of_the_seat():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 1, 1), months=12, discount_percent=D(15)
    )
    added = ledger_seat_change(state, effective=date(2026, 7, 1), monthly_price=STANDARD.monthly_price(4))
    removed = ledger_seat_change(added, effective=date(2026, 7, 11), monthly_price=STANDARD.monthly_price(3))
    # 10 days at 2750 instead of 2370 consume 3 800 of value: 3800 / 2370 = 1.6 days earlier than Jan 1.
    assert removed.value == 184 * 2370 - 10 * 2750
    assert state.value - removed.value == 181 * 2370 + 10 * 2750
    assert removed.paid_until == date(2026, 12, 31)


def test_change_on_the_last_paid_day_keeps_the_date():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 1, 1), months=1, discount_percent=D(0)
    )
    assert state.paid_until == date(2026, 2, 1)
    after = ledger_seat_change(state, effective=date(2026, 1, 31), monthly_price=STANDARD.monthly_price(6))
    assert after.value == 2370
    assert after.paid_until == date(2026, 2, 1)
    # A change on or after the paid-until date moves nothing: the value is spent until renewal.
    assert ledger_seat_change(state, effective=date(2026, 2, 1), monthly_price=STANDARD.monthly_price(6)) is state


def test_leap_year_term():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2028, 1, 15), months=12, discount_percent=D(15)
    )
    assert state.value == 366 * 2370
    after = ledger_seat_change(state, effective=date(2028, 3, 1), monthly_price=STANDARD.monthly_price(4))
    # Jan 15 → Mar 1 2028 is 46 days (29 in February); 320 days × 2370 / 2750 = 275.78… → 276 days.
    assert after.value == 320 * 2370
    assert after.paid_until == date(2028, 3, 1) + datetime.timedelta(days=276) == date(2028, 12, 2)


def test_effective_date_is_the_local_date_far_east_of_utc():
    moment = datetime.datetime(2026, 3, 10, 11, 0, tzinfo=datetime.UTC)
    assert local_date(moment, "Pacific/Kiritimati") == date(2026, 3, 11)  # UTC+14: already the next day
    assert local_date(moment, "Europe/Moscow") == date(2026, 3, 10)
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 3, 1), months=1, discount_percent=D(0)
    )
    in_kiritimati = ledger_seat_change(
        state, effective=local_date(moment, "Pacific/Kiritimati"), monthly_price=STANDARD.monthly_price(4)
    )
    in_moscow = ledger_seat_change(
        state, effective=local_date(moment, "Europe/Moscow"), monthly_price=STANDARD.monthly_price(4)
    )
    assert in_kiritimati.value == 21 * 2370
    assert in_moscow.value == 22 * 2370
    assert in_kiritimati.paid_until == date(2026, 3, 11) + datetime.timedelta(days=19)  # 21·2370/2750 = 18.1 → 19
    assert in_moscow.paid_until == date(2026, 3, 10) + datetime.timedelta(days=19)  # 22·2370/2750 = 18.96 → 19


def test_removal_without_extension_keeps_the_date():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=4, start=date(2026, 1, 1), months=1, discount_percent=D(0)
    )
    candidate = ledger_seat_change(state, effective=date(2026, 1, 11), monthly_price=STANDARD.monthly_price(3))
    assert candidate.paid_until > state.paid_until
    kept = ledger_change_allowed(state, candidate, removal_extends_term=False)
    assert kept.paid_until == state.paid_until == date(2026, 2, 1)
    assert ledger_change_allowed(state, candidate, removal_extends_term=True) is candidate


def test_seat_change_effect_reports_the_preview_numbers():
    _quote, state = subscription_purchase(
        terms=STANDARD, billable=3, start=date(2026, 1, 1), months=12, discount_percent=D(15)
    )
    effect = seat_change_effect(
        state=state,
        terms=STANDARD,
        renewal_terms=STANDARD,
        renewal_months=12,
        renewal_discount_percent=D(15),
        billable_before=3,
        billable_after=4,
        effective=date(2026, 7, 1),
    )
    assert (effect.paid_seats_before, effect.paid_seats_after) == (1, 2)
    assert (effect.monthly_price_before, effect.monthly_price_after) == (D("2370"), D("2750"))
    assert (effect.paid_until_before, effect.paid_until_after) == (date(2027, 1, 1), date(2026, 12, 7))
    assert effect.renewal.total == D("20298.00") + D("7752.00")
    free_to_free = seat_change_effect(
        state=state,
        terms=STANDARD,
        renewal_terms=STANDARD,
        renewal_months=12,
        renewal_discount_percent=D(15),
        billable_before=1,
        billable_after=2,
        effective=date(2026, 7, 1),
    )
    assert not free_to_free.changes_price
    assert free_to_free.paid_until_after == free_to_free.paid_until_before


def test_monthly_saving():
    assert monthly_saving(terms=STANDARD, billable=5, made_free=2) == D("760")
    assert monthly_saving(terms=STANDARD, billable=3, made_free=2) == D("380")  # only one seat was paid
    assert monthly_saving(terms=STANDARD, billable=2, made_free=1) == D("0")


# --- properties --------------------------------------------------------------------------------------

prices = st.builds(
    PriceTerms,
    base_price=st.integers(min_value=10_000, max_value=1_000_000).map(lambda cents: D(cents) / 100),
    free_seats=st.integers(min_value=0, max_value=5),
    seat_price=st.integers(min_value=0, max_value=200_000).map(lambda cents: D(cents) / 100),
    currency=st.just("RUB"),
)
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
terms_months = st.sampled_from([1, 3, 6, 12])
changes = st.lists(
    st.tuples(st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=30)), max_size=25
)


def _run(terms, billable, start, months, discount, steps):
    _quote, state = subscription_purchase(
        terms=terms, billable=billable, start=start, months=months, discount_percent=discount
    )
    history = [state]
    effective = start
    for gap, count in steps:
        effective += datetime.timedelta(days=gap)
        state = ledger_seat_change(state, effective=effective, monthly_price=terms.monthly_price(count))
        history.append(state)
    return history


@settings(max_examples=200, deadline=None)
@given(prices, st.integers(0, 30), starts, terms_months, changes)
def test_value_is_conserved(terms, billable, start, months, steps):
    history = _run(terms, billable, start, months, D(0), steps)
    consumed = sum(
        ((later.since - earlier.since).days * earlier.monthly_price for earlier, later in itertools.pairwise(history)),
        Fraction(0),
    )
    assert history[0].value == history[-1].value + consumed
    assert all(state.value > 0 for state in history)


@settings(max_examples=300, deadline=None)
@given(prices, st.integers(0, 30), starts, terms_months, changes, st.integers(0, 400), st.integers(1, 5))
def test_adding_a_seat_never_moves_the_date_later(terms, billable, start, months, steps, gap, added):
    state = _run(terms, billable, start, months, D(0), steps)[-1]
    effective = state.since + datetime.timedelta(days=gap)
    current = state.monthly_price
    after = ledger_seat_change(state, effective=effective, monthly_price=current + Fraction(terms.seat_price * added))
    assert after.paid_until <= state.paid_until


@settings(max_examples=300, deadline=None)
@given(prices, st.integers(0, 30), starts, terms_months, changes, st.integers(0, 400), st.integers(0, 30))
def test_same_day_add_and_remove_is_the_identity(terms, billable, start, months, steps, gap, other_count):
    state = _run(terms, billable, start, months, D(0), steps)[-1]
    effective = state.since + datetime.timedelta(days=gap)
    there = ledger_seat_change(state, effective=effective, monthly_price=terms.monthly_price(other_count))
    back = ledger_seat_change(there, effective=effective, monthly_price=state.monthly_price)
    assert back.paid_until == state.paid_until
    assert back.since.toordinal() + back.exact_days_left == state.since.toordinal() + state.exact_days_left


@settings(max_examples=200, deadline=None)
@given(prices, st.integers(0, 30), starts, terms_months, changes)
def test_shown_date_is_at_most_one_day_past_the_exact_end(terms, billable, start, months, steps):
    for state in _run(terms, billable, start, months, D(0), steps):
        exact_end = state.since.toordinal() + state.exact_days_left
        assert exact_end <= state.paid_until.toordinal() < exact_end + 1


@settings(max_examples=200, deadline=None)
@given(
    prices,
    st.integers(0, 30),
    starts,
    terms_months,
    changes,
    st.integers(0, 99).map(D),
    st.integers(0, 99).map(D),
)
def test_date_does_not_depend_on_the_term_discount(terms, billable, start, months, steps, discount, other):
    first = _run(terms, billable, start, months, discount, steps)
    second = _run(terms, billable, start, months, other, steps)
    assert [state.paid_until for state in first] == [state.paid_until for state in second]


def test_ledger_refuses_a_free_price():
    with pytest.raises(ValueError):
        ledger_open(start=date(2026, 1, 1), end=date(2026, 2, 1), monthly_price=D(0))
    with pytest.raises(ValueError):
        ledger_seat_change(
            LedgerState(Fraction(10), date(2026, 1, 1), Fraction(1)), effective=date(2026, 1, 2), monthly_price=D(0)
        )
