"""The specialist's day on the today dashboard: their own visits in time order (client, services, status, branch),
their hours and breaks, the next client; nothing of a colleague's clients; each business shows only its own day."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from staffroom.catalog.models import Service
from staffroom.scheduling.models import AppointmentLine
from staffroom.scheduling.tests.factories import (
    local,
    make_appointment,
    make_client,
    make_service,
    make_weekly_schedule,
)
from staffroom.staff.models import Employee, Role
from staffroom.staff.tests.factories import make_employee
from staffroom.tenancy.models import Branch

DAY = dt.date(2031, 3, 4)
NOON_IN_MOSCOW = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)


def _visit(business, specialist, name, hour, minute=0, *, branch=None, status="booked", service="Haircut"):
    branch = branch or Branch.objects.for_business(business).order_by("name").first()
    visit = make_appointment(
        business,
        specialist=specialist,
        client=make_client(business, full_name=name),
        branch=branch,
        starts_at=local(business, DAY, hour, minute),
        status=status,
    )
    AppointmentLine.objects.create(
        business=business,
        appointment=visit,
        service=Service.objects.for_business(business).filter(name=service).first()
        or make_service(business, name=service),
        service_name=service,
        duration_minutes=60,
        price=Decimal("1000.00"),
        total=Decimal("1000.00"),
    )
    return visit


@pytest.fixture
def own_calendar_only(business):
    """The least a specialist's day needs: their own calendar, nothing else."""
    role = Role.objects.create(business=business, name="Own calendar", permissions=["calendar.view_own"])
    stylist = make_employee(business, role=role, full_name="Stella Stylist", provides_services=True)
    north = Branch.objects.for_business(business).get(name="North")
    make_weekly_schedule(stylist, north, intervals=((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))))
    return stylist


def test_the_specialist_sees_their_day_in_order_with_breaks_and_the_next_client(
    business, own_calendar_only, client_for
):
    colleague = make_employee(business, full_name="Other Hand", provides_services=True)
    south = Branch.objects.for_business(business).get(name="South")
    with time_machine.travel(NOON_IN_MOSCOW, tick=False):
        _visit(business, own_calendar_only, "Lisa Later", 16, service="Colouring", branch=south)
        _visit(business, own_calendar_only, "Mona Morning", 10, status="completed")
        _visit(business, own_calendar_only, "Nick Next", 14, 30, service="Beard trim")
        _visit(business, own_calendar_only, "Carl Cancelled", 15, status="cancelled")
        _visit(business, colleague, "Their Client", 14, 30)
        html = client_for(own_calendar_only).get("/").content.decode()
    my_day = html[html.index('data-testid="my-day"') :]
    table = my_day[my_day.index("<table>") :]
    assert table.index("Mona Morning") < table.index("Nick Next") < table.index("Lisa Later")
    assert "Completed" in my_day and "Colouring" in my_day and "South" in my_day
    next_client = my_day[my_day.index('data-testid="my-next"') :].split("</p>")[0]
    assert "14:30" in next_client and "Nick Next" in next_client and "Beard trim" in next_client
    assert "09:00–13:00" in my_day and "14:00–18:00" in my_day
    assert "13:00–14:00" in my_day[my_day.index('data-testid="my-breaks"') :]
    assert "Their Client" not in html and "Carl Cancelled" not in html
    assert 'data-testid="today-schedule"' not in html  # their day is not repeated as the branch schedule


def test_a_role_without_a_calendar_gets_no_day(business, client_for):
    role = Role.objects.create(business=business, name="Pay only", permissions=["payroll.view_own"])
    worker = make_employee(business, role=role, full_name="Paula Pay", provides_services=True)
    with time_machine.travel(NOON_IN_MOSCOW, tick=False):
        _visit(business, worker, "Hidden Hanna", 14)
        html = client_for(worker).get("/").content.decode()
    assert 'data-testid="my-day"' not in html and "Hidden Hanna" not in html


def test_the_front_desk_keeps_the_branch_schedule_and_has_no_day_of_its_own(business, administrator, client_for):
    with time_machine.travel(NOON_IN_MOSCOW, tick=False):
        html = client_for(administrator).get("/").content.decode()
    assert 'data-testid="today-schedule"' in html and 'data-testid="my-day"' not in html


def test_one_person_in_two_businesses_sees_each_business_own_day(
    business, other_business, own_calendar_only, client_for
):
    in_b = Employee.objects.create(
        business=other_business,
        person=own_calendar_only.person,
        full_name="Stella in B",
        provides_services=True,
        role=Role.objects.create(business=other_business, name="Own calendar", permissions=["calendar.view_own"]),
    )
    with time_machine.travel(NOON_IN_MOSCOW, tick=False):
        _visit(business, own_calendar_only, "Alma Of A", 15)
        _visit(other_business, in_b, "Bella Of B", 15)
        in_a_page = client_for(own_calendar_only).get("/").content.decode()
        in_b_page = client_for(in_b).get("/").content.decode()
    assert "Alma Of A" in in_a_page and "Bella Of B" not in in_a_page
    assert "Bella Of B" in in_b_page and "Alma Of A" not in in_b_page
    assert "Day off" in in_b_page  # B has no hours for them: A's schedule is not B's
