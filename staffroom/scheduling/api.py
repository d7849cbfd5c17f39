"""REST API for schedules and appointments: opening and working hours, exceptions, the calendar, free slots."""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from staffroom.catalog.models import Service, SpecialistService
from staffroom.clients.models import Client
from staffroom.clients.services import client_contacts_for
from staffroom.core.api import IsoDate
from staffroom.core.errors import PermissionDenied, field_error
from staffroom.core.money import round_money
from staffroom.core.shortcuts import choice_for_business, choices_for_business, get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee
from staffroom.staff.permissions import EMPLOYEE, api_permission, has_permission
from staffroom.tenancy.models import Branch

from . import selectors, services
from .calculations import specialist_colour
from .hooks import appointment_paid_amount
from .models import Appointment, BranchOpeningHours, ScheduleException, WorkingHours

router = Router(tags=["calendar"])

MAX_RANGE_DAYS = 62


class IntervalIn(Schema):
    weekday: int = Field(..., ge=0, le=6)
    branch_id: int
    starts_at: dt.time
    ends_at: dt.time


class IntervalOut(IntervalIn):
    pass


class OpeningHoursIn(Schema):
    weekday: int = Field(..., ge=0, le=6)
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None


class ExceptionIntervalIn(Schema):
    branch_id: int
    starts_at: dt.time
    ends_at: dt.time


class ExceptionIn(Schema):
    day_off: bool = False
    intervals: list[ExceptionIntervalIn] = Field(default_factory=list)
    note: str = Field("", max_length=200)


class ExceptionOut(Schema):
    date: IsoDate
    kind: str
    branch_id: int | None
    starts_at: dt.time | None
    ends_at: dt.time | None
    note: str


class SchedulingClientRef(Schema):
    id: int
    full_name: str
    phone: str
    email: str
    contacts_masked: bool


class SchedulingLineOut(Schema):
    service_id: int
    service_name: str
    category_id: int | None
    duration_minutes: int
    price: Decimal | None
    discount_amount: Decimal | None
    total: Decimal | None


class AppointmentOut(Schema):
    id: int
    branch_id: int
    specialist_id: int
    specialist_name: str
    client: SchedulingClientRef
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str
    created_by_id: int | None
    source: str
    created_at: dt.datetime
    note: str
    cancellation_reason: str
    lines: list[SchedulingLineOut]
    price: Decimal | None
    discount_amount: Decimal | None
    total: Decimal | None
    paid: Decimal | None
    balance_due: Decimal | None
    version: int


class AppointmentIn(Schema):
    client_id: int
    specialist_id: int
    branch_id: int
    starts_at: dt.datetime
    service_ids: list[int] = Field(..., min_length=1, max_length=20)
    note: str = Field("", max_length=2000)
    discount_kind: str = "none"
    discount_value: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    # Outside the working hours only with calendar.book_outside_hours *and* this flag, per booking.
    confirm_outside_hours: bool = False


class RescheduleIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    specialist_id: int | None = None
    branch_id: int | None = None
    expected_version: int | None = None
    confirm_outside_hours: bool = False


class CancelIn(Schema):
    reason: str = Field(..., max_length=300)
    expected_version: int | None = None


class SchedulingStatusIn(Schema):
    status: str
    expected_version: int | None = None


class ServicesIn(Schema):
    service_ids: list[int] = Field(..., min_length=1, max_length=20)
    note: str | None = Field(None, max_length=2000)
    expected_version: int | None = None
    confirm_outside_hours: bool = False


class DiscountIn(Schema):
    kind: str
    value: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class SlotOut(Schema):
    specialist_id: int
    branch_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime


class SchedulingWorkingIntervalOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class SchedulingDaySpecialistOut(Schema):
    id: int
    full_name: str
    colour: str
    working: list[SchedulingWorkingIntervalOut]


class SchedulingBusyBlockOut(Schema):
    """A specialist's visit in another branch: only when and where, never whose visit it is."""

    specialist_id: int
    branch_id: int
    branch_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime


class SchedulingBranchDayOut(Schema):
    branch_id: int
    date: IsoDate
    specialists: list[SchedulingDaySpecialistOut]
    appointments: list[AppointmentOut]
    busy_elsewhere: list[SchedulingBusyBlockOut]


