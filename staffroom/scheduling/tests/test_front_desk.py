"""The front desk: other branches' visits as labelled busy blocks, breaks enforced for everybody, the override only
with an explicit confirmation, moves and resizes through the same service, week and month views, the 403 page."""

import datetime as dt
import json

import pytest
import time_machine

from staffroom.catalog.models import SpecialistService
from staffroom.core.errors import ValidationFailed
from staffroom.scheduling import selectors, services
from staffroom.scheduling.calculations import DEFAULT_COLOURS, specialist_colour
from staffroom.scheduling.models import Appointment
from staffroom.staff.tests.factories import make_employee
from staffroom.tenancy.models import Branch

from .factories import local, make_appointment, make_client, make_service, make_weekly_schedule


def post(client, path, body):
    return client.post(path, data=json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def north_south(business):
    return tuple(Branch.objects.for_business(business).order_by("name"))


@pytest.fixture
def split_specialist(business, specialist, north_south):
    """Works mornings in North, afternoons in South; a break 11:00–12:00 in North."""
    north, south = north_south
    make_weekly_schedule(specialist, north, intervals=((dt.time(9), dt.time(11)), (dt.time(12), dt.time(13))))
    make_weekly_schedule(specialist, south, intervals=((dt.time(14), dt.time(18)),))
    return specialist


@pytest.fixture
def manicure(business, split_specialist):
    return make_service(business, name="Manicure", duration=60, price="900.00", specialists=[split_specialist])


@pytest.fixture
def south_visit(business, split_specialist, north_south, tomorrow):
    _north, south = north_south
    secret = make_client(business, full_name="Sofia Southside")
    return make_appointment(
        business, specialist=split_specialist, client=secret, branch=south, starts_at=local(business, tomorrow, 15)
    )


# --- other branches' visits ------------------------------------------------------------------------


def test_day_page_shows_another_branch_visit_as_a_labelled_busy_block(
    business, administrator, split_specialist, north_south, south_visit, tomorrow, client_for
):
    north, _south = north_south
    north_visit = make_appointment(
        business,
        specialist=split_specialist,
        client=make_client(business, full_name="Nina Northside"),
        branch=north,
        starts_at=local(business, tomorrow, 9),
    )
    page = client_for(administrator).get(f"/calendar/?branch={north.pk}&date={tomorrow.isoformat()}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nina Northside" in html and f'data-appointment="{north_visit.pk}"' in html
    assert "Sofia Southside" not in html  # never as this branch's visit, nor whose visit it is
    assert f'data-appointment="{south_visit.pk}"' not in html
    assert "Busy in South, 15:00–16:00" in html


def test_branch_day_feed_lists_other_branch_visits_only_as_busy_blocks(
    business, administrator, split_specialist, north_south, south_visit, tomorrow, api_for
):
    north, south = north_south
    body = api_for(administrator).get(f"/api/v1/branches/{north.pk}/day?date={tomorrow.isoformat()}").json()
    assert [s["id"] for s in body["specialists"]] == [split_specialist.pk]
    assert body["specialists"][0]["colour"] == specialist_colour(split_specialist)
    assert body["appointments"] == []
    assert body["busy_elsewhere"] == [
        {
            "specialist_id": split_specialist.pk,
            "branch_id": south.pk,
            "branch_name": "South",
            "starts_at": south_visit.starts_at.isoformat().replace("+00:00", "Z"),
            "ends_at": south_visit.ends_at.isoformat().replace("+00:00", "Z"),
        }
    ]
    # South's own feed shows it as a visit of South.
    south_body = api_for(administrator).get(f"/api/v1/branches/{south.pk}/day?date={tomorrow.isoformat()}").json()
    assert [a["id"] for a in south_body["appointments"]] == [south_visit.pk]
    assert south_body["busy_elsewhere"] == []


def test_branch_day_feed_of_another_business_is_404(other_business, administrator, api_for, tomorrow):
    foreign = Branch.objects.for_business(other_business).first()
    response = api_for(administrator).get(f"/api/v1/branches/{foreign.pk}/day?date={tomorrow.isoformat()}")
    assert response.status_code == 404


def test_branch_day_columns_are_who_works_there_that_day_in_the_chosen_order(business, administrator, north_south):
    north, south = north_south
    date = dt.date(2031, 3, 3)  # a Monday
    late = make_employee(business, full_name="Aaron Early", provides_services=True, calendar_position=2)
    first = make_employee(business, full_name="Zoe Zulu", provides_services=True, calendar_position=1)
    elsewhere = make_employee(business, full_name="Only South", provides_services=True)
    for person in (late, first):
        make_weekly_schedule(person, north, weekdays=[0])
    make_weekly_schedule(elsewhere, south, weekdays=[0])
    day = selectors.branch_day(administrator, north, date)
    assert [s.full_name for s in day.specialists] == ["Zoe Zulu", "Aaron Early"]
    everyone = selectors.branch_day(administrator, north, date, include_idle=True)
    assert "Only South" in [s.full_name for s in everyone.specialists]


def test_branch_day_takes_a_fixed_number_of_queries(business, administrator, north_south):
    north, _south = north_south
    date = dt.date(2031, 3, 3)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            selectors.branch_day(administrator, north, date)
        return len(captured)

    for number in range(2):
        person = make_employee(business, full_name=f"S{number}", provides_services=True)
        make_weekly_schedule(person, north)
        make_appointment(
            business,
            specialist=person,
            client=make_client(business),
            branch=north,
            starts_at=local(business, date, 10),
        )
    count()  # the employee's role and branch limits are cached on the first call
    few = count()
    for number in range(6):
        person = make_employee(business, full_name=f"T{number}", provides_services=True)
        make_weekly_schedule(person, north)
        make_appointment(
            business,
            specialist=person,
            client=make_client(business),
            branch=north,
            starts_at=local(business, date, 11),
        )
    assert count() == few


def test_specialist_colour_is_the_chosen_one_or_a_stable_default(business, specialist):
    assert specialist_colour(specialist) == DEFAULT_COLOURS[specialist.pk % len(DEFAULT_COLOURS)]
    specialist.calendar_colour = "#123abc"
    assert specialist_colour(specialist) == "#123abc"


# --- breaks and the override ----------------------------------------------------------------------


def _book(actor, business, specialist, branch, service, client, when, **extra):
    return services.appointment_create(
        actor=actor, client=client, specialist=specialist, branch=branch, starts_at=when, services=[service], **extra
    )


def test_booking_into_a_break_needs_the_right_and_the_confirmation(
    business, call_center_operator, administrator, split_specialist, north_south, manicure, tomorrow
):
    north, _south = north_south
    client = make_client(business)
    in_break = local(business, tomorrow, 11)
    # Without the right: refused, and no confirmation can help.
    for confirm in (False, True):
        with pytest.raises(ValidationFailed) as caught:
            _book(
                call_center_operator,
                business,
                split_specialist,
                north,
                manicure,
                client,
                in_break,
                **{"confirm_outside_hours": confirm},
            )
        assert "starts_at" in caught.value.errors
    # The Administrator holds calendar.book_outside_hours: still refused without the confirmation.
    with pytest.raises(ValidationFailed) as caught:
        _book(administrator, business, split_specialist, north, manicure, client, in_break)
    assert "confirm_outside_hours" in caught.value.errors
    assert not Appointment.objects.for_business(business).exists()
    # With both: booked.
    appointment = _book(
        administrator, business, split_specialist, north, manicure, client, in_break, confirm_outside_hours=True
    )
    assert appointment.starts_at == in_break


def test_days_off_and_closed_hours_are_enforced_too(
    business, administrator, split_specialist, north_south, manicure, tomorrow
):
    from staffroom.scheduling.services import schedule_exception_set

    north, _south = north_south
    schedule_exception_set(actor=business.owner, specialist=split_specialist, date=tomorrow, day_off=True)
    with pytest.raises(ValidationFailed):
        _book(
            administrator,
            business,
            split_specialist,
            north,
            manicure,
            make_client(business),
            local(business, tomorrow, 9),
        )
    with pytest.raises(ValidationFailed):  # evening, after work
        _book(
            administrator,
            business,
            split_specialist,
            north,
            manicure,
            make_client(business),
            local(business, tomorrow + dt.timedelta(days=1), 20),
        )


def test_api_booking_into_a_break_refused_then_allowed_with_the_flag(
    business, administrator, call_center_operator, split_specialist, north_south, manicure, tomorrow, api_for
):
    north, _south = north_south
    body = {
        "client_id": make_client(business).pk,
        "specialist_id": split_specialist.pk,
        "branch_id": north.pk,
        "service_ids": [manicure.pk],
        "starts_at": local(business, tomorrow, 11).isoformat(),
    }
    refused = post(api_for(call_center_operator), "/api/v1/appointments", {**body, "confirm_outside_hours": True})
    assert refused.status_code == 422
    assert refused.json()["can_confirm_outside_hours"] is False
    unconfirmed = post(api_for(administrator), "/api/v1/appointments", body)
    assert unconfirmed.status_code == 422
    assert "confirm_outside_hours" in unconfirmed.json()["errors"]
    assert unconfirmed.json()["can_confirm_outside_hours"] is True
    confirmed = post(api_for(administrator), "/api/v1/appointments", {**body, "confirm_outside_hours": True})
    assert confirmed.status_code == 201, confirmed.content


def test_book_page_offers_the_confirmation_after_the_refusal_then_books(
    business, administrator, split_specialist, north_south, manicure, tomorrow, client_for
):
    north, _south = north_south
    client = make_client(business)
    web = client_for(administrator)
    form = {
        "client_id": client.pk,
        "specialist": split_specialist.pk,
        "branch": north.pk,
        "date": tomorrow.isoformat(),
        "time": "11:00",
        "services": [manicure.pk],
    }
    refused = web.post("/calendar/book/", form)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "outside Sam Specialist&#x27;s working hours" in html
    assert 'name="confirm_outside_hours"' in html
    assert not Appointment.objects.for_business(business).exists()
    booked = web.post("/calendar/book/", {**form, "confirm_outside_hours": "on"})
    assert booked.status_code == 302
    assert Appointment.objects.for_business(business).count() == 1


def test_book_page_without_the_right_never_offers_the_confirmation(
    business, call_center_operator, split_specialist, north_south, manicure, tomorrow, client_for
):
    north, _south = north_south
    form = {
        "client_id": make_client(business).pk,
        "specialist": split_specialist.pk,
        "branch": north.pk,
        "date": tomorrow.isoformat(),
        "time": "11:00",
        "services": [manicure.pk],
        "confirm_outside_hours": "on",
    }
    response = client_for(call_center_operator).post("/calendar/book/", form)
    assert response.status_code == 200
    assert not Appointment.objects.for_business(business).exists()


# --- moves and resizes (what the drag calls) --------------------------------------------------------


@pytest.fixture
def north_visit(business, administrator, split_specialist, north_south, manicure, tomorrow):
    north, _south = north_south
    return _book(
        administrator, business, split_specialist, north, manicure, make_client(business), local(business, tomorrow, 9)
    )


def test_drag_move_into_a_break_goes_through_the_same_checks(
    business, administrator, call_center_operator, north_visit, tomorrow, api_for
):
    path = f"/api/v1/appointments/{north_visit.pk}/reschedule"
    target = {"starts_at": local(business, tomorrow, 11).isoformat(), "expected_version": north_visit.version}
    assert post(api_for(call_center_operator), path, {**target, "confirm_outside_hours": True}).status_code == 422
    unconfirmed = post(api_for(administrator), path, target)
    assert unconfirmed.status_code == 422 and unconfirmed.json()["can_confirm_outside_hours"] is True
    north_visit.refresh_from_db()
    assert north_visit.starts_at == local(business, tomorrow, 9)
    moved = post(api_for(administrator), path, {**target, "confirm_outside_hours": True})
    assert moved.status_code == 200, moved.content
    assert moved.json()["starts_at"].startswith(local(business, tomorrow, 11).strftime("%Y-%m-%dT%H:%M"))


def test_drag_to_another_specialist_and_resize(
    business, administrator, north_visit, north_south, manicure, tomorrow, api_for
):
    north, _south = north_south
    other = make_employee(business, full_name="Olga Other", provides_services=True)
    make_weekly_schedule(other, north)
    SpecialistService.objects.create(business=business, service=manicure, specialist=other)
    api = api_for(administrator)
    path = f"/api/v1/appointments/{north_visit.pk}/reschedule"
    moved = post(
        api,
        path,
        {"starts_at": local(business, tomorrow, 15).isoformat(), "specialist_id": other.pk, "branch_id": north.pk},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["specialist_id"] == other.pk
    resized = post(
        api,
        path,
        {
            "starts_at": local(business, tomorrow, 15).isoformat(),
            "ends_at": local(business, tomorrow, 16, 30).isoformat(),
            "expected_version": moved.json()["version"],
        },
    )
    assert resized.status_code == 200, resized.content
    north_visit.refresh_from_db()
    assert north_visit.ends_at - north_visit.starts_at == dt.timedelta(minutes=90)
    backwards = post(
        api,
        path,
        {"starts_at": local(business, tomorrow, 15).isoformat(), "ends_at": local(business, tomorrow, 14).isoformat()},
    )
    assert backwards.status_code == 422 and "ends_at" in backwards.json()["errors"]


# --- week, month, zoom, now line --------------------------------------------------------------------


def test_branch_week_shows_several_specialists_and_month_shows_load(
    business, administrator, split_specialist, north_south, north_visit, tomorrow, client_for
):
    north, _south = north_south
    other = make_employee(business, full_name="Olga Other", provides_services=True)
    make_weekly_schedule(other, north)
    web = client_for(administrator)
    week = web.get(f"/calendar/week/?branch={north.pk}&date={tomorrow.isoformat()}").content.decode()
    assert "Sam Specialist" in week and "Olga Other" in week
    month = web.get(f"/calendar/month/?branch={north.pk}&date={tomorrow.isoformat()}")
    assert month.status_code == 200
    days = selectors.branch_load_by_day(administrator, north, tomorrow, tomorrow)
    # Sam works 3 h in North, Olga 9 h: 60 booked minutes of 720.
    assert days[0]["visits"] == 1 and days[0]["working_minutes"] == 720 and days[0]["load"] == 8


def test_zoom_and_the_current_time_line(business, administrator, split_specialist, north_south, client_for):
    north, _south = north_south
    with time_machine.travel(dt.datetime(2031, 3, 3, 7, 30, tzinfo=dt.UTC), tick=False):  # 10:30 in Moscow
        web = client_for(administrator)
        html = web.get(f"/calendar/?branch={north.pk}&zoom=15").content.decode()
        assert "cal-now" in html
        assert 'data-slot-minutes="15"' in html
        assert html.count("cal-slot") > web.get(f"/calendar/?branch={north.pk}&zoom=60").content.decode().count(
            "cal-slot"
        )
        tomorrow_html = web.get(f"/calendar/?branch={north.pk}&date=2031-03-04").content.decode()
        assert 'class="cal-now"' not in tomorrow_html


def test_pages_open_on_a_branch_the_employee_works_in(business, north_south, client_for):
    _north, south = north_south
    desk = make_employee(business, "administrator", full_name="South Desk", branches=[south])
    html = client_for(desk).get("/calendar/").content.decode()
    assert f'<option value="{south.pk}" selected>' in html


def test_other_business_branch_in_the_query_is_ignored(business, other_business, administrator, client_for):
    foreign = Branch.objects.for_business(other_business).first()
    for path in ("/calendar/", "/calendar/week/", "/calendar/month/"):
        response = client_for(administrator).get(f"{path}?branch={foreign.pk}")
        assert response.status_code == 200
        assert f'value="{foreign.pk}"' not in response.content.decode()


# --- the refusal page ---------------------------------------------------------------------------------


def test_refusal_names_the_missing_right_who_can_grant_it_and_the_way_back(
    business, owner, call_center_operator, client_for
):
    response = client_for(call_center_operator).get(
        "/calendar/branches/0/hours/", HTTP_REFERER="http://127.0.0.1/calendar/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Manage working schedules" in html and "calendar.manage_schedules" in html
    assert owner.full_name in html
    assert 'href="http://127.0.0.1/calendar/"' in html
    assert 'href="/"' in html


def test_refusal_never_links_back_to_another_site(call_center_operator, client_for):
    response = client_for(call_center_operator).get(
        "/calendar/branches/0/hours/", HTTP_REFERER="https://evil.example/phish"
    )
    assert response.status_code == 403
    assert "evil.example" not in response.content.decode()


def test_the_colour_and_order_are_set_on_the_employee(business, owner, specialist, api_for, client_for):
    api = api_for(owner)
    bad = api.patch(
        f"/api/v1/employees/{specialist.pk}", data={"calendar_colour": "red"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "calendar_colour" in bad.json()["errors"]
    good = api.patch(
        f"/api/v1/employees/{specialist.pk}",
        data={"calendar_colour": "#aa3366", "calendar_position": 3},
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    assert (good.json()["calendar_colour"], good.json()["calendar_position"]) == ("#aa3366", 3)
    specialist.refresh_from_db()
    assert specialist_colour(specialist) == "#aa3366"
    page = client_for(owner).get(f"/employees/{specialist.pk}/")
    assert 'value="#aa3366"' in page.content.decode()


def test_cash_summary_opens_on_a_branch_the_employee_works_in(business, north_south, client_for):
    _north, south = north_south
    desk = make_employee(business, "administrator", full_name="South Cashier", branches=[south])
    response = client_for(desk).get("/payments/cash/")
    assert response.context["branch"] == south
