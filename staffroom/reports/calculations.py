"""Pure sales-report arithmetic: net sales, average check, period buckets and merging rows of several sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from staffroom.core.money import round_money

ZERO = Decimal(0)

GROUPINGS = ("day", "week", "month")


@dataclass(frozen=True)
class SalesFigures:
    """The money and counts of one report row. Returns, allowances and discounts are positive numbers."""

    gross: Decimal = ZERO
    discounts: Decimal = ZERO
    allowances: Decimal = ZERO
    returns: Decimal = ZERO
    visits: int = 0
    orders: int = 0

    @property
    def net(self) -> Decimal:
        return net_sales(gross=self.gross, returns=self.returns, allowances=self.allowances, discounts=self.discounts)

    @property
    def checks(self) -> int:
        return self.visits + self.orders

    @property
    def average_check(self) -> Decimal | None:
        return average_check(self.net, self.checks)

    def __add__(self, other: SalesFigures) -> SalesFigures:
        return SalesFigures(
            gross=self.gross + other.gross,
            discounts=self.discounts + other.discounts,
            allowances=self.allowances + other.allowances,
            returns=self.returns + other.returns,
            visits=self.visits + other.visits,
            orders=self.orders + other.orders,
        )

    def rounded(self, currency: str) -> SalesFigures:
        return replace(
            self,
            gross=round_money(Decimal(self.gross), currency),
            discounts=round_money(Decimal(self.discounts), currency),
            allowances=round_money(Decimal(self.allowances), currency),
            returns=round_money(Decimal(self.returns), currency),
        )


def net_sales(*, gross: Decimal, returns: Decimal, allowances: Decimal, discounts: Decimal) -> Decimal:
    """Net sales = gross − returns − allowances − discounts (the textbook definition, PRODUCT.md M5)."""
    return gross - returns - allowances - discounts


def average_check(net: Decimal, checks: int) -> Decimal | None:
    """Net sales per visit or order; None when nothing was sold (no division by zero dressed up as 0)."""
    if checks <= 0:
        return None
    return (net / checks).quantize(Decimal("0.01"))


def period_start(date: dt.date, grouping: str) -> dt.date:
    """The first day of the day/ISO week/month bucket a local date falls into."""
    if grouping == "day":
        return date
    if grouping == "week":
        return date - dt.timedelta(days=date.weekday())
    if grouping == "month":
        return date.replace(day=1)
    raise ValueError(f"unknown grouping {grouping!r}")


def period_buckets(start: dt.date, end: dt.date, grouping: str) -> list[dt.date]:
    """Every bucket start between two local dates (inclusive), so a chart shows empty days as zero."""
    if end < start:
        return []
    buckets: list[dt.date] = []
    current = period_start(start, grouping)
    while current <= end:
        buckets.append(current)
        if grouping == "day":
            current += dt.timedelta(days=1)
        elif grouping == "week":
            current += dt.timedelta(days=7)
        else:
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return buckets


@dataclass
class SalesRow:
    """A row keyed by its group values (period, branch, employee, category — whichever the report groups by)."""

    key: tuple
    figures: SalesFigures = field(default_factory=SalesFigures)


def merge_rows(rows: Iterable[tuple[tuple, SalesFigures]]) -> dict[tuple, SalesFigures]:
    """Add up rows from several sources (visits, orders, their returns) that share a key."""
    merged: dict[tuple, SalesFigures] = {}
    for key, figures in rows:
        merged[key] = merged.get(key, SalesFigures()) + figures
    return merged


def total_of(rows: Iterable[SalesFigures]) -> SalesFigures:
    total = SalesFigures()
    for figures in rows:
        total = total + figures
    return total


def prorate(amount: Decimal, part: Decimal, whole: Decimal) -> Decimal:
    """The share of `amount` that `part` of `whole` carries (a refund spread over a visit's services)."""
    if whole == 0:
        return ZERO
    return amount * part / whole