def appointment_out(actor, appointment: Appointment) -> dict:
    """Money only for those who see finances; contacts masked as for the client pages."""
    sees_money = has_permission(actor, Perm.PAYMENTS_VIEW_FINANCES) or has_permission(actor, Perm.PAYMENTS_PROCESS)
    paid = None
    if sees_money:
        annotated = getattr(appointment, "paid_total", None)
        paid = (
            round_money(annotated, actor.business.currency)
            if annotated is not None
            else appointment_paid_amount(appointment)
        )
    client = appointment.client
    return {
        "id": appointment.pk,
        "branch_id": appointment.branch_id,
        "specialist_id": appointment.specialist_id,
        "specialist_name": appointment.specialist.full_name,
        "client": {"id": client.pk, "full_name": client.full_name, **client_contacts_for(actor, client)},
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "created_by_id": appointment.created_by_id,
        "source": appointment.source,
        "created_at": appointment.created_at,
        "note": appointment.note,
        "cancellation_reason": appointment.cancellation_reason,
        "lines": [
            {
                "service_id": line.service_id,
                "service_name": line.service_name,
                "category_id": line.category_id,
                "duration_minutes": line.duration_minutes,
                "price": line.price if sees_money else None,
                "discount_amount": line.discount_amount if sees_money else None,
                "total": line.total if sees_money else None,
            }
            for line in appointment.lines.all()
        ],
        "price": appointment.price if sees_money else None,
        "discount_amount": appointment.discount_amount if sees_money else None,
        "total": appointment.total if sees_money else None,
        "paid": paid,
        "balance_due": appointment.total - paid if sees_money else None,
        "version": appointment.version,
    }


def _appointments(business):
    return (
        Appointment.objects.for_business(business)
        .select_related("client", "specialist", "branch")
        .prefetch_related("lines")
    )


def load_visible_appointment(request, appointment_id: int) -> Appointment:
    """404 for another business's appointment and for one the employee may not see (no existence leak)."""
    appointment = get_for_business_or_404(_appointments(request.business), request.business, pk=appointment_id)
    if not selectors.can_see_calendar_of(request.employee, appointment.specialist, branch=appointment.branch):
        from django.http import Http404

        raise Http404
    return appointment


def _require_calendar(employee) -> None:
    if not (has_permission(employee, Perm.CALENDAR_VIEW_ALL) or has_permission(employee, Perm.CALENDAR_VIEW_OWN)):
        raise PermissionDenied()


# --- schedules -------------------------------------------------------------------------------------


@router.get("/branches/{branch_id}/opening-hours", response=list[OpeningHoursIn])
@api_permission(EMPLOYEE)
def opening_hours_get(request, branch_id: int):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id)
    rows = BranchOpeningHours.objects.for_business(request.business).filter(branch=branch)
    return [{"weekday": r.weekday, "opens_at": r.opens_at, "closes_at": r.closes_at} for r in rows]


@router.put("/branches/{branch_id}/opening-hours", response=list[OpeningHoursIn])
@api_permission(Perm.CALENDAR_MANAGE_SCHEDULES)
def opening_hours_set(request, branch_id: int, payload: list[OpeningHoursIn]):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id)
    hours = {}
    for item in payload:
        if (item.opens_at is None) != (item.closes_at is None):
            raise field_error("closes_at", _("Give both the opening and the closing time, or neither."))
        hours[item.weekday] = (item.opens_at, item.closes_at) if item.opens_at else None
    services.branch_opening_hours_set(actor=request.employee, branch=branch, hours=hours)
    return opening_hours_get.__wrapped__(request, branch_id)


def _specialist(request, specialist_id: int) -> Employee:
    return get_for_business_or_404(
        Employee.objects.for_business(request.business).filter(provides_services=True),
        request.business,
        pk=specialist_id,
    )


@router.get("/specialists/{specialist_id}/working-hours", response=list[IntervalOut])
@api_permission(EMPLOYEE)
def working_hours_get(request, specialist_id: int):
    specialist = _specialist(request, specialist_id)
    if not selectors.can_see_calendar_of(request.employee, specialist):
        raise PermissionDenied()
    rows = WorkingHours.objects.for_business(request.business).filter(specialist=specialist)
    return [
        {"weekday": r.weekday, "branch_id": r.branch_id, "starts_at": r.starts_at, "ends_at": r.ends_at} for r in rows
    ]


