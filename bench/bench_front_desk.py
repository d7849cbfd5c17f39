"""The branch day view with 20 specialists and 400 appointments: the whole page (sign-in session, permissions,
schedules, this branch's visits, busy blocks from another branch, the template) against the one query that
fetches that day's appointments with what the blocks show; and the number of queries with 5 and with 20
specialists, which must be the same."""

import datetime as dt
from decimal import Decimal

from bench.timing import interleave

SPECIALISTS = 20
APPOINTMENTS = 400
ROUNDS = 7


def run(report):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from conftest import sign_in
    from staffroom.clients.models import Client as SalonClient
    from staffroom.scheduling.calculations import local_to_utc
    from staffroom.scheduling.models import Appointment, AppointmentLine, WorkingHours
    from staffroom.scheduling.selectors import appointments_in_range, business_day_bounds
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.tenancy.models import Branch

    def build(name, specialist_count, appointment_count):
        business = make_business(name=name)
        north, south = Branch.objects.for_business(business).order_by("name")
        desk = make_employee(business, "administrator", full_name="Desk Admin")

        zone = business.zone
        specialists = [
            make_employee(business, full_name=f"Specialist {number:02d}", provides_services=True)
            for number in range(specialist_count)
        ]
        WorkingHours.objects.bulk_create(
            WorkingHours(
                business=business,
                specialist=person,
                branch=north,
                weekday=date.weekday(),
                starts_at=dt.time(8),
                ends_at=dt.time(22),
            )
            for person in specialists
        )
        clients = SalonClient.objects.bulk_create(
            SalonClient(business=business, full_name=f"Client {n}", phone=f"+7916{n:07d}", search_text=f"client {n}")
            for n in range(appointment_count)
        )
        from staffroom.catalog.models import Service

        service = Service.objects.create(business=business, name="Cut", duration_minutes=30, price=Decimal("1000"))
        appointments = []
        per_specialist = appointment_count // specialist_count
        for index, person in enumerate(specialists):
            for slot in range(per_specialist):
                starts_at = local_to_utc(date, dt.time(8 + slot * 30 // 60, slot * 30 % 60), zone)
                appointments.append(
                    Appointment(
                        business=business,
                        branch=south if slot % 10 == 9 else north,  # some visits in the other branch: busy blocks
                        specialist=person,
                        client=clients[index * per_specialist + slot],
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(minutes=30),
                        created_by=desk,
                        price=Decimal("1000"),
                        total=Decimal("1000"),
                    )
                )
        Appointment.objects.bulk_create(appointments)
        AppointmentLine.objects.bulk_create(
            AppointmentLine(
                business=business,
                appointment=appointment,
                service=service,
                service_name="Cut",
                duration_minutes=30,
                price=Decimal("1000"),
                total=Decimal("1000"),
            )
            for appointment in appointments
        )
        return business, north, desk, specialists

    date = dt.date(2031, 3, 4)
    business, north, desk, specialists = build("Front Desk Salon", SPECIALISTS, APPOINTMENTS)
    browser = sign_in(Client(HTTP_HOST="127.0.0.1"), desk)
    path = f"/calendar/?branch={north.pk}&date={date.isoformat()}"

    def page():
        response = browser.get(path)
        assert response.status_code == 200
        return response

    def one_query():
        start, end = business_day_bounds(business, date)
        list(appointments_in_range(business, start, end, specialist_ids=[s.pk for s in specialists]))

    page()  # warm the template cache and the session
    # Interleaved rounds, the median of each: a shared, busy machine slows both sides alike.
    rendered, fetched = interleave(page, one_query, ROUNDS)
    report(
        f"branch day, {SPECIALISTS} specialists, {APPOINTMENTS} visits vs the day's appointments query",
        rendered,
        fetched,
        2.0,
    )

    def queries_for(employee, branch):
        other = sign_in(Client(HTTP_HOST="127.0.0.1"), employee)
        url = f"/calendar/?branch={branch.pk}&date={date.isoformat()}"
        other.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert other.get(url).status_code == 200
        return len(captured)

    _small, small_north, small_desk, _few = build("Small Salon", 5, 100)
    few, many = queries_for(small_desk, small_north), queries_for(desk, north)
    print(f"   queries: {few} with 5 specialists, {many} with {SPECIALISTS}")
    # The same count is the verdict: report it as a ratio with limit 1.0.
    report(f"branch day queries, {SPECIALISTS} specialists vs 5", float(many), float(few), 1.0)
