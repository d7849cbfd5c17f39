"""Pure order rules: the transition table, line figures, return shares and net sales (tables and properties)."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffroom.orders.calculations import (
    STATUS_TRANSITIONS,
    is_task_overdue,
    is_transition_allowed,
    line_figures,
    net_sales,
    return_amount,
)
from staffroom.orders.choices import OrderStatus as S


def test_every_status_has_a_row_and_closed_ones_lead_nowhere():
    assert set(STATUS_TRANSITIONS) == set(S.values)
    assert STATUS_TRANSITIONS[S.CANCELLED] == () and STATUS_TRANSITIONS[S.RETURNED] == ()
    for targets in STATUS_TRANSITIONS.values():
        assert set(targets) <= set(S.values)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.NEW, S.IN_PROGRESS, True),
        (S.IN_PROGRESS, S.PAID, True),
        (S.PAID, S.SHIPPED, True),
        (S.SHIPPED, S.COMPLETED, True),
        (S.COMPLETED, S.RETURNED, True),
        (S.NEW, S.CANCELLED, True),
        (S.PAID, S.CANCELLED, False),
        (S.NEW, S.COMPLETED, False),
        (S.COMPLETED, S.NEW, False),
        (S.RETURNED, S.PAID, False),
    ],
)
def test_transition_table(current, target, allowed):
    assert is_transition_allowed(current, target) is allowed


@pytest.mark.parametrize(
    ("quantity", "price", "discount", "gross", "total"),
    [
        (1, "100.00", "0", "100.00", "100.00"),
        (3, "333.33", "0.99", "999.99", "999.00"),
        (2, "0.005", "0", "0.01", "0.01"),  # half-up, never banker's rounding
    ],
)
def test_line_figures(quantity, price, discount, gross, total):
    figures = line_figures(quantity, Decimal(price), Decimal(discount))
    assert (figures.gross, figures.total) == (Decimal(gross), Decimal(total))


def test_a_discount_above_the_line_is_refused():
    with pytest.raises(ValueError):
        line_figures(1, Decimal("10"), Decimal("10.01"))


money = st.decimals(min_value=Decimal("0.00"), max_value=Decimal("99999.99"), places=2)


@given(
    quantity=st.integers(1, 50),
    unit=money,
    discount_share=st.decimals(min_value=0, max_value=1, places=3),
    parts=st.lists(st.integers(1, 10), min_size=1, max_size=20),
)
def test_returning_a_line_in_parts_gives_back_exactly_its_total(quantity, unit, discount_share, parts):
    gross = line_figures(quantity, unit, Decimal(0)).gross
    line_total = line_figures(quantity, unit, (gross * discount_share).quantize(Decimal("0.01"), "ROUND_DOWN")).total
    returned_quantity, returned_amount = 0, Decimal(0)
    for part in parts:
        part = min(part, quantity - returned_quantity)
        if part == 0:
            break
        amount = return_amount(
            line_total=line_total,
            quantity=quantity,
            already_returned_quantity=returned_quantity,
            already_returned_amount=returned_amount,
            returning=part,
        )
        assert amount >= 0
        returned_quantity += part
        returned_amount += amount
    if returned_quantity == quantity:
        assert returned_amount == line_total
    assert returned_amount <= line_total


def test_many_small_parts_never_go_negative():
    total, returned = Decimal("0.03"), Decimal(0)
    for already in range(6):
        part = return_amount(
            line_total=total,
            quantity=6,
            already_returned_quantity=already,
            already_returned_amount=returned,
            returning=1,
        )
        assert part >= 0
        returned += part
    assert returned == total


@given(gross=money, discounts=money, returns=money)
def test_net_is_gross_minus_returns_minus_discounts(gross, discounts, returns):
    assert net_sales(gross=gross, discounts=discounts, returns=returns) + returns + discounts == gross


def test_overdue():
    now = dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC)
    assert is_task_overdue(due_at=now, is_done=False, now=now)
    assert not is_task_overdue(due_at=now, is_done=True, now=now)
    assert not is_task_overdue(due_at=now + dt.timedelta(seconds=1), is_done=False, now=now)
    assert not is_task_overdue(due_at=None, is_done=False, now=now)