@router.put("/specialists/{specialist_id}/working-hours", response=list[IntervalOut])
@api_permission(Perm.CALENDAR_MANAGE_SCHEDULES)
def working_hours_set(request, specialist_id: int, payload: list[IntervalIn]):
    specialist = _specialist(request, specialist_id)
    intervals = [
        (
            item.weekday,
            choice_for_business(Branch, request.business, item.branch_id, "branch_id"),
            item.starts_at,
            item.ends_at,
        )
        for item in payload
    ]
    services.working_hours_set(actor=request.employee, specialist=specialist, intervals=intervals)
    return working_hours_get.__wrapped__(request, specialist_id)


@router.get("/specialists/{specialist_id}/exceptions", response=list[ExceptionOut])
@api_permission(EMPLOYEE)
def exceptions_list(request, specialist_id: int, date_from: IsoDate | None = None, date_to: IsoDate | None = None):
    specialist = _specialist(request, specialist_id)
    if not selectors.can_see_calendar_of(request.employee, specialist):
        raise PermissionDenied()
    rows = ScheduleException.objects.for_business(request.business).filter(specialist=specialist)
    if date_from:
        rows = rows.filter(date__gte=date_from)
    if date_to:
        rows = rows.filter(date__lte=date_to)
    return list(rows[:500])


@router.put("/specialists/{specialist_id}/exceptions/{date}", response=list[ExceptionOut])
@api_permission(Perm.CALENDAR_MANAGE_SCHEDULES)
def exception_set(request, specialist_id: int, date: IsoDate, payload: ExceptionIn):
    specialist = _specialist(request, specialist_id)
    intervals = [
        (choice_for_business(Branch, request.business, item.branch_id, "branch_id"), item.starts_at, item.ends_at)
        for item in payload.intervals
    ]
    return services.schedule_exception_set(
        actor=request.employee,
        specialist=specialist,
        date=date,
        day_off=payload.day_off,
        intervals=intervals,
        note=payload.note,
    )


@router.delete("/specialists/{specialist_id}/exceptions/{date}", response={204: None})
@api_permission(Perm.CALENDAR_MANAGE_SCHEDULES)
def exception_clear(request, specialist_id: int, date: IsoDate):
    services.schedule_exception_clear(actor=request.employee, specialist=_specialist(request, specialist_id), date=date)
    return Status(204, None)


# --- appointments ----------------------------------------------------------------------------------


@router.get("/appointments", response=list[AppointmentOut])
@api_permission(EMPLOYEE)
def appointment_list(
    request,
    date_from: IsoDate,
    date_to: IsoDate | None = None,
    branch_id: int | None = None,
    specialist_id: int | None = None,
):
    """Appointments on local business dates; only the calendars the employee may see."""
    _require_calendar(request.employee)
    business = request.business
    date_to = date_to or date_from
    selectors.check_calendar_date(date_from, "date_from")
    selectors.check_calendar_date(date_to, "date_to")
    if date_to < date_from or (date_to - date_from).days > MAX_RANGE_DAYS:
        raise field_error("date_to", _("Choose a period of at most two months."))
    branch = choice_for_business(Branch, business, branch_id, "branch_id")
    start, _end = selectors.business_day_bounds(business, date_from)
    _start, end = selectors.business_day_bounds(business, date_to)
    specialist_ids = list(selectors.visible_specialists(request.employee).values_list("pk", flat=True))
    if specialist_id is not None:
        specialist_ids = [pk for pk in specialist_ids if pk == specialist_id]
    appointments = selectors.appointments_in_range(business, start, end, branch=branch, specialist_ids=specialist_ids)
    # The list shows the client and the specialist's name: no branch or creator rows to build for every visit.
    appointments = appointments.select_related(None).select_related("client", "specialist")
    # One query for what each visit has been paid, instead of one per row.
    appointments = appointments.annotate(
        paid_total=Coalesce(Sum("payments__amount"), Decimal(0))
        - Coalesce(Sum("payments__refunded_amount"), Decimal(0))
    )
    branch_ids = selectors.calendar_branch_ids(request.employee)
    if branch_ids is not None:
        # A role limited to some branches sees those calendars, plus the employee's own appointments.
        appointments = appointments.filter(Q(branch_id__in=branch_ids) | Q(specialist=request.employee))
    return [appointment_out(request.employee, appointment) for appointment in appointments]


