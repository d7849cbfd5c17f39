"""Pure calendar arithmetic: working intervals for a date, slot fitting, free-slot search and discount split."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from staffroom.core.money import round_money

UTC = dt.UTC


@dataclass(frozen=True)
class LocalInterval:
    """A working interval in the business's wall-clock time on some date, in a branch."""

    starts_at: dt.time
    ends_at: dt.time
    branch_id: int | None = None


@dataclass(frozen=True)
class DayException:
    is_day_off: bool
    starts_at: dt.time | None = None
    ends_at: dt.time | None = None
    branch_id: int | None = None


def intervals_for_date(
    weekly: Sequence[tuple[int, LocalInterval]], exceptions: Sequence[DayException], date: dt.date
) -> list[LocalInterval]:
    """The intervals a specialist works on `date`: exceptions for that date replace the weekly pattern."""
    if exceptions:
        if any(exception.is_day_off for exception in exceptions):
            return []
        found = [LocalInterval(e.starts_at, e.ends_at, e.branch_id) for e in exceptions if e.starts_at and e.ends_at]
    else:
        found = [interval for weekday, interval in weekly if weekday == date.weekday()]
    return sorted(found, key=lambda interval: interval.starts_at)


def intersect_local(intervals: Iterable[LocalInterval], opens_at: dt.time, closes_at: dt.time) -> list[LocalInterval]:
    """Clip working intervals to a branch's opening hours."""
    clipped = []
    for interval in intervals:
        start = max(interval.starts_at, opens_at)
        end = min(interval.ends_at, closes_at)
        if start < end:
            clipped.append(LocalInterval(start, end, interval.branch_id))
    return clipped


def local_to_utc(date: dt.date, time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """Wall-clock time on a business date to an aware UTC datetime (zoneinfo resolves DST gaps and folds)."""
    return dt.datetime.combine(date, time, tzinfo=zone).astimezone(UTC)


def utc_intervals(
    date: dt.date, intervals: Iterable[LocalInterval], zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime, int | None]]:
    return [
        (local_to_utc(date, interval.starts_at, zone), local_to_utc(date, interval.ends_at, zone), interval.branch_id)
        for interval in intervals
    ]


def fits_within(
    start: dt.datetime, end: dt.datetime, intervals: Iterable[tuple[dt.datetime, dt.datetime, int | None]], branch_id
) -> bool:
    """Whether [start, end) lies inside one working interval in the given branch."""
    return any(
        interval_start <= start and end <= interval_end and (interval_branch is None or interval_branch == branch_id)
        for interval_start, interval_end, interval_branch in intervals
    )


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    """Half-open intervals: an appointment ending at 11:00 does not clash with one starting at 11:00."""
    return a_start < b_end and b_start < a_end


def free_slots(
    working: Iterable[tuple[dt.datetime, dt.datetime, int | None]],
    busy: Sequence[tuple[dt.datetime, dt.datetime]],
    duration: dt.timedelta,
    step: dt.timedelta,
    not_before: dt.datetime | None = None,
) -> list[tuple[dt.datetime, int | None]]:
    """Start times (with branch) where `duration` fits in a working interval without touching a busy one.

    Candidates are laid out every `step` from each interval's start, in UTC, so a DST change inside the
    search period shifts nothing: the wall-clock intervals were converted per date beforehand.
    """
    if duration <= dt.timedelta(0) or step <= dt.timedelta(0):
        raise ValueError("duration and step must be positive")
    busy_sorted = sorted(busy)
    slots = []
    for interval_start, interval_end, branch_id in sorted(working, key=lambda item: item[0]):
        candidate = interval_start
        index = 0
        while candidate + duration <= interval_end:
            candidate_end = candidate + duration
            if not_before is not None and candidate < not_before:
                candidate += step
                continue
            # Skip busy rows that end before this candidate; they cannot clash with later candidates either.
            while index < len(busy_sorted) and busy_sorted[index][1] <= candidate:
                index += 1
            clash = None
            for busy_start, busy_end in busy_sorted[index:]:
                if busy_start >= candidate_end:
                    break
                if overlaps(candidate, candidate_end, busy_start, busy_end):
                    clash = busy_end
                    break
            if clash is None:
                slots.append((candidate, branch_id))
                candidate += step
            else:
                # Jump to the first step boundary at or after the clashing appointment's end.
                steps = -(-(clash - interval_start) // step)
                candidate = interval_start + steps * step
    return slots


def split_discount(prices: Sequence[Decimal], kind: str, value: Decimal, currency: str) -> list[Decimal]:
    """Share an appointment discount over its lines, in proportion to price, rounded half-up.

    The rounding remainder goes to the most expensive line so the shares add up exactly to the total discount.
    """
    for price in prices:
        if not isinstance(price, Decimal) or price < 0:
            raise ValueError("prices must be non-negative Decimals")
    if not isinstance(value, Decimal):
        raise TypeError("discount must be Decimal")
    subtotal = sum(prices, Decimal(0))
    if kind == "none" or value == 0 or subtotal == 0:
        return [Decimal(0) for _ in prices]
    if value < 0:
        raise ValueError("discount cannot be negative")
    if kind == "percent":
        if value > 100:
            raise ValueError("a percent discount is at most 100")
        total_discount = round_money(subtotal * value / Decimal(100), currency)
    elif kind == "amount":
        if value > subtotal:
            raise ValueError("the discount exceeds the price")
        total_discount = round_money(value, currency)
    else:
        raise ValueError(f"unknown discount kind {kind!r}")
    shares = [round_money(price * total_discount / subtotal, currency) for price in prices]
    remainder = total_discount - sum(shares, Decimal(0))
    if remainder:
        largest = max(range(len(prices)), key=lambda i: prices[i])
        shares[largest] += remainder
    return shares


# Distinct colours for specialists who did not choose one (a block's stripe and tint, the column header).
DEFAULT_COLOURS = (
    "#3b82f6",
    "#10b981",
    "#f59e0b",
    "#8b5cf6",
    "#ef4444",
    "#06b6d4",
    "#ec4899",
    "#84cc16",
    "#f97316",
    "#6366f1",
    "#14b8a6",
    "#a855f7",
)


def specialist_colour(specialist) -> str:
    """The specialist's chosen calendar colour, else a default that stays the same for them across pages."""
    return specialist.calendar_colour or DEFAULT_COLOURS[specialist.pk % len(DEFAULT_COLOURS)]
