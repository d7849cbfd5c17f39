"""Table tests and properties of the sales-report arithmetic."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffroom.reports.calculations import (
    SalesFigures,
    average_check,
    merge_rows,
    net_sales,
    period_buckets,
    period_start,
    prorate,
    total_of,
)

D = Decimal


def test_net_sales_worked_example_with_all_four():
    # 10 visits at 1 000 gross; 500 discounts at the till; a 300 allowance after a complaint; one 1 000 return.
    figures = SalesFigures(
        gross=D("10000.00"), discounts=D("500.00"), allowances=D("300.00"), returns=D("1000.00"), visits=10
    )
    assert figures.net == D("8200.00")
    assert figures.average_check == D("820.00")
    assert net_sales(gross=D("10000"), returns=D("1000"), allowances=D("300"), discounts=D("500")) == D("8200")


@pytest.mark.parametrize(
    ("net", "checks", "expected"),
    [
        (D("1000"), 3, D("333.33")),
        (D("1000"), 0, None),
        (D("0"), 5, D("0.00")),
        (D("-100"), 1, D("-100.00")),
    ],
)
def test_average_check(net, checks, expected):
    assert average_check(net, checks) == expected


@pytest.mark.parametrize(
    ("date", "grouping", "expected"),
    [
        (dt.date(2026, 3, 18), "day", dt.date(2026, 3, 18)),
        (dt.date(2026, 3, 18), "week", dt.date(2026, 3, 16)),
        (dt.date(2026, 3, 16), "week", dt.date(2026, 3, 16)),
        (dt.date(2026, 3, 18), "month", dt.date(2026, 3, 1)),
        (dt.date(2026, 1, 1), "week", dt.date(2025, 12, 29)),
    ],
)
def test_period_start(date, grouping, expected):
    assert period_start(date, grouping) == expected


def test_period_buckets_cover_the_range_without_gaps():
    assert period_buckets(dt.date(2026, 1, 30), dt.date(2026, 3, 2), "month") == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert len(period_buckets(dt.date(2026, 2, 1), dt.date(2026, 2, 28), "day")) == 28
    assert period_buckets(dt.date(2026, 2, 2), dt.date(2026, 2, 1), "day") == []


def test_merging_sources_adds_figures_of_the_same_key():
    visits = [(("2026-03-01", 1), SalesFigures(gross=D("100"), visits=1))]
    orders = [(("2026-03-01", 1), SalesFigures(gross=D("50"), returns=D("10"), orders=1))]
    merged = merge_rows(visits + orders)
    assert merged[("2026-03-01", 1)] == SalesFigures(gross=D("150"), returns=D("10"), visits=1, orders=1)
    assert merged[("2026-03-01", 1)].checks == 2


money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
figures = st.builds(
    SalesFigures,
    gross=money,
    discounts=money,
    allowances=money,
    returns=money,
    visits=st.integers(0, 1000),
    orders=st.integers(0, 1000),
)


@given(st.lists(figures, max_size=20))
def test_net_of_the_total_is_the_sum_of_the_nets(rows):
    total = total_of(rows)
    assert total.net == sum((row.net for row in rows), D(0))
    assert total.checks == sum(row.checks for row in rows)


@given(figures)
def test_net_never_exceeds_gross(row):
    assert row.net <= row.gross


@given(st.lists(money, min_size=1, max_size=8), money)
def test_prorated_shares_add_up_to_the_amount(parts, amount):
    whole = sum(parts, D(0))
    shares = [prorate(amount, part, whole) for part in parts]
    if whole == 0:
        assert all(share == 0 for share in shares)
    else:
        assert abs(sum(shares, D(0)) - amount) < D("0.000001")


def test_exports_defuse_spreadsheet_formulas():
    from openpyxl import load_workbook

    from staffroom.reports.exports import table_csv, table_xlsx

    rows = [['=HYPERLINK("http://x")', D("12.50")], ["Plain", D("1.00")]]
    assert b"'=HYPERLINK" in table_csv(["Name", "Amount"], rows)
    sheet = load_workbook(io.BytesIO(table_xlsx("Sales", ["Name", "Amount"], rows))).active
    assert sheet["A2"].value.startswith("'=")
    assert D(str(sheet["B2"].value)) == D("12.50")