@router.get("/branches/{branch_id}/day", response=SchedulingBranchDayOut)
@api_permission(EMPLOYEE)
def branch_day(request, branch_id: int, date: IsoDate, include_idle: bool = False):
    """The front desk's day of a branch: the specialists working there, this branch's visits, and the specialists'
    visits in other branches as busy blocks labelled with that branch (never as this branch's visits)."""
    _require_calendar(request.employee)
    business = request.business
    branch = get_for_business_or_404(Branch.objects.filter(is_active=True), business, pk=branch_id)
    selectors.check_calendar_date(date, "date")
    day = selectors.branch_day(request.employee, branch, date, include_idle=include_idle)
    appointments = day.appointments
    if appointments:
        paid = dict(
            Appointment.objects.for_business(business)
            .filter(pk__in=[a.pk for a in appointments])
            .annotate(
                paid_total=Coalesce(Sum("payments__amount"), Decimal(0))
                - Coalesce(Sum("payments__refunded_amount"), Decimal(0))
            )
            .values_list("pk", "paid_total")
        )
        for appointment in appointments:
            appointment.paid_total = paid.get(appointment.pk, Decimal(0))
    return {
        "branch_id": branch.pk,
        "date": date,
        "specialists": [
            {
                "id": specialist.pk,
                "full_name": specialist.full_name,
                "colour": specialist_colour(specialist),
                "working": [
                    {"starts_at": start, "ends_at": end}
                    for start, end, interval_branch in day.book.utc_intervals(specialist.pk, date)
                    if interval_branch in (None, branch.pk)
                ],
            }
            for specialist in day.specialists
        ],
        "appointments": [appointment_out(request.employee, appointment) for appointment in appointments],
        "busy_elsewhere": day.busy_elsewhere,
    }


@router.get("/appointments/{appointment_id}", response=AppointmentOut)
@api_permission(EMPLOYEE)
def appointment_detail(request, appointment_id: int):
    _require_calendar(request.employee)
    return appointment_out(request.employee, load_visible_appointment(request, appointment_id))


@router.post("/appointments", response={201: AppointmentOut})
@api_permission(Perm.CALENDAR_CREATE_APPOINTMENT)
def appointment_create(request, payload: AppointmentIn):
    business = request.business
    client = choice_for_business(Client, business, payload.client_id, "client_id")
    specialist = choice_for_business(Employee, business, payload.specialist_id, "specialist_id")
    branch = choice_for_business(Branch, business, payload.branch_id, "branch_id")
    chosen = {
        service.pk: service for service in choices_for_business(Service, business, payload.service_ids, "service_ids")
    }
    appointment = services.appointment_create(
        actor=request.employee,
        client=client,
        specialist=specialist,
        branch=branch,
        starts_at=payload.starts_at,
        services=[chosen[pk] for pk in payload.service_ids],
        note=payload.note,
        discount_kind=payload.discount_kind,
        discount_value=payload.discount_value,
        confirm_outside_hours=payload.confirm_outside_hours,
    )
    return Status(201, appointment_out(request.employee, _appointments(business).get(pk=appointment.pk)))


@router.post("/appointments/{appointment_id}/reschedule", response=AppointmentOut)
@api_permission(Perm.CALENDAR_EDIT_APPOINTMENT)
def appointment_reschedule(request, appointment_id: int, payload: RescheduleIn):
    business = request.business
    appointment = load_visible_appointment(request, appointment_id)
    services.appointment_reschedule(
        actor=request.employee,
        appointment=appointment,
        starts_at=payload.starts_at,
        specialist=choice_for_business(Employee, business, payload.specialist_id, "specialist_id"),
        branch=choice_for_business(Branch, business, payload.branch_id, "branch_id"),
        ends_at=payload.ends_at,
        expected_version=payload.expected_version,
        confirm_outside_hours=payload.confirm_outside_hours,
    )
    return appointment_out(request.employee, _appointments(business).get(pk=appointment_id))


