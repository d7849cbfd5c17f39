"""Table tests and properties of the working-time functions and the SLA rules (no database)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from staffroom.support.calculations import (
    CalendarHasNoWorkingTime,
    SlaTerms,
    WorkingCalendar,
    add_working_hours,
    add_working_time,
    end_of_working_day,
    manager_price_estimate,
    next_working_moment,
    sla_due_after_pause,
    sla_due_at,
    sla_due_for_accepted_estimate,
    sla_remaining,
    working_time_between,
)

BUDAPEST = ZoneInfo("Europe/Budapest")
CALENDAR = WorkingCalendar(time_zone="Europe/Budapest")  # Mon–Fri 09:00–18:00, no holidays
BUG = SlaTerms(working_hours=Decimal(8), same_day_cutoff=dt.time(16, 0))
CONSULTATION = SlaTerms(working_hours=Decimal(12))
ENHANCEMENT = SlaTerms(working_hours=None)

# 2026-11-23 is a Monday.
MONDAY = dt.date(2026, 11, 23)


def local(day: dt.date, hour: int, minute: int = 0, zone: ZoneInfo = BUDAPEST) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def days(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


def test_the_reference_monday_is_a_monday():
    assert MONDAY.weekday() == 0


@pytest.mark.parametrize(
    ("case", "terms", "filed_at", "due_at"),
    [
        ("bug filed Monday 10:00", BUG, local(MONDAY, 10), local(MONDAY, 18)),
        ("bug filed Monday 15:59: end of that day", BUG, local(MONDAY, 15, 59), local(MONDAY, 18)),
        ("bug filed Monday 16:01: 8 working hours", BUG, local(MONDAY, 16, 1), local(days(1), 15, 1)),
        ("bug filed Saturday: from Monday 09:00", BUG, local(days(5), 11), local(days(7), 17)),
        ("bug filed Monday 07:00: clock starts 09:00", BUG, local(MONDAY, 7), local(MONDAY, 17)),
        ("bug filed Monday 19:00: from Tuesday 09:00", BUG, local(MONDAY, 19), local(days(1), 17)),
        ("bug filed Friday 16:30: over the weekend", BUG, local(days(4), 16, 30), local(days(7), 15, 30)),
        ("consultation filed Friday 17:00", CONSULTATION, local(days(4), 17), local(days(8), 11)),
        ("consultation filed Monday 09:00", CONSULTATION, local(MONDAY, 9), local(days(1), 12)),
        ("enhancement waits for its estimate", ENHANCEMENT, local(MONDAY, 10), None),
    ],
)
def test_sla_deadlines(case, terms, filed_at, due_at):
    assert sla_due_at(CALENDAR, terms, filed_at) == due_at, case


def test_a_bug_filed_before_the_cutoff_on_a_holiday_gets_no_same_day_cap():
    holiday_calendar = WorkingCalendar(time_zone="Europe/Budapest", days_off=frozenset({MONDAY}))
    assert sla_due_at(holiday_calendar, BUG, local(MONDAY, 10)) == local(days(1), 17)


def test_a_public_holiday_in_between_is_skipped():
    # Hungary: 2026-12-24 (Thursday) and 25, 26 are public holidays.
    hungary = WorkingCalendar(time_zone="Europe/Budapest", country="HU")
    assert not hungary.is_working_day(dt.date(2026, 12, 25))
    filed = local(dt.date(2026, 12, 23), 17)  # Wednesday 17:00
    # 1 h on Wednesday; Thursday 24th and Friday 25th are holidays; 7 more hours on Monday 28th.
    assert sla_due_at(hungary, BUG, filed) == local(dt.date(2026, 12, 28), 16)
    assert sla_due_at(CALENDAR, BUG, filed) == local(dt.date(2026, 12, 24), 16)


def test_custom_days_off_and_extra_working_days():
    calendar = WorkingCalendar(
        time_zone="Europe/Budapest", days_off=frozenset({days(1)}), extra_working_days=frozenset({days(5)})
    )
    assert not calendar.is_working_day(days(1))
    assert calendar.is_working_day(days(5))  # a Saturday made a working day
    assert add_working_hours(calendar, local(MONDAY, 17), 2) == local(days(2), 10)
    assert add_working_hours(calendar, local(days(4), 17), 2) == local(days(5), 10)


def test_an_extra_working_day_wins_over_a_public_holiday():
    christmas = dt.date(2026, 12, 25)
    calendar = WorkingCalendar(time_zone="Europe/Budapest", country="HU", extra_working_days=frozenset({christmas}))
    assert calendar.is_working_day(christmas)


def test_a_pause_extends_the_deadline_by_exactly_the_paused_working_time():
    filed = local(MONDAY, 10)
    due = sla_due_at(CALENDAR, CONSULTATION, filed)
    assert due == local(days(1), 13)
    # Waiting for the customer from Monday 17:00 to Tuesday 11:00 pauses 1 h + 2 h of working time.
    moved = sla_due_after_pause(CALENDAR, due, local(MONDAY, 17), local(days(1), 11))
    assert moved == local(days(1), 16)
    assert working_time_between(CALENDAR, due, moved) == dt.timedelta(hours=3)


def test_a_pause_entirely_outside_working_time_changes_nothing():
    due = local(days(1), 13)
    assert sla_due_after_pause(CALENDAR, due, local(MONDAY, 19), local(days(1), 8)) == due


def test_a_pause_that_moves_the_deadline_across_the_night():
    due = local(MONDAY, 18)
    assert sla_due_after_pause(CALENDAR, due, local(MONDAY, 10), local(MONDAY, 12)) == local(days(1), 11)


def test_remaining_time_is_frozen_while_paused_and_negative_when_overdue():
    due = local(days(1), 13)
    assert sla_remaining(CALENDAR, due, now=local(MONDAY, 10)) == dt.timedelta(hours=12)
    assert sla_remaining(CALENDAR, due, now=local(days(3), 10), paused_at=local(MONDAY, 10)) == dt.timedelta(hours=12)
    assert sla_remaining(CALENDAR, due, now=local(days(2), 10)) == -dt.timedelta(hours=6)


def test_daylight_saving_end_in_budapest():
    # Clocks go back on Sunday 2026-10-25: Friday is UTC+2, Tuesday UTC+1.
    friday, tuesday = dt.date(2026, 10, 23), dt.date(2026, 10, 27)
    filed = local(friday, 17)
    due = sla_due_at(CALENDAR, CONSULTATION, filed)
    assert due == local(tuesday, 11)
    assert due.astimezone(dt.UTC) == dt.datetime(2026, 10, 27, 10, 0, tzinfo=dt.UTC)
    assert working_time_between(CALENDAR, filed, due) == dt.timedelta(hours=12)
    assert due - filed == dt.timedelta(days=3, hours=19)  # 90 real hours, 91 on the wall clock


def test_daylight_saving_start_in_new_york_with_night_hours_crossing_the_jump():
    # Clocks jump 02:00 → 03:00 on Sunday 2026-03-08: a 00:00–06:00 day has 5 real hours.
    new_york = ZoneInfo("America/New_York")
    night_shift = WorkingCalendar(
        time_zone="America/New_York",
        working_weekdays=frozenset(range(7)),
        day_starts_at=dt.time(0, 0),
        day_ends_at=dt.time(6, 0),
    )
    sunday = dt.date(2026, 3, 8)
    assert working_time_between(night_shift, local(sunday, 0, zone=new_york), local(sunday, 6, zone=new_york)) == (
        dt.timedelta(hours=5)
    )
    assert add_working_hours(night_shift, local(sunday, 0, zone=new_york), 4) == local(sunday, 5, zone=new_york)
    assert add_working_hours(night_shift, local(sunday, 0, zone=new_york), 6) == local(
        dt.date(2026, 3, 9), 1, zone=new_york
    )


def test_other_time_zone_input_is_read_as_the_same_instant():
    filed_utc = local(MONDAY, 10).astimezone(dt.UTC)
    assert sla_due_at(CALENDAR, BUG, filed_utc) == local(MONDAY, 18)


@pytest.mark.parametrize(
    ("instant", "next_moment", "day_end"),
    [
        (local(MONDAY, 10), local(MONDAY, 10), local(MONDAY, 18)),
        (local(MONDAY, 8), local(MONDAY, 9), local(MONDAY, 18)),
        (local(MONDAY, 18), local(days(1), 9), local(days(1), 18)),
        (local(days(5), 12), local(days(7), 9), local(days(7), 18)),
    ],
)
def test_next_working_moment_and_end_of_working_day(instant, next_moment, day_end):
    assert next_working_moment(CALENDAR, instant) == next_moment
    assert end_of_working_day(CALENDAR, instant) == day_end


@pytest.mark.parametrize(
    ("start", "end", "expected_hours"),
    [
        (local(MONDAY, 10), local(MONDAY, 12), 2),
        (local(MONDAY, 7), local(MONDAY, 20), 9),
        (local(days(4), 17), local(days(7), 10), 2),
        (local(days(5), 0), local(days(6), 23), 0),
        (local(MONDAY, 12), local(MONDAY, 10), -2),
        (local(MONDAY, 9), local(days(7), 9), 45),
    ],
)
def test_working_time_between(start, end, expected_hours):
    assert working_time_between(CALENDAR, start, end) == dt.timedelta(hours=expected_hours)


def test_accepted_estimate_due_date_ends_with_that_working_day():
    assert sla_due_for_accepted_estimate(CALENDAR, days(2)) == local(days(2), 18)
    assert sla_due_for_accepted_estimate(CALENDAR, days(5)) == local(days(7), 18)


def test_fractional_hours_and_refusals():
    assert add_working_hours(CALENDAR, local(MONDAY, 9), Decimal("1.5")) == local(MONDAY, 10, 30)
    with pytest.raises(ValueError):
        add_working_time(CALENDAR, local(MONDAY, 9), -dt.timedelta(hours=1))
    with pytest.raises(ValueError):
        add_working_time(CALENDAR, dt.datetime(2026, 11, 23, 9), dt.timedelta(hours=1))
    with pytest.raises(CalendarHasNoWorkingTime):
        next_working_moment(WorkingCalendar(working_weekdays=frozenset()), local(MONDAY, 9))
    with pytest.raises(ValueError):
        WorkingCalendar(day_starts_at=dt.time(18), day_ends_at=dt.time(9))


def test_manager_price_estimate_shows_its_breakdown():
    estimate = manager_price_estimate(
        implementation_type_weight=Decimal(10),
        implementation_hours=Decimal(40),
        hour_coefficient=Decimal("0.5"),
        custom_enhancements=3,
        enhancement_coefficient=Decimal(2),
        active_users=12,
        user_coefficient=Decimal("0.25"),
        rate=Decimal("15.00"),
    )
    assert [line.points for line in estimate.lines] == [Decimal(10), Decimal(20), Decimal(6), Decimal(3)]
    assert estimate.complexity == Decimal(39)
    assert estimate.price == Decimal("585.00")


instants = st.datetimes(
    min_value=dt.datetime(2025, 1, 1), max_value=dt.datetime(2027, 12, 31), timezones=st.just(dt.UTC)
)
durations = st.integers(min_value=0, max_value=200 * 3600).map(lambda seconds: dt.timedelta(seconds=seconds))
HUNGARY = WorkingCalendar(time_zone="Europe/Budapest", country="HU", day_starts_at=dt.time(8, 30))


@given(instants, durations)
def test_adding_working_time_then_measuring_it_gives_it_back(start, amount):
    due = add_working_time(HUNGARY, start, amount)
    assert due >= start
    assert working_time_between(HUNGARY, start, due) == amount


@given(instants, instants, instants)
def test_working_time_between_is_additive(first, second, third):
    assert working_time_between(HUNGARY, first, second) + working_time_between(
        HUNGARY, second, third
    ) == working_time_between(HUNGARY, first, third)


@given(instants, durations, durations)
def test_adding_more_never_ends_earlier(start, shorter, extra):
    assert add_working_time(HUNGARY, start, shorter) <= add_working_time(HUNGARY, start, shorter + extra)


@given(instants)
def test_the_same_day_cap_never_makes_a_bug_later_than_eight_working_hours(filed):
    due = sla_due_at(HUNGARY, BUG, filed)
    assert due <= add_working_hours(HUNGARY, filed, 8)
    assert due >= next_working_moment(HUNGARY, filed)


@given(instants, durations, st.integers(min_value=0, max_value=100 * 3600))
def test_a_pause_moves_the_deadline_by_exactly_the_paused_working_time(filed, amount, pause_seconds):
    due = add_working_time(HUNGARY, filed, amount)
    paused_at = filed
    resumed_at = paused_at + dt.timedelta(seconds=pause_seconds)
    moved = sla_due_after_pause(HUNGARY, due, paused_at, resumed_at)
    assert working_time_between(HUNGARY, due, moved) == working_time_between(HUNGARY, paused_at, resumed_at)
