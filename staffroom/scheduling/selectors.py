"""Reads for the calendar: working intervals of specialists, busy rows, free slots, day and week views."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee
from staffroom.staff.permissions import has_permission, role_branch_ids
from staffroom.staff.selectors import specialists_for_business

from .calculations import (
    DayException,
    LocalInterval,
    free_slots,
    intersect_local,
    intervals_for_date,
    local_to_utc,
    utc_intervals,
)
from .choices import ACTIVE_STATUSES, AppointmentStatus, ExceptionKind
from .models import Appointment, AppointmentQuerySet, BranchOpeningHours, ScheduleException, WorkingHours


def visible_specialists(employee, *, branch=None) -> QuerySet[Employee]:
    """Whose calendars an employee may see: everyone with `calendar.view_all`, else only their own."""
    queryset = specialists_for_business(employee.business)
    if branch is not None:
        queryset = queryset.filter(branches=branch)
    if has_permission(employee, Perm.CALENDAR_VIEW_ALL, branch=branch):
        return queryset
    if has_permission(employee, Perm.CALENDAR_VIEW_OWN):
        return queryset.filter(pk=employee.pk)
    return queryset.none()


def calendar_branch_ids(employee) -> list[int] | None:
    """Branches whose whole calendar the employee sees: None means every branch (no branch limit on the role)."""
    from staffroom.tenancy.models import Branch

    if not has_permission(employee, Perm.CALENDAR_VIEW_ALL):
        return []
    if not role_branch_ids(employee):
        return None  # the role is not limited to branches: no need to list them
    branch_ids = list(Branch.objects.for_business(employee.business).values_list("pk", flat=True))
    allowed = [pk for pk in branch_ids if has_permission(employee, Perm.CALENDAR_VIEW_ALL, branch=pk)]
    return None if len(allowed) == len(branch_ids) else allowed


def can_see_calendar_of(employee, specialist, *, branch=None) -> bool:
    if specialist.business_id != employee.business_id:
        return False
    if has_permission(employee, Perm.CALENDAR_VIEW_ALL, branch=branch):
        return True
    return specialist.pk == employee.pk and has_permission(employee, Perm.CALENDAR_VIEW_OWN)


EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def check_calendar_date(date: dt.date, field: str) -> dt.date:
    """Dates outside the calendar's range are a field error (not an overflow deep in date arithmetic)."""
    from django.utils.translation import gettext as _

    from staffroom.core.errors import field_error

    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise field_error(field, _("Choose a date between 2000 and 2199."))
    return date