@router.post("/appointments/{appointment_id}/cancel", response=AppointmentOut)
@api_permission(Perm.CALENDAR_CANCEL_APPOINTMENT)
def appointment_cancel(request, appointment_id: int, payload: CancelIn):
    appointment = load_visible_appointment(request, appointment_id)
    services.appointment_cancel(
        actor=request.employee,
        appointment=appointment,
        reason=payload.reason,
        expected_version=payload.expected_version,
    )
    return appointment_out(request.employee, _appointments(request.business).get(pk=appointment_id))


@router.post("/appointments/{appointment_id}/status", response=AppointmentOut)
@api_permission(Perm.CALENDAR_EDIT_APPOINTMENT)
def appointment_status(request, appointment_id: int, payload: SchedulingStatusIn):
    appointment = load_visible_appointment(request, appointment_id)
    services.appointment_status_set(
        actor=request.employee,
        appointment=appointment,
        status=payload.status,
        expected_version=payload.expected_version,
    )
    return appointment_out(request.employee, _appointments(request.business).get(pk=appointment_id))


@router.put("/appointments/{appointment_id}/services", response=AppointmentOut)
@api_permission(Perm.CALENDAR_EDIT_APPOINTMENT)
def appointment_services(request, appointment_id: int, payload: ServicesIn):
    appointment = load_visible_appointment(request, appointment_id)
    chosen = {s.pk: s for s in choices_for_business(Service, request.business, payload.service_ids, "service_ids")}
    services.appointment_services_set(
        actor=request.employee,
        appointment=appointment,
        services=[chosen[pk] for pk in payload.service_ids],
        note=payload.note,
        expected_version=payload.expected_version,
        confirm_outside_hours=payload.confirm_outside_hours,
    )
    return appointment_out(request.employee, _appointments(request.business).get(pk=appointment_id))


@router.post("/appointments/{appointment_id}/discount", response=AppointmentOut)
@api_permission(Perm.PAYMENTS_PROCESS)
def appointment_discount(request, appointment_id: int, payload: DiscountIn):
    appointment = load_visible_appointment(request, appointment_id)
    services.appointment_discount_set(
        actor=request.employee, appointment=appointment, kind=payload.kind, value=payload.value
    )
    return appointment_out(request.employee, _appointments(request.business).get(pk=appointment_id))


@router.get("/free-slots", response=list[SlotOut])
@api_permission(Perm.CALENDAR_CREATE_APPOINTMENT)
def free_slot_list(
    request,
    service_id: int,
    date_from: IsoDate,
    days: int = 7,
    branch_id: int | None = None,
    specialist_id: int | None = None,
    step_minutes: int = 15,
    limit: int = 200,
):
    """Free start times for a service across the specialists who provide it (optionally one branch/specialist)."""
    business = request.business
    if not 1 <= days <= 31:
        raise field_error("days", _("Search between 1 and 31 days."))
    selectors.check_calendar_date(date_from, "date_from")
    selectors.check_calendar_date(date_from + dt.timedelta(days=days), "days")
    if step_minutes not in (5, 10, 15, 20, 30, 60):
        raise field_error("step_minutes", _("Choose a step of 5, 10, 15, 20, 30 or 60 minutes."))
    service = get_for_business_or_404(Service.objects.filter(is_active=True), business, pk=service_id)
    branch = choice_for_business(Branch, business, branch_id, "branch_id")
    links = SpecialistService.objects.for_business(business).filter(service=service).select_related("service")
    duration_for = {link.specialist_id: link.effective_duration_minutes for link in links}
    specialists = selectors.specialists_for_business(business).filter(pk__in=list(duration_for))
    if specialist_id is not None:
        specialists = specialists.filter(pk=specialist_id)
    from django.utils import timezone

    return selectors.free_slot_search(
        business,
        specialists=list(specialists),
        first_date=date_from,
        days=days,
        duration_for=duration_for,
        step_minutes=step_minutes,
        branch=branch,
        not_before=timezone.now(),
        limit=max(1, min(limit, 1000)),
    )
