"""Test data for the calendar: clients, services a specialist provides, weekly schedules, appointments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from staffroom.catalog.models import Service, ServiceCategory, SpecialistService
from staffroom.clients.models import Client
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.models import Appointment, AppointmentLine, WorkingHours
from staffroom.tenancy.models import Branch

_counter = iter(range(1, 10**9))


def make_client(business, **fields) -> Client:
    number = next(_counter)
    fields.setdefault("full_name", f"Client {number}")
    fields.setdefault("phone", f"+7916{number:07d}")
    fields.setdefault("email", f"client{number}@example.test")
    client = Client(business=business, **fields)
    client.search_text = f"{client.full_name.lower()} {client.phone.lstrip('+')} {client.email}"
    client.save()
    return client


def make_service(business, *, name=None, duration=60, price="1000.00", specialists=(), category=None) -> Service:
    if category is None:
        category, _ = ServiceCategory.objects.for_business(business).get_or_create(business=business, name="Hair")
    service = Service.objects.create(
        business=business,
        name=name or f"Service {next(_counter)}",
        duration_minutes=duration,
        price=Decimal(price),
        category=category,
    )
    for specialist in specialists:
        SpecialistService.objects.create(business=business, service=service, specialist=specialist)
    return service


def first_branch(business) -> Branch:
    return Branch.objects.for_business(business).order_by("name").first()


def make_weekly_schedule(specialist, branch, intervals=((dt.time(9), dt.time(18)),), weekdays=range(7)):
    WorkingHours.objects.bulk_create(
        WorkingHours(
            business=specialist.business,
            specialist=specialist,
            branch=branch,
            weekday=weekday,
            starts_at=start,
            ends_at=end,
        )
        for weekday in weekdays
        for start, end in intervals
    )


def local(business, date: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return local_to_utc(date, dt.time(hour, minute), business.zone)


def make_appointment(business, *, specialist, client, branch, starts_at, minutes=60, status="booked", created_by=None):
    appointment = Appointment.objects.create(
        business=business,
        branch=branch,
        specialist=specialist,
        client=client,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=minutes),
        status=status,
        created_by=created_by or specialist,
        price=Decimal("1000.00"),
        total=Decimal("1000.00"),
    )
    return appointment


__all__ = ["AppointmentLine", "make_appointment", "make_client", "make_service", "make_weekly_schedule"]
