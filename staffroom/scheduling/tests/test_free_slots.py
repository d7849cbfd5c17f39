"""Free-slot search: breaks, days off, changed hours, busy rows, branch hours, and a daylight-saving change."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from staffroom.scheduling import services
from staffroom.scheduling.calculations import free_slots, split_discount
from staffroom.scheduling.selectors import free_slot_search
from staffroom.staff.tests.factories import make_business, make_employee

from .factories import first_branch, make_appointment, make_client, make_service, make_weekly_schedule

BREAK_DAY = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(15)))


def local_times(business, slots, date=None):
    return [
        slot["starts_at"].astimezone(business.zone).strftime("%m-%d %H:%M")
        for slot in slots
        if date is None or slot["starts_at"].astimezone(business.zone).date() == date
    ]


def test_slots_respect_breaks_busy_rows_and_days_off(db):
    business = make_business(time_zone="Europe/Moscow")
    branch = first_branch(business)
    specialist = make_employee(business, "specialist", provides_services=True)
    make_weekly_schedule(specialist, branch, intervals=BREAK_DAY)
    make_service(business, name="Cut", duration=60, specialists=[specialist])
    monday = dt.date(2026, 6, 1)
    client = make_client(business)
    make_appointment(
        business,
        specialist=specialist,
        client=client,
        branch=branch,
        starts_at=dt.datetime(2026, 6, 1, 7, 30, tzinfo=dt.UTC),
    )  # 10:30–11:30 Moscow
    services.schedule_exception_set(
        actor=business.owner, specialist=specialist, date=monday + dt.timedelta(days=1), day_off=True
    )
    slots = free_slot_search(
        business, specialists=[specialist], first_date=monday, days=2, duration_for={specialist.pk: 60}, step_minutes=30
    )
    assert local_times(business, slots) == [
        "06-01 09:00",
        "06-01 09:30",  # 10:00 would run into 10:30
        "06-01 13:00",
        "06-01 13:30",
        "06-01 14:00",  # 11:30 would cross the break; 14:30 would end after 15:00
    ]


def test_changed_hours_replace_the_weekly_pattern(db):
    business = make_business(time_zone="Europe/Moscow")
    branch = first_branch(business)
    specialist = make_employee(business, "specialist", provides_services=True)
    make_weekly_schedule(specialist, branch, intervals=BREAK_DAY)
    day = dt.date(2026, 6, 3)
    services.schedule_exception_set(
        actor=business.owner,
        specialist=specialist,
        date=day,
        day_off=False,
        intervals=[(branch, dt.time(18), dt.time(20))],
    )
    slots = free_slot_search(
        business, specialists=[specialist], first_date=day, days=1, duration_for={specialist.pk: 60}, step_minutes=60
    )
    assert local_times(business, slots) == ["06-03 18:00", "06-03 19:00"]


def test_slots_across_a_daylight_saving_change_stay_on_the_wall_clock(db):
    business = make_business(time_zone="Europe/Budapest")
    branch = first_branch(business)
    specialist = make_employee(business, "specialist", provides_services=True)
    make_weekly_schedule(specialist, branch, intervals=((dt.time(9), dt.time(11)),))
    # Europe switched to summer time on Sunday 29 March 2026 at 02:00.
    slots = free_slot_search(
        business,
        specialists=[specialist],
        first_date=dt.date(2026, 3, 28),
        days=3,
        duration_for={specialist.pk: 60},
        step_minutes=60,
    )
    assert local_times(business, slots) == [
        "03-28 09:00",
        "03-28 10:00",
        "03-29 09:00",
        "03-29 10:00",
        "03-30 09:00",
        "03-30 10:00",
    ]
    utc_hours = [slot["starts_at"].astimezone(dt.UTC).hour for slot in slots]
    assert utc_hours == [8, 9, 7, 8, 7, 8]


def test_search_across_specialists_and_branches(db):
    business = make_business(time_zone="Europe/Moscow")
    north, south = business_branches(business)
    anna = make_employee(business, "specialist", provides_services=True, full_name="Anna")
    boris = make_employee(business, "specialist", provides_services=True, full_name="Boris")
    make_weekly_schedule(anna, north, intervals=((dt.time(9), dt.time(10)),))
    make_weekly_schedule(boris, south, intervals=((dt.time(9), dt.time(10)),))
    slots = free_slot_search(
        business,
        specialists=[anna, boris],
        first_date=dt.date(2026, 6, 1),
        days=1,
        duration_for={anna.pk: 60, boris.pk: 60},
    )
    assert {(slot["specialist_id"], slot["branch_id"]) for slot in slots} == {(anna.pk, north.pk), (boris.pk, south.pk)}
    only_south = free_slot_search(
        business,
        specialists=[anna, boris],
        first_date=dt.date(2026, 6, 1),
        days=1,
        duration_for={anna.pk: 60, boris.pk: 60},
        branch=south,
    )
    assert [slot["specialist_id"] for slot in only_south] == [boris.pk]


def business_branches(business):
    from staffroom.tenancy.models import Branch

    return list(Branch.objects.for_business(business).order_by("name"))


def test_branch_opening_hours_clip_working_hours(db):
    business = make_business(time_zone="Europe/Moscow")
    branch = first_branch(business)
    specialist = make_employee(business, "specialist", provides_services=True)
    make_weekly_schedule(specialist, branch)  # 09–18
    services.branch_opening_hours_set(
        actor=business.owner, branch=branch, hours={0: (dt.time(10), dt.time(12)), 1: None}
    )
    slots = free_slot_search(
        business,
        specialists=[specialist],
        first_date=dt.date(2026, 6, 1),
        days=2,
        duration_for={specialist.pk: 60},
        step_minutes=60,
    )
    assert local_times(business, slots) == ["06-01 10:00", "06-01 11:00"]  # Tuesday closed


# --- pure functions ----------------------------------------------------------------------------------

T0 = dt.datetime(2026, 1, 1, 9, tzinfo=dt.UTC)
minutes = st.integers(min_value=0, max_value=600)


@given(
    busy=st.lists(st.tuples(minutes, st.integers(min_value=5, max_value=120)), max_size=8),
    duration=st.integers(min_value=5, max_value=180),
    step=st.sampled_from([5, 10, 15, 30, 60]),
)
def test_free_slots_never_overlap_busy_rows_and_stay_inside_working_time(busy, duration, step):
    working = [(T0, T0 + dt.timedelta(hours=10), 1)]
    busy_rows = [(T0 + dt.timedelta(minutes=s), T0 + dt.timedelta(minutes=s + length)) for s, length in busy]
    length = dt.timedelta(minutes=duration)
    slots = free_slots(working, busy_rows, length, dt.timedelta(minutes=step))
    for start, _branch in slots:
        assert start >= T0 and start + length <= T0 + dt.timedelta(hours=10)
        assert all(not (start < b_end and b_start < start + length) for b_start, b_end in busy_rows)
    # Completeness: every aligned start that is free is offered.
    offered = {start for start, _ in slots}
    candidate = T0
    while candidate + length <= T0 + dt.timedelta(hours=10):
        free = all(not (candidate < b_end and b_start < candidate + length) for b_start, b_end in busy_rows)
        if free:
            assert candidate in offered or (candidate - T0) % dt.timedelta(minutes=step) != dt.timedelta(0)
        candidate += dt.timedelta(minutes=step)


money = st.decimals(min_value=0, max_value=100000, places=2, allow_nan=False, allow_infinity=False)


@given(prices=st.lists(money, min_size=1, max_size=6), percent=st.decimals(min_value=0, max_value=100, places=2))
def test_percent_discount_shares_add_up_exactly(prices, percent):
    shares = split_discount(prices, "percent", percent, "RUB")
    assert all(share >= 0 for share in shares)
    total = sum(prices, Decimal(0))
    assert sum(shares, Decimal(0)) == (total * percent / 100).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert all(share <= price for share, price in zip(shares, prices, strict=True))


def test_amount_discount_table():
    assert split_discount([Decimal("100"), Decimal("200")], "amount", Decimal("30"), "RUB") == [
        Decimal("10.00"),
        Decimal("20.00"),
    ]
    assert split_discount([Decimal("1"), Decimal("1"), Decimal("1")], "amount", Decimal("1"), "RUB") == [
        Decimal("0.34"),
        Decimal("0.33"),
        Decimal("0.33"),
    ]


def test_what_search_offers_is_exactly_what_booking_accepts(db):
    """Every 15-minute start on a day with a break and a busy hour: offered by the search <=> accepted by booking."""
    from django.db import transaction

    from staffroom.core.errors import ApplicationError

    business = make_business(time_zone="Europe/Budapest")
    branch = first_branch(business)
    specialist = make_employee(business, "specialist", provides_services=True)
    operator = make_employee(business, "call_center")  # no permission to book outside working hours
    make_weekly_schedule(specialist, branch, intervals=BREAK_DAY)
    service = make_service(business, name="Cut", duration=45, specialists=[specialist])
    client = make_client(business)
    day = dt.date(2026, 3, 29)  # the day Europe moves its clocks forward
    make_appointment(
        business,
        specialist=specialist,
        client=client,
        branch=branch,
        starts_at=local_dt(business, day, 10, 15),
        minutes=60,
    )
    offered = {
        slot["starts_at"]
        for slot in free_slot_search(
            business,
            specialists=[specialist],
            first_date=day,
            days=1,
            duration_for={specialist.pk: 45},
            step_minutes=15,
        )
    }
    accepted = set()
    for minutes in range(8 * 60, 16 * 60, 15):
        starts_at = local_dt(business, day, minutes // 60, minutes % 60)
        try:
            with transaction.atomic():
                services.appointment_create(
                    actor=operator,
                    client=client,
                    specialist=specialist,
                    branch=branch,
                    starts_at=starts_at,
                    services=[service],
                )
                accepted.add(starts_at)
                transaction.set_rollback(True)
        except ApplicationError:
            pass
    assert accepted == offered
    assert len(offered) > 5


def local_dt(business, date, hour, minute=0):
    from staffroom.scheduling.calculations import local_to_utc

    return local_to_utc(date, dt.time(hour, minute), business.zone)


@given(
    date=st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31)),
    minutes_of_day=st.integers(min_value=0, max_value=24 * 60 - 1),
    zone_name=st.sampled_from(["Europe/Budapest", "America/New_York", "Europe/Moscow", "Australia/Sydney"]),
)
def test_local_to_utc_keeps_the_wall_clock_outside_dst_gaps(date, minutes_of_day, zone_name):
    from zoneinfo import ZoneInfo

    from staffroom.scheduling.calculations import local_to_utc

    zone = ZoneInfo(zone_name)
    wall = dt.time(minutes_of_day // 60, minutes_of_day % 60)
    moment = local_to_utc(date, wall, zone)
    assert moment.tzinfo == dt.UTC
    back = moment.astimezone(zone)
    naive = dt.datetime.combine(date, wall)
    in_gap = (
        dt.datetime.combine(date, wall, tzinfo=zone).astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive
    )
    if not in_gap:
        assert back.replace(tzinfo=None) == naive
