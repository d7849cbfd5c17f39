"""Demo schedules and a few weeks of appointments around today, so the calendar looks alive."""

import datetime as dt
import random
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from staffroom.staff.demo import demo_branch_name

from .calculations import local_to_utc
from .choices import AppointmentStatus
from .models import Appointment, AppointmentLine, BranchOpeningHours, ScheduleException, WorkingHours
from .selectors import ScheduleBook

WEEKS_BACK = 3
WEEKS_AHEAD = 2

# specialist key -> [(weekdays, branch key (staff.demo.BRANCHES), [(from, to), ...])]
DEMO_SCHEDULES = {
    "specialist": [((0, 1, 2, 3, 4), "Tverskaya", [(10, 14), (15, 19)]), ((5,), "Tverskaya", [(10, 16)])],
    "specialist2": [((1, 2, 3, 4, 5), "Arbat", [(10, 19)]), ((6,), "Arbat", [(11, 17)])],
    "specialist3": [((0, 2, 4, 6), "Tverskaya", [(10, 19)]), ((1, 3, 5), "Arbat", [(11, 20)])],
}
SPECIALIST_SERVICES = {
    "specialist": ["Haircut", "Hair colouring", "Blow-dry", "Men's haircut"],
    "specialist2": ["Manicure", "Pedicure", "Gel polish"],
    "specialist3": ["Men's haircut", "Beard trim"],
}


def _schedules(business, branches, employees, language):
    for branch in branches.values():
        if not BranchOpeningHours.objects.for_business(business).filter(branch=branch).exists():
            BranchOpeningHours.objects.bulk_create(
                BranchOpeningHours(
                    business=business,
                    branch=branch,
                    weekday=weekday,
                    opens_at=dt.time(9),
                    closes_at=dt.time(21 if weekday < 6 else 18),
                )
                for weekday in range(7)
            )
    for key, rows in DEMO_SCHEDULES.items():
        specialist = employees[key]
        if WorkingHours.objects.for_business(business).filter(specialist=specialist).exists():
            continue
        WorkingHours.objects.bulk_create(
            WorkingHours(
                business=business,
                specialist=specialist,
                branch=branches[demo_branch_name(branch_key, language)],
                weekday=weekday,
                starts_at=dt.time(start),
                ends_at=dt.time(end),
            )
            for weekdays, branch_key, intervals in rows
            for weekday in weekdays
            for start, end in intervals
        )


def _appointments(business, employees, services, clients):
    if Appointment.objects.for_business(business).exists() or not clients:
        return
    generator = random.Random(7)
    zone = business.zone
    today = timezone.now().astimezone(zone).date()
    first = today - dt.timedelta(weeks=WEEKS_BACK)
    last = today + dt.timedelta(weeks=WEEKS_AHEAD)
    keys = list(SPECIALIST_SERVICES)
    specialists = {key: employees[key] for key in keys}
    # A day off next week for the hair stylist, so the calendar shows an exception.
    day_off = today + dt.timedelta(days=(7 - today.weekday()) + 2)
    ScheduleException.objects.get_or_create(
        business=business, specialist=specialists["specialist"], date=day_off, kind="day_off"
    )
    book = ScheduleBook(business, [s.pk for s in specialists.values()], first, last)
    bookers = [employees["administrator"], employees["call_center"], employees["owner"]]
    now = timezone.now()
    appointments, line_sets = [], []
    date = first
    while date <= last:
        for key, specialist in specialists.items():
            for interval in book.local_intervals(specialist.pk, date):
                cursor = local_to_utc(date, interval.starts_at, zone)
                end_of_work = local_to_utc(date, interval.ends_at, zone)
                while True:
                    cursor += dt.timedelta(minutes=generator.choice([0, 0, 15, 30, 60]))
                    service = services[generator.choice(SPECIALIST_SERVICES[key])]
                    ends_at = cursor + dt.timedelta(minutes=service.duration_minutes)
                    if ends_at > end_of_work:
                        break
                    if generator.random() < 0.75:
                        status = AppointmentStatus.BOOKED
                        if ends_at <= now:
                            roll = generator.random()
                            status = (
                                AppointmentStatus.COMPLETED
                                if roll < 0.88
                                else AppointmentStatus.NO_SHOW
                                if roll < 0.94
                                else AppointmentStatus.CANCELLED
                            )
                        elif cursor <= now:
                            status = AppointmentStatus.ARRIVED
                        booker = generator.choice(bookers)
                        appointments.append(
                            Appointment(
                                business=business,
                                branch_id=interval.branch_id,
                                specialist=specialist,
                                client=generator.choice(clients),
                                starts_at=cursor,
                                ends_at=ends_at,
                                status=status,
                                created_by=booker,
                                price=service.price,
                                total=service.price,
                                status_changed_at=min(cursor, now),
                                cancelled_by=booker if status == AppointmentStatus.CANCELLED else None,
                                cancelled_at=min(cursor, now) if status == AppointmentStatus.CANCELLED else None,
                                cancellation_reason="Client called" if status == AppointmentStatus.CANCELLED else "",
                            )
                        )
                        line_sets.append(service)
                    cursor = ends_at
        date += dt.timedelta(days=1)
    created = Appointment.objects.bulk_create(appointments, batch_size=500)
    # Booked a couple of days ahead, as in life: KPI counts appointments by when they were created.
    Appointment.objects.for_business(business).filter(starts_at__lte=now + dt.timedelta(days=2)).update(
        created_at=F("starts_at") - dt.timedelta(days=2)
    )
    AppointmentLine.objects.bulk_create(
        (
            AppointmentLine(
                business=business,
                appointment=appointment,
                service=service,
                category_id=service.category_id,
                service_name=service.name,
                duration_minutes=service.duration_minutes,
                price=service.price,
                discount_amount=Decimal(0),
                total=service.price,
            )
            for appointment, service in zip(created, line_sets, strict=True)
        ),
        batch_size=500,
    )


def load(context: dict) -> None:
    business = context["business"]
    _schedules(business, context["branches"], context["employees"], context.get("language"))
    _appointments(business, context["employees"], context["services"], context["clients"])
