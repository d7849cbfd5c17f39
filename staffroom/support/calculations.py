"""Working-time arithmetic and SLA deadlines on plain data (no database): calendars, time zones, holidays, DST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ZERO = dt.timedelta(0)
# A calendar with no working day in this many days is treated as broken rather than searched forever.
MAX_SEARCH_DAYS = 3 * 366


class CalendarHasNoWorkingTime(ValueError):
    """The calendar never works (no working weekdays, or every day off for years)."""


@lru_cache(maxsize=256)
def _country_days(country: str, subdivision: str, year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The country's public holidays of `year`, and its transferred working days (a weekend day worked in place
    of a bridge day) where the holiday data provides them."""
    if not country:
        return frozenset(), frozenset()
    found = holidays.country_holidays(country, subdiv=subdivision or None, years=year)
    transferred = frozenset(day for day in getattr(found, "weekend_workdays", ()) if day.year == year)
    return frozenset(found.keys()), transferred


def _public_holidays(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    return _country_days(country, subdivision, year)[0]


def _transferred_working_days(country: str, subdivision: str, year: int) -> frozenset[dt.date]:
    return _country_days(country, subdivision, year)[1]


def is_known_holiday_country(country: str) -> bool:
    return country.upper() in holidays.list_supported_countries() and country == country.upper()


def is_known_holiday_subdivision(country: str, subdivision: str) -> bool:
    return subdivision in holidays.list_supported_countries().get(country, ())


@dataclass(frozen=True)
class WorkingCalendar:
    """Working weekdays (0 = Monday) and daily hours in a time zone, a country's public holidays and transferred
    working days, custom days off and extra working days (custom days win over the country's)."""

    time_zone: str = "UTC"
    working_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    day_starts_at: dt.time = dt.time(9, 0)
    day_ends_at: dt.time = dt.time(18, 0)
    country: str = ""
    subdivision: str = ""
    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    extra_working_days: frozenset[dt.date] = field(default_factory=frozenset)

    def __post_init__(self):
        if self.day_ends_at <= self.day_starts_at:
            raise ValueError("a working day must end after it starts")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.extra_working_days:
            return True
        if day in self.days_off:
            return False
        if day in _transferred_working_days(self.country, self.subdivision, day.year):
            return True
        if day in _public_holidays(self.country, self.subdivision, day.year):
            return False
        return day.weekday() in self.working_weekdays

    def working_period(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The day's working hours as UTC instants: wall-clock hours, so a DST day still works 09:00–18:00 local.

        UTC because arithmetic between aware datetimes sharing one tzinfo is wall-clock arithmetic in Python,
        which would be an hour off across a DST change."""
        zone = self.zone
        start = dt.datetime.combine(day, self.day_starts_at, tzinfo=zone)
        end = dt.datetime.combine(day, self.day_ends_at, tzinfo=zone)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def local_date(self, instant: dt.datetime) -> dt.date:
        return _require_aware(instant).astimezone(self.zone).date()


def _require_aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("working-time functions need aware datetimes")
    return instant


def working_periods(calendar: WorkingCalendar, since: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working periods (start, end) in UTC that end after `since`, in order; the first is cut to start at `since`."""
    since = _require_aware(since).astimezone(dt.UTC)
    day = calendar.local_date(since) - dt.timedelta(days=1)  # yesterday's hours may run past midnight in UTC
    idle_days = 0
    while True:
        if calendar.is_working_day(day):
            idle_days = 0
            start, end = calendar.working_period(day)
            if end > since:
                yield max(start, since), end
        else:
            idle_days += 1
            if idle_days > MAX_SEARCH_DAYS:
                raise CalendarHasNoWorkingTime("no working day found in the calendar")
        day += dt.timedelta(days=1)


def next_working_moment(calendar: WorkingCalendar, instant: dt.datetime) -> dt.datetime:
    """`instant` itself when inside working time, else the start of the next working period."""
    start, _end = next(working_periods(calendar, _require_aware(instant)))
    return start


def end_of_working_day(calendar: WorkingCalendar, instant: dt.datetime) -> dt.datetime:
    """The end of the working day in progress at `instant`, or of the next one when outside working time."""
    _start, end = next(working_periods(calendar, _require_aware(instant)))
    return end


def add_working_time(calendar: WorkingCalendar, instant: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The instant after `amount` of working time counted from `instant` (outside working time: from the next
    working moment). Zero gives the next working moment."""
    if amount < ZERO:
        raise ValueError("working time to add must not be negative")
    remaining = amount
    for start, end in working_periods(calendar, _require_aware(instant)):
        available = end - start
        if remaining <= available:
            return start + remaining
        remaining -= available
    raise AssertionError("unreachable: working_periods is endless")  # pragma: no cover


def add_working_hours(calendar: WorkingCalendar, instant: dt.datetime, hours: Decimal | int | float) -> dt.datetime:
    seconds = (Decimal(str(hours)) * 3600).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return add_working_time(calendar, instant, dt.timedelta(seconds=int(seconds)))


def working_time_between(calendar: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time from `start` to `end`; negative when `end` is before `start` (an overdue deadline)."""
    _require_aware(start)
    _require_aware(end)
    if end < start:
        return -working_time_between(calendar, end, start)
    total = ZERO
    for period_start, period_end in working_periods(calendar, start):
        if period_start >= end:
            break
        total += min(period_end, end) - period_start
    return total


# --- SLA rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaTerms:
    """One SLA rule as plain data: working hours to meet the target, and an optional same-day cut-off: a ticket
    filed on a working day before the cut-off (local time) is due no later than the end of that working day."""

    working_hours: Decimal | None
    same_day_cutoff: dt.time | None = None


def sla_clock_start(calendar: WorkingCalendar, filed_at: dt.datetime) -> dt.datetime:
    """A ticket filed outside working time starts its clock at the next working moment."""
    return next_working_moment(calendar, filed_at)


def sla_due_at(calendar: WorkingCalendar, terms: SlaTerms, filed_at: dt.datetime) -> dt.datetime | None:
    """The deadline of a ticket filed at `filed_at` under `terms` (None when the terms set no working hours,
    as for an enhancement before its estimate is accepted)."""
    if terms.working_hours is None:
        return None
    due = add_working_hours(calendar, filed_at, terms.working_hours)
    if terms.same_day_cutoff is not None:
        local = filed_at.astimezone(calendar.zone)
        if calendar.is_working_day(local.date()) and local.time() < terms.same_day_cutoff:
            due = min(due, end_of_working_day(calendar, filed_at))
    return due


def sla_due_after_pause(
    calendar: WorkingCalendar, due_at: dt.datetime, paused_at: dt.datetime, resumed_at: dt.datetime
) -> dt.datetime:
    """Waiting for the customer pauses the clock: the deadline moves by exactly the working time paused."""
    paused = working_time_between(calendar, paused_at, resumed_at)
    return add_working_time(calendar, due_at, max(paused, ZERO))


def sla_due_for_accepted_estimate(calendar: WorkingCalendar, due_date: dt.date) -> dt.datetime:
    """An accepted estimate's due date ends with that working day (or the next one when it is a day off)."""
    midnight = dt.datetime.combine(due_date, dt.time(0, 0), tzinfo=calendar.zone)
    return end_of_working_day(calendar, midnight)


def sla_remaining(
    calendar: WorkingCalendar, due_at: dt.datetime, now: dt.datetime, paused_at: dt.datetime | None = None
) -> dt.timedelta:
    """Working time left until the deadline (negative when overdue); frozen while the ticket is paused."""
    return working_time_between(calendar, paused_at or now, due_at)


# --- individual support manager price -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplexityLine:
    label: str
    quantity: Decimal
    coefficient: Decimal

    @property
    def points(self) -> Decimal:
        return self.quantity * self.coefficient


@dataclass(frozen=True)
class ManagerPriceEstimate:
    lines: tuple[ComplexityLine, ...]
    rate: Decimal

    @property
    def complexity(self) -> Decimal:
        return sum((line.points for line in self.lines), Decimal(0))

    @property
    def price(self) -> Decimal:
        return (self.complexity * self.rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def manager_price_estimate(
    *,
    implementation_type_weight: Decimal,
    implementation_hours: Decimal,
    hour_coefficient: Decimal,
    custom_enhancements: int,
    enhancement_coefficient: Decimal,
    active_users: int,
    user_coefficient: Decimal,
    rate: Decimal,
) -> ManagerPriceEstimate:
    """complexity = type weight + hours × k₁ + enhancements × k₂ + active users × k₃; price = complexity × rate."""
    lines = (
        ComplexityLine("implementation_type", Decimal(1), Decimal(implementation_type_weight)),
        ComplexityLine("implementation_hours", Decimal(implementation_hours), Decimal(hour_coefficient)),
        ComplexityLine("custom_enhancements", Decimal(custom_enhancements), Decimal(enhancement_coefficient)),
        ComplexityLine("active_users", Decimal(active_users), Decimal(user_coefficient)),
    )
    return ManagerPriceEstimate(lines=lines, rate=Decimal(rate))
