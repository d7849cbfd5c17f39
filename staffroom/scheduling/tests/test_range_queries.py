"""Calendar range queries: bounded below as well as above (their cost follows the day, not the history), still
correct for visits that run past midnight, and a fixed number of queries however many visits the day holds."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.catalog.models import SpecialistService
from staffroom.core.errors import ValidationFailed
from staffroom.scheduling import selectors, services
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.services import MAX_APPOINTMENT_LENGTH
from staffroom.staff.tests.factories import make_employee

from .factories import local, make_appointment, make_client, make_weekly_schedule

DATE = dt.date(2031, 3, 4)  # a Tuesday


def _range_queries(captured) -> list[str]:
    """The captured queries that read appointments by an upper bound on their start."""
    table = Appointment._meta.db_table
    column = f'"{table}"."starts_at" <'
    return [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"] and column in q["sql"]]


def _assert_bounded_below(captured, expected: int) -> None:
    table = Appointment._meta.db_table
    queries = _range_queries(captured)
    assert len(queries) == expected, queries
    for sql in queries:
        assert f'"{table}"."starts_at" >=' in sql, sql
        assert f'"{table}"."ends_at" >' in sql, sql


def test_every_calendar_range_query_has_a_lower_bound_on_the_start(
    business, administrator, working_specialist, branch, api_for
):
    make_appointment(
        business,
        specialist=working_specialist,
        client=make_client(business),
        branch=branch,
        starts_at=local(business, DATE, 10),
    )
    api = api_for(administrator)
    with CaptureQueriesContext(connection) as captured:
        assert api.get(f"/api/v1/branches/{branch.pk}/day?date={DATE.isoformat()}").status_code == 200
    _assert_bounded_below(captured, 2)  # this branch's visits and the busy blocks elsewhere
    with CaptureQueriesContext(connection) as captured:
        selectors.free_slot_search(
            business,
            specialists=[working_specialist],
            first_date=DATE,
            days=1,
            duration_for={working_specialist.pk: 60},
        )
    _assert_bounded_below(captured, 1)
    with CaptureQueriesContext(connection) as captured:
        selectors.overlapping_appointment(
            business, working_specialist, local(business, DATE, 9), local(business, DATE, 11)
        )
    _assert_bounded_below(captured, 1)
    with CaptureQueriesContext(connection) as captured:
        selectors.branch_load_by_day(administrator, branch, DATE, DATE + dt.timedelta(days=6))
    _assert_bounded_below(captured, 1)


def test_the_lower_bound_is_the_longest_visit_before_the_range(business):
    start = local(business, DATE, 0)
    sql = str(Appointment.objects.all().overlapping(start, start + dt.timedelta(days=1)).query)
    assert str((start - MAX_APPOINTMENT_LENGTH).replace(tzinfo=None)) in sql
    assert dt.timedelta(hours=24) == MAX_APPOINTMENT_LENGTH


def test_a_visit_from_the_previous_evening_past_midnight_still_shows_and_still_blocks(
    business, administrator, working_specialist, branch, api_for
):
    night = make_appointment(
        business,
        specialist=working_specialist,
        client=make_client(business, full_name="Nora Night"),
        branch=branch,
        starts_at=local(business, DATE - dt.timedelta(days=1), 22),
        minutes=4 * 60,  # 22:00–02:00
    )
    longest = make_appointment(
        business,
        specialist=make_employee(business, full_name="Long Day", provides_services=True),
        client=make_client(business),
        branch=branch,
        starts_at=local(business, DATE - dt.timedelta(days=1), 10),
        minutes=24 * 60,  # the longest visit allowed: yesterday 10:00 to today 10:00
    )
    make_weekly_schedule(longest.specialist, branch)
    over = make_appointment(  # ended at midnight: not part of the day
        business,
        specialist=working_specialist,
        client=make_client(business),
        branch=branch,
        starts_at=local(business, DATE - dt.timedelta(days=1), 20),
        minutes=2 * 60,
    )
    body = api_for(administrator).get(f"/api/v1/branches/{branch.pk}/day?date={DATE.isoformat()}").json()
    assert sorted(a["id"] for a in body["appointments"]) == sorted([night.pk, longest.pk])
    assert over.pk not in [a["id"] for a in body["appointments"]]
    clash = selectors.overlapping_appointment(
        business, working_specialist, local(business, DATE, 1), local(business, DATE, 1, 30)
    )
    assert clash == night
    assert (
        selectors.overlapping_appointment(
            business, working_specialist, local(business, DATE, 2), local(business, DATE, 3)
        )
        is None
    )
    busy = selectors.busy_rows(business, [working_specialist.pk], local(business, DATE, 0), local(business, DATE, 23))
    assert busy[working_specialist.pk] == [(night.starts_at, night.ends_at)]


def test_moving_a_visit_to_a_specialist_whose_durations_exceed_a_day_is_refused(
    business, administrator, working_specialist, branch, haircut, a_client
):
    visit = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, DATE, 10),
        services=[haircut],
    )
    slow = make_employee(business, full_name="Slow Sloane", provides_services=True)
    make_weekly_schedule(slow, branch)
    SpecialistService.objects.create(business=business, service=haircut, specialist=slow, duration_minutes=25 * 60)
    with pytest.raises(ValidationFailed) as refused:
        services.appointment_reschedule(
            actor=administrator, appointment=visit, starts_at=local(business, DATE, 11), specialist=slow
        )
    assert "specialist_id" in refused.value.errors
    visit.refresh_from_db()
    assert (visit.specialist_id, visit.starts_at) == (working_specialist.pk, local(business, DATE, 10))


@pytest.fixture
def five_specialists(business, branch):
    people = []
    for number in range(5):
        person = make_employee(business, full_name=f"Specialist {number}", provides_services=True)
        make_weekly_schedule(person, branch)
        people.append(person)
    return people


def _fill(business, branch, people, per_specialist: int, first: int = 0) -> None:
    for person in people:
        for slot in range(first, per_specialist):
            make_appointment(
                business,
                specialist=person,
                client=make_client(business),
                branch=branch,
                starts_at=local(business, DATE, 9) + dt.timedelta(minutes=30 * slot),
                minutes=30,
            )


def _count(client, path: str) -> int:
    client.get(path)  # the request guard's cache filled first, so both sides count the route's own queries
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("kind", ["api", "page"])
def test_the_day_takes_as_many_queries_with_50_visits_as_with_5(
    business, administrator, branch, five_specialists, api_for, client_for, kind
):
    if kind == "api":
        client, path = api_for(administrator), f"/api/v1/branches/{branch.pk}/day?date={DATE.isoformat()}"
    else:
        client, path = client_for(administrator), f"/calendar/?branch={branch.pk}&date={DATE.isoformat()}"
    _fill(business, branch, five_specialists, 1)
    client.get(path)  # the first request fills per-process caches (role, branch limits)
    few = _count(client, path)
    _fill(business, branch, five_specialists, 10, first=1)
    assert Appointment.objects.for_business(business).count() == 50
    assert _count(client, path) == few


def test_the_calendar_feed_shows_a_visit_that_began_before_the_range_and_runs_into_it(
    business, administrator, working_specialist, branch, api_for
):
    evening = make_appointment(
        business,
        specialist=working_specialist,
        client=make_client(business, full_name="Eve Evening"),
        branch=branch,
        starts_at=local(business, DATE - dt.timedelta(days=1), 21),
        minutes=5 * 60,  # 21:00-02:00, into DATE
    )
    earlier = make_appointment(  # over before DATE begins: not in the feed
        business,
        specialist=working_specialist,
        client=make_client(business),
        branch=branch,
        starts_at=local(business, DATE - dt.timedelta(days=1), 18),
        minutes=60,
    )
    response = api_for(administrator).get(f"/api/v1/appointments?date_from={DATE.isoformat()}&branch_id={branch.pk}")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()]
    assert ids == [evening.pk]
    assert earlier.pk not in ids


def test_a_visit_longer_than_the_longest_allowed_is_refused_with_a_message_and_nothing_is_booked(
    business, administrator, working_specialist, branch, haircut, a_client, api_for
):
    SpecialistService.objects.for_business(business).filter(service=haircut, specialist=working_specialist).update(
        duration_minutes=MAX_APPOINTMENT_LENGTH // dt.timedelta(minutes=1) + 15
    )
    response = api_for(administrator).post(
        "/api/v1/appointments",
        {
            "client_id": a_client.pk,
            "specialist_id": working_specialist.pk,
            "branch_id": branch.pk,
            "service_ids": [haircut.pk],
            "starts_at": local(business, DATE, 10).isoformat(),
        },
        content_type="application/json",
    )
    assert response.status_code == 422, response.content
    assert response.json()["errors"]["service_ids"] == ["An appointment cannot be longer than a day."]
    assert not Appointment.objects.for_business(business).exists()


def test_stretching_a_visit_past_the_longest_allowed_is_refused_and_changes_nothing(
    business, administrator, working_specialist, branch, haircut, a_client
):
    visit = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, DATE, 10),
        services=[haircut],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.appointment_reschedule(
            actor=administrator,
            appointment=visit,
            starts_at=local(business, DATE, 10),
            ends_at=local(business, DATE, 10) + MAX_APPOINTMENT_LENGTH + dt.timedelta(minutes=1),
        )
    assert [str(message) for message in refused.value.errors["ends_at"]] == [
        "An appointment cannot be longer than a day."
    ]
    visit.refresh_from_db()
    assert visit.ends_at == local(business, DATE, 11)