def business_day_bounds(business, date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A local business date as a UTC half-open range (23 or 25 hours long on DST change days)."""
    zone = business.zone
    return local_to_utc(date, dt.time(0), zone), local_to_utc(date + dt.timedelta(days=1), dt.time(0), zone)


class ScheduleBook:
    """The weekly patterns, exceptions and opening hours of some specialists, loaded once for a date range."""

    def __init__(self, business, specialist_ids: Iterable[int], first_date: dt.date, last_date: dt.date):
        self.business = business
        self.zone = business.zone
        ids = list(specialist_ids)
        self.weekly: dict[int, list[tuple[int, LocalInterval]]] = defaultdict(list)
        for row in WorkingHours.objects.for_business(business).filter(specialist_id__in=ids):
            self.weekly[row.specialist_id].append(
                (row.weekday, LocalInterval(row.starts_at, row.ends_at, row.branch_id))
            )
        self.exceptions: dict[tuple[int, dt.date], list[DayException]] = defaultdict(list)
        exceptions = ScheduleException.objects.for_business(business).filter(
            specialist_id__in=ids, date__gte=first_date, date__lte=last_date
        )
        for row in exceptions:
            self.exceptions[(row.specialist_id, row.date)].append(
                DayException(row.kind == ExceptionKind.DAY_OFF, row.starts_at, row.ends_at, row.branch_id)
            )
        self.opening: dict[int, dict[int, tuple[dt.time, dt.time]]] = defaultdict(dict)
        for row in BranchOpeningHours.objects.for_business(business):
            self.opening[row.branch_id][row.weekday] = (row.opens_at, row.closes_at)

    def local_intervals(self, specialist_id: int, date: dt.date) -> list[LocalInterval]:
        intervals = intervals_for_date(
            self.weekly.get(specialist_id, []), self.exceptions.get((specialist_id, date), []), date
        )
        result = []
        for interval in intervals:
            branch_hours = self.opening.get(interval.branch_id)
            if not branch_hours:  # a branch without opening hours set is open whenever its staff work
                result.append(interval)
                continue
            hours = branch_hours.get(date.weekday())
            if hours is not None:
                result.extend(intersect_local([interval], *hours))
        return result

    def utc_intervals(self, specialist_id: int, date: dt.date):
        return utc_intervals(date, self.local_intervals(specialist_id, date), self.zone)


def working_intervals_around(business, specialist, starts_at: dt.datetime, ends_at: dt.datetime):
    """UTC working intervals of the local dates an appointment touches (one, or two across midnight)."""
    zone = business.zone
    first = starts_at.astimezone(zone).date() - dt.timedelta(days=1)
    last = ends_at.astimezone(zone).date()
    book = ScheduleBook(business, [specialist.pk], first, last)
    intervals = []
    date = first
    while date <= last:
        intervals.extend(book.utc_intervals(specialist.pk, date))
        date += dt.timedelta(days=1)
    return intervals


def active_appointments(business) -> AppointmentQuerySet:
    return Appointment.objects.for_business(business).filter(status__in=ACTIVE_STATUSES)


def overlapping_appointment(business, specialist, starts_at, ends_at, *, exclude_pk=None) -> Appointment | None:
    queryset = active_appointments(business).filter(specialist=specialist).overlapping(starts_at, ends_at)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.order_by("starts_at").first()


def busy_rows(
    business, specialist_ids: Iterable[int], starts_at, ends_at, *, exclude_pk=None
) -> dict[int, list[tuple]]:
    """Active appointments' (start, end) per specialist in a UTC range: the only rows free-slot search reads."""
    rows = active_appointments(business).filter(specialist_id__in=list(specialist_ids)).overlapping(starts_at, ends_at)
    if exclude_pk is not None:  # a visit being moved does not block its own new time
        rows = rows.exclude(pk=exclude_pk)
    rows = rows.values_list("specialist_id", "starts_at", "ends_at")
    busy: dict[int, list[tuple]] = defaultdict(list)
    for specialist_id, start, end in rows:
        busy[specialist_id].append((start, end))
    return busy


def free_slot_search(
    business,
    *,
    specialists: Iterable[Employee],
    first_date: dt.date,
    days: int,
    duration_for: dict[int, int],
    step_minutes: int = 15,
    branch=None,
    not_before: dt.datetime | None = None,
    limit: int | None = None,
    exclude_pk: int | None = None,
) -> list[dict]:
    """Free start times for a service across specialists (and branches) over `days` local dates from `first_date`.

    `duration_for` maps specialist id -> minutes the service takes with them (their own duration, if set).
    """
    specialists = [s for s in specialists if s.pk in duration_for]
    ids = [s.pk for s in specialists]
    last_date = first_date + dt.timedelta(days=days - 1)
    book = ScheduleBook(business, ids, first_date, last_date)
    range_start, _ = business_day_bounds(business, first_date)
    _, range_end = business_day_bounds(business, last_date)
    busy = busy_rows(business, ids, range_start, range_end, exclude_pk=exclude_pk)
    step = dt.timedelta(minutes=step_minutes)
    results = []
    for specialist in specialists:
        duration = dt.timedelta(minutes=duration_for[specialist.pk])
        working = []
        date = first_date
        while date <= last_date:
            working.extend(book.utc_intervals(specialist.pk, date))
            date += dt.timedelta(days=1)
        if branch is not None:
            working = [interval for interval in working if interval[2] in (None, branch.pk)]
        for start, branch_id in free_slots(working, busy.get(specialist.pk, []), duration, step, not_before):
            results.append(
                {
                    "specialist_id": specialist.pk,
                    "branch_id": branch_id,
                    "starts_at": start,
                    "ends_at": start + duration,
                }
            )
    results.sort(key=lambda slot: (slot["starts_at"], slot["specialist_id"]))
    return results[:limit] if limit else results


def appointments_in_range(business, starts_at, ends_at, *, branch=None, specialist_ids=None) -> QuerySet[Appointment]:
    queryset = (
        Appointment.objects.for_business(business)
        .overlapping(starts_at, ends_at)
        .select_related("client", "specialist", "branch", "created_by")
        .prefetch_related("lines")
        .order_by("starts_at", "id")
    )
    if branch is not None:
        queryset = queryset.filter(branch=branch)
    if specialist_ids is not None:
        queryset = queryset.filter(specialist_id__in=list(specialist_ids))
    return queryset


def employees_active_in_calendar(business, since: dt.datetime) -> set[int]:
    """Who used calendar rights since `since`: created an appointment, or provided a service (arrived/completed)."""
    from django.utils import timezone

    appointments = Appointment.objects.for_business(business)
    booked = appointments.filter(created_at__gte=since).values_list("created_by_id", flat=True).distinct()
    served = (
        appointments.filter(
            starts_at__gte=since,
            starts_at__lte=timezone.now(),
            status__in=(AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED),
        )
        .values_list("specialist_id", flat=True)
        .distinct()
    )
    return set(booked) | set(served)


# --- the branch day: what the front desk sees ------------------------------------------------------


@dataclass
class BranchDay:
    """One branch on one local date: its specialists' columns, this branch's visits, and where else they are busy.

    `busy_elsewhere` holds the specialists' active visits in *other* branches as bare busy intervals (no client,
    no services): the desk of this branch sees that the specialist is away, never whose visit it is.
    """

    branch: object
    date: dt.date
    specialists: list[Employee]
    book: ScheduleBook
    appointments: list[Appointment]
    busy_elsewhere: list[dict] = field(default_factory=list)

    def appointments_of(self, specialist_id: int) -> list[Appointment]:
        return [a for a in self.appointments if a.specialist_id == specialist_id]

    def busy_of(self, specialist_id: int) -> list[dict]:
        return [b for b in self.busy_elsewhere if b["specialist_id"] == specialist_id]


def branch_day(employee, branch, date: dt.date, *, include_idle: bool = False) -> BranchDay:
    """The day view's data in a fixed number of queries, whatever the number of specialists.

    Columns: the specialists the employee may see who work in the branch that day (or have a visit there that
    day), in their calendar order; `include_idle` adds those of the branch who do not work that day.
    """
    business = employee.business
    candidates = list(visible_specialists(employee, branch=branch).order_by("calendar_position", "full_name", "id"))
    ids = [s.pk for s in candidates]
    book = ScheduleBook(business, ids, date, date)
    start, end = business_day_bounds(business, date)
    appointments = list(
        appointments_in_range(business, start, end, branch=branch, specialist_ids=ids).exclude(
            status=AppointmentStatus.CANCELLED
        )
    )
    busy_elsewhere = [
        {
            "specialist_id": row["specialist_id"],
            "branch_id": row["branch_id"],
            "branch_name": row["branch__name"],
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
        }
        for row in active_appointments(business)
        .filter(specialist_id__in=ids)
        .overlapping(start, end)
        .exclude(branch=branch)
        .order_by("starts_at", "id")
        .values("specialist_id", "branch_id", "branch__name", "starts_at", "ends_at")
    ]
    with_visits = {a.specialist_id for a in appointments}
    specialists = [
        s
        for s in candidates
        if include_idle
        or s.pk in with_visits
        or any(interval.branch_id in (None, branch.pk) for interval in book.local_intervals(s.pk, date))
    ]
    return BranchDay(branch, date, specialists, book, appointments, busy_elsewhere)


def branch_load_by_day(employee, branch, first_date: dt.date, last_date: dt.date) -> list[dict]:
    """Per local date: visits in the branch, booked minutes and working minutes of the visible specialists there.

    Load is booked / working minutes (0 when nobody works); a fixed number of queries for any range.
    """
    business = employee.business
    zone = business.zone
    ids = list(visible_specialists(employee, branch=branch).values_list("pk", flat=True))
    book = ScheduleBook(business, ids, first_date, last_date)
    start, _ = business_day_bounds(business, first_date)
    _, end = business_day_bounds(business, last_date)
    booked: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    rows = (
        active_appointments(business)
        .filter(branch=branch, specialist_id__in=ids)
        .overlapping(start, end)
        .values_list("starts_at", "ends_at")
    )
    for starts_at, ends_at in rows:
        date = starts_at.astimezone(zone).date()
        booked[date][0] += 1
        booked[date][1] += int((ends_at - starts_at).total_seconds() // 60)
    days = []
    date = first_date
    while date <= last_date:
        working = 0
        for specialist_id in ids:
            for interval in book.local_intervals(specialist_id, date):
                if interval.branch_id in (None, branch.pk):
                    working += (
                        dt.datetime.combine(date, interval.ends_at) - dt.datetime.combine(date, interval.starts_at)
                    ).seconds // 60
        count, minutes = booked.get(date, (0, 0))
        load = min(100, round(100 * minutes / working)) if working else (100 if minutes else 0)
        days.append(
            {"date": date, "visits": count, "booked_minutes": minutes, "working_minutes": working, "load": load}
        )
        date += dt.timedelta(days=1)
    return days
