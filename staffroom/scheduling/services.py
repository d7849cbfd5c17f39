"""Every change to schedules and appointments: booking, rescheduling, cancelling, statuses, discounts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.catalog.models import Service, SpecialistService
from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed, field_error
from staffroom.core.money import round_money
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission, require
from staffroom.webhooks.services import webhook_event_emit

from .calculations import fits_within, split_discount
from .choices import (
    ACTIVE_STATUSES,
    STATUS_TRANSITIONS,
    AppointmentSource,
    AppointmentStatus,
    DiscountKind,
    ExceptionKind,
)
from .hooks import appointment_changed, appointment_paid_amount
from .models import (
    MAX_APPOINTMENT_LENGTH,
    Appointment,
    AppointmentLine,
    BranchOpeningHours,
    ScheduleException,
    WorkingHours,
)
from .selectors import check_calendar_date, overlapping_appointment, working_intervals_around

# Apps above scheduling that react to staff changes of appointments (client notifications) register here; each
# listener gets (event, appointment) inside the service's transaction: "created", "rescheduled", "cancelled".
register_appointment_listener = appointment_changed.register


def _announce(event: str, appointment) -> None:
    appointment_changed.call_all(event, appointment)


# --- schedules -------------------------------------------------------------------------------------


def _check_same_business(actor, *objects, field: str = "__all__") -> None:
    for obj in objects:
        if obj is not None and obj.business_id != actor.business_id:
            raise field_error(field, _("Choose a valid option of this business."))


def _check_interval(starts_at: dt.time, ends_at: dt.time, field: str = "ends_at") -> None:
    if starts_at is None or ends_at is None or not starts_at < ends_at:
        raise field_error(field, _("The end must be after the start."))


@transaction.atomic
def branch_opening_hours_set(*, actor, branch, hours: dict[int, tuple[dt.time, dt.time] | None]) -> None:
    """Set a branch's opening hours per weekday (None: closed that day); weekdays not given stay as they are."""
    require(actor, Perm.CALENDAR_MANAGE_SCHEDULES, obj=branch)
    business = actor.business
    before = {
        str(row.weekday): [str(row.opens_at), str(row.closes_at)]
        for row in BranchOpeningHours.objects.for_business(business).filter(branch=branch)
    }
    for weekday, value in hours.items():
        if weekday not in range(7):
            raise field_error("weekday", _("Choose a weekday."))
        rows = BranchOpeningHours.objects.for_business(business).filter(branch=branch, weekday=weekday)
        if value is None:
            rows.delete()
            continue
        opens_at, closes_at = value
        _check_interval(opens_at, closes_at, "closes_at")
        BranchOpeningHours.objects.update_or_create(
            business=business, branch=branch, weekday=weekday, defaults={"opens_at": opens_at, "closes_at": closes_at}
        )
    after = {
        str(row.weekday): [str(row.opens_at), str(row.closes_at)]
        for row in BranchOpeningHours.objects.for_business(business).filter(branch=branch)
    }
    security_event_record(
        event_type="branch.opening_hours_changed",
        actor=actor,
        target=branch,
        before={"hours": before},
        after={"hours": after},
    )


def _intervals_overlap(intervals: Sequence[tuple[int, dt.time, dt.time]]) -> bool:
    ordered = sorted(intervals)
    return any(a[0] == b[0] and b[1] < a[2] for a, b in itertools.pairwise(ordered))


@transaction.atomic
def working_hours_set(*, actor, specialist, intervals: Iterable[tuple[int, object, dt.time, dt.time]]) -> None:
    """Replace a specialist's weekly pattern: (weekday, branch, from, to) rows; two rows on a day make a break."""
    require(actor, Perm.CALENDAR_MANAGE_SCHEDULES, obj=specialist)
    business = actor.business
    rows = []
    for weekday, branch, starts_at, ends_at in intervals:
        if weekday not in range(7):
            raise field_error("weekday", _("Choose a weekday."))
        _check_same_business(actor, branch, field="branch_id")
        _check_interval(starts_at, ends_at)
        rows.append((weekday, branch, starts_at, ends_at))
    if _intervals_overlap([(weekday, start, end) for weekday, _branch, start, end in rows]):
        raise field_error("intervals", _("Working intervals on one day must not overlap."))
    existing = WorkingHours.objects.for_business(business).filter(specialist=specialist)
    before = sorted((row.weekday, row.branch_id, str(row.starts_at), str(row.ends_at)) for row in existing)
    existing.delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(
            business=business, specialist=specialist, branch=branch, weekday=weekday, starts_at=start, ends_at=end
        )
        for weekday, branch, start, end in rows
    )
    after = sorted((weekday, branch.pk, str(start), str(end)) for weekday, branch, start, end in rows)
    security_event_record(
        event_type="schedule.working_hours_changed",
        actor=actor,
        target=specialist,
        before={"intervals": before},
        after={"intervals": after},
    )


@transaction.atomic
def schedule_exception_set(
    *,
    actor,
    specialist,
    date: dt.date,
    day_off: bool,
    intervals: Iterable[tuple[object, dt.time, dt.time]] = (),
    note: str = "",
) -> list[ScheduleException]:
    """Replace the exceptions of one date: a day off, or changed hours as (branch, from, to) intervals."""
    require(actor, Perm.CALENDAR_MANAGE_SCHEDULES, obj=specialist)
    business = actor.business
    check_calendar_date(date, "date")
    intervals = list(intervals)
    if not day_off and not intervals:
        raise field_error("intervals", _("Give the changed hours, or mark a day off."))
    for branch, starts_at, ends_at in intervals:
        _check_same_business(actor, branch, field="branch_id")
        _check_interval(starts_at, ends_at)
    if _intervals_overlap([(0, start, end) for _branch, start, end in intervals]):
        raise field_error("intervals", _("Working intervals on one day must not overlap."))
    ScheduleException.objects.for_business(business).filter(specialist=specialist, date=date).delete()
    if day_off:
        rows = [ScheduleException(business=business, specialist=specialist, date=date, kind=ExceptionKind.DAY_OFF)]
    else:
        rows = [
            ScheduleException(
                business=business,
                specialist=specialist,
                date=date,
                kind=ExceptionKind.CHANGED_HOURS,
                branch=branch,
                starts_at=start,
                ends_at=end,
                note=note[:200],
            )
            for branch, start, end in intervals
        ]
    created = ScheduleException.objects.bulk_create(rows)
    security_event_record(
        event_type="schedule.exception_set",
        actor=actor,
        target=specialist,
        after={"date": date, "day_off": day_off, "intervals": [[b.pk, str(s), str(e)] for b, s, e in intervals]},
    )
    return created


@transaction.atomic
def schedule_exception_clear(*, actor, specialist, date: dt.date) -> None:
    require(actor, Perm.CALENDAR_MANAGE_SCHEDULES, obj=specialist)
    deleted, _ = (
        ScheduleException.objects.for_business(actor.business).filter(specialist=specialist, date=date).delete()
    )
    if deleted:
        security_event_record(
            event_type="schedule.exception_cleared", actor=actor, target=specialist, after={"date": date}
        )


# --- appointments ----------------------------------------------------------------------------------


def appointment_snapshot(appointment: Appointment) -> dict:
    return {
        "client_id": appointment.client_id,
        "specialist_id": appointment.specialist_id,
        "branch_id": appointment.branch_id,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "total": appointment.total,
        "discount_amount": appointment.discount_amount,
        "cancellation_reason": appointment.cancellation_reason,
    }


def conflict_payload(appointment: Appointment) -> dict:
    return {
        "conflicting_appointment": {
            "id": appointment.pk,
            "specialist_id": appointment.specialist_id,
            "branch_id": appointment.branch_id,
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
        }
    }


def _refuse_clash(business, specialist, starts_at, ends_at, exclude_pk=None) -> None:
    clash = overlapping_appointment(business, specialist, starts_at, ends_at, exclude_pk=exclude_pk)
    if clash is not None:
        raise Conflict(
            _("%(name)s is busy at this time.") % {"name": specialist.full_name}, extra=conflict_payload(clash)
        )


def _save_without_clash(appointment: Appointment, **save_kwargs) -> None:
    """Save; on PostgreSQL the exclusion constraint decides a race, and the loser gets the winner as a 409."""
    try:
        with transaction.atomic():
            appointment.save(**save_kwargs)
    except IntegrityError as error:
        clash = overlapping_appointment(
            appointment.business,
            appointment.specialist,
            appointment.starts_at,
            appointment.ends_at,
            exclude_pk=appointment.pk,
        )
        if clash is None:
            raise
        raise Conflict(
            _("%(name)s is busy at this time.") % {"name": appointment.specialist.full_name},
            extra=conflict_payload(clash),
        ) from error


def _check_aware(value, field: str) -> dt.datetime:
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise field_error(field, _("Give a date and time with its time zone."))
    check_calendar_date(value.date(), field)
    return value.astimezone(dt.UTC)


def _check_specialist(business, specialist, branch) -> None:
    if specialist.business_id != business.pk or not specialist.provides_services or not specialist.is_active:
        raise field_error("specialist_id", _("Choose an active specialist of this business."))
    if branch.business_id != business.pk or not branch.is_active:
        raise field_error("branch_id", _("Choose an active branch of this business."))
    if not specialist.branches.filter(pk=branch.pk).exists():
        raise field_error("branch_id", _("%(name)s does not work in this branch.") % {"name": specialist.full_name})


def _check_working_hours(actor, specialist, branch, starts_at, ends_at, *, confirm_outside_hours: bool) -> bool:
    """Refuse a time outside the specialist's working hours in the branch (breaks, days off, closed hours).

    The `calendar.book_outside_hours` right never skips the check silently: the holder must also confirm it for
    this very booking (`confirm_outside_hours`). Returns whether the booking lies outside the working hours.
    """
    intervals = working_intervals_around(actor.business, specialist, starts_at, ends_at)
    if fits_within(starts_at, ends_at, intervals, branch.pk):
        return False
    message = _("This time is outside %(name)s's working hours (a break, a day off or closed hours).") % {
        "name": specialist.full_name
    }
    if not has_permission(actor, Perm.CALENDAR_BOOK_OUTSIDE_HOURS, branch=branch):
        raise ValidationFailed(message, errors={"starts_at": [message]}, extra={"can_confirm_outside_hours": False})
    if not confirm_outside_hours:
        confirm = _("Confirm to book outside the working hours anyway.")
        raise ValidationFailed(
            message,
            errors={"starts_at": [message], "confirm_outside_hours": [confirm]},
            extra={"can_confirm_outside_hours": True},
        )
    return True


def _lines_for(business, specialist, services: Sequence[Service]) -> list[AppointmentLine]:
    if not services:
        raise field_error("service_ids", _("Choose at least one service."))
    links = {
        link.service_id: link
        for link in SpecialistService.objects.for_business(business)
        .filter(specialist=specialist, service__in=[service.pk for service in services])
        .select_related("service")
    }
    lines = []
    for position, service in enumerate(services):
        if service.business_id != business.pk or not service.is_active:
            raise field_error("service_ids", _("Choose active services of this business."))
        link = links.get(service.pk)
        if link is None:
            raise field_error(
                "service_ids",
                _("%(name)s does not provide %(service)s.") % {"name": specialist.full_name, "service": service.name},
            )
        price = link.effective_price
        lines.append(
            AppointmentLine(
                business=business,
                service=service,
                category_id=service.category_id,
                service_name=service.name,
                position=position,
                duration_minutes=link.effective_duration_minutes,
                price=price,
                discount_amount=Decimal(0),
                total=price,
            )
        )
    return lines


def _apply_discount(appointment: Appointment, lines: list[AppointmentLine], kind: str, value) -> None:
    currency = appointment.business.currency
    if kind not in DiscountKind.values:
        raise field_error("discount_kind", _("Choose a discount kind."))
    try:
        value = Decimal(str(value if value is not None else 0))
    except ArithmeticError as error:
        raise field_error("discount_value", _("Enter a number.")) from error
    if not value.is_finite():
        raise field_error("discount_value", _("Enter a number."))
    try:
        shares = split_discount([line.price for line in lines], kind, value, currency)
    except ValueError as error:
        raise field_error("discount_value", _("The discount must be between zero and the price.")) from error
    for line, share in zip(lines, shares, strict=True):
        line.discount_amount = share
        line.total = line.price - share
    appointment.discount_kind = kind if value else DiscountKind.NONE
    appointment.discount_value = round_money(value, currency) if kind == DiscountKind.AMOUNT else value
    appointment.price = sum((line.price for line in lines), Decimal(0))
    appointment.discount_amount = sum((line.discount_amount for line in lines), Decimal(0))
    appointment.total = appointment.price - appointment.discount_amount


def _visit_planned(business, *, client, specialist, branch, starts_at: dt.datetime, services):
    """The checks every new visit passes, whoever books it; returns its start, end and priced lines."""
    starts_at = _check_aware(starts_at, "starts_at")
    if client is None or client.business_id != business.pk or client.is_deleted:
        raise field_error("client_id", _("Choose a client of this business."))
    _check_specialist(business, specialist, branch)
    lines = _lines_for(business, specialist, services)
    ends_at = starts_at + dt.timedelta(minutes=sum(line.duration_minutes for line in lines))
    if ends_at - starts_at > MAX_APPOINTMENT_LENGTH:
        raise field_error("service_ids", _("An appointment cannot be longer than a day."))
    return starts_at, ends_at, lines


def _visit_insert(
    business, *, lines, discount_kind: str = DiscountKind.NONE, discount_value: Decimal | int = 0, **fields
) -> Appointment:
    """Save a new booked visit and its lines; the database refuses a double booking (a clear 409)."""
    appointment = Appointment(
        business=business, status=AppointmentStatus.BOOKED, status_changed_at=timezone.now(), **fields
    )
    _apply_discount(appointment, lines, discount_kind, discount_value)
    _save_without_clash(appointment, force_insert=True)
    for line in lines:
        line.appointment = appointment
    AppointmentLine.objects.bulk_create(lines)
    return appointment


@transaction.atomic
def appointment_create(
    *,
    actor,
    client,
    specialist,
    branch,
    starts_at: dt.datetime,
    services: Sequence[Service],
    note: str = "",
    discount_kind: str = DiscountKind.NONE,
    discount_value: Decimal | int = 0,
    confirm_outside_hours: bool = False,
) -> Appointment:
    """Book a visit. Outside the specialist's working hours only with the override right and its confirmation."""
    require(actor, Perm.CALENDAR_CREATE_APPOINTMENT, branch=branch)
    business = actor.business
    starts_at, ends_at, lines = _visit_planned(
        business, client=client, specialist=specialist, branch=branch, starts_at=starts_at, services=services
    )
    if (
        discount_kind != DiscountKind.NONE
        and Decimal(str(discount_value or 0))
        and not has_permission(actor, Perm.PAYMENTS_PROCESS, branch=branch)
    ):
        raise PermissionDenied(errors={"discount_value": [_("You cannot give discounts.")]})
    outside_hours = _check_working_hours(
        actor, specialist, branch, starts_at, ends_at, confirm_outside_hours=confirm_outside_hours
    )
    _refuse_clash(business, specialist, starts_at, ends_at)
    appointment = _visit_insert(
        business,
        lines=lines,
        discount_kind=discount_kind,
        discount_value=discount_value,
        branch=branch,
        specialist=specialist,
        client=client,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=actor,
        note=(note or "").strip(),
    )
    security_event_record(
        event_type="appointment.created",
        actor=actor,
        target=appointment,
        branch=branch,
        after={**appointment_snapshot(appointment), **({"outside_hours": True} if outside_hours else {})},
    )
    _announce("created", appointment)
    webhook_event_emit(
        actor.business, "appointment.created", {"id": appointment.pk, **appointment_snapshot(appointment)}
    )
    return appointment


def _locked_appointment(actor, appointment: Appointment, expected_version: int | None = None) -> Appointment:
    locked = (
        Appointment.objects.for_business(actor.business)
        .select_for_update()
        .select_related("business", "specialist", "branch")
        .get(pk=appointment.pk)
    )
    if expected_version is not None and expected_version != locked.version:
        raise Conflict(_("Someone else changed this appointment in the meantime; review and try again."))
    return locked


@transaction.atomic
def appointment_reschedule(
    *,
    actor,
    appointment: Appointment,
    starts_at: dt.datetime,
    specialist=None,
    branch=None,
    ends_at: dt.datetime | None = None,
    expected_version: int | None = None,
    confirm_outside_hours: bool = False,
) -> Appointment:
    """Move an appointment to another time (and optionally specialist or branch), or resize it with `ends_at`.

    Without `ends_at` its length stays (or follows the new specialist's durations). The same checks as booking:
    working hours (override only with the right and its confirmation) and no overlap.
    """
    require(actor, Perm.CALENDAR_EDIT_APPOINTMENT, branch=appointment.branch, obj=appointment)
    appointment = _locked_appointment(actor, appointment, expected_version)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
        raise Conflict(_("Only booked appointments can be moved."))
    before = appointment_snapshot(appointment)
    starts_at = _check_aware(starts_at, "starts_at")
    specialist = specialist or appointment.specialist
    branch = branch or appointment.branch
    require(actor, Perm.CALENDAR_EDIT_APPOINTMENT, branch=branch)
    _check_specialist(actor.business, specialist, branch)
    if specialist.pk != appointment.specialist_id:
        services = [line.service for line in appointment.lines.select_related("service")]
        new_lines = _lines_for(actor.business, specialist, services)
        length = dt.timedelta(minutes=sum(line.duration_minutes for line in new_lines))
    else:
        length = appointment.ends_at - appointment.starts_at
    if ends_at is not None:
        ends_at = _check_aware(ends_at, "ends_at")
        if ends_at <= starts_at:
            raise field_error("ends_at", _("The end must be after the start."))
        if ends_at - starts_at > MAX_APPOINTMENT_LENGTH:
            raise field_error("ends_at", _("An appointment cannot be longer than a day."))
    else:
        ends_at = starts_at + length
        if length > MAX_APPOINTMENT_LENGTH:  # another specialist's own durations may add up to more than a day
            raise field_error("specialist_id", _("An appointment cannot be longer than a day."))
    outside_hours = _check_working_hours(
        actor, specialist, branch, starts_at, ends_at, confirm_outside_hours=confirm_outside_hours
    )
    _refuse_clash(actor.business, specialist, starts_at, ends_at, exclude_pk=appointment.pk)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.specialist, appointment.branch = specialist, branch
    appointment.version += 1
    _save_without_clash(appointment)
    security_event_record(
        event_type="appointment.rescheduled",
        actor=actor,
        target=appointment,
        branch=branch,
        before=before,
        after={**appointment_snapshot(appointment), **({"outside_hours": True} if outside_hours else {})},
    )
    _announce("rescheduled", appointment)
    webhook_event_emit(
        actor.business, "appointment.changed", {"id": appointment.pk, **appointment_snapshot(appointment)}
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, reason: str, expected_version: int | None = None):
    require(actor, Perm.CALENDAR_CANCEL_APPOINTMENT, branch=appointment.branch, obj=appointment)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why the appointment is cancelled."))
    appointment = _locked_appointment(actor, appointment, expected_version)
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED):
        raise Conflict(_("This appointment cannot be cancelled any more."))
    if appointment_paid_amount(appointment) > 0:
        raise Conflict(_("This visit has payments: refund them before cancelling."))
    before = appointment_snapshot(appointment)
    now = timezone.now()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancellation_reason = reason[:300]
    appointment.cancelled_at = now
    appointment.cancelled_by = actor
    appointment.status_changed_at = now
    appointment.version += 1
    appointment.save()
    security_event_record(
        event_type="appointment.cancelled",
        actor=actor,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=appointment_snapshot(appointment),
    )
    _announce("cancelled", appointment)
    webhook_event_emit(
        actor.business, "appointment.cancelled", {"id": appointment.pk, **appointment_snapshot(appointment)}
    )
    return appointment


@transaction.atomic
def appointment_status_set(*, actor, appointment: Appointment, status: str, expected_version: int | None = None):
    """booked → arrived → completed, or no-show; small corrections back are allowed. Cancel has its own service."""
    require(actor, Perm.CALENDAR_EDIT_APPOINTMENT, branch=appointment.branch, obj=appointment)
    appointment = _locked_appointment(actor, appointment, expected_version)
    if status not in AppointmentStatus.values or status == AppointmentStatus.CANCELLED:
        raise field_error("status", _("Choose a status."))
    if status == appointment.status:
        return appointment
    if status not in STATUS_TRANSITIONS[AppointmentStatus(appointment.status)]:
        raise Conflict(
            _("An appointment cannot go from %(old)s to %(new)s.")
            % {"old": appointment.get_status_display(), "new": AppointmentStatus(status).label}
        )
    before = appointment_snapshot(appointment)
    if status in ACTIVE_STATUSES and appointment.status not in ACTIVE_STATUSES:
        _refuse_clash(
            actor.business, appointment.specialist, appointment.starts_at, appointment.ends_at, appointment.pk
        )
    appointment.status = status
    appointment.status_changed_at = timezone.now()
    appointment.version += 1
    _save_without_clash(appointment)
    security_event_record(
        event_type="appointment.status_changed",
        actor=actor,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=appointment_snapshot(appointment),
    )
    webhook_event_emit(
        actor.business, "appointment.changed", {"id": appointment.pk, **appointment_snapshot(appointment)}
    )
    return appointment


@transaction.atomic
def appointment_discount_set(*, actor, appointment: Appointment, kind: str, value) -> Appointment:
    """A discount by amount or percent over the whole visit, shared over its lines; never below what is paid."""
    require(actor, Perm.PAYMENTS_PROCESS, branch=appointment.branch, obj=appointment)
    appointment = _locked_appointment(actor, appointment)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise Conflict(_("This appointment was cancelled."))
    before = appointment_snapshot(appointment)
    lines = list(AppointmentLine.objects.for_business(actor.business).filter(appointment=appointment))
    _apply_discount(appointment, lines, kind, value)
    if appointment.total < appointment_paid_amount(appointment):
        raise ValidationFailed(
            errors={"discount_value": [_("The visit would cost less than is already paid; refund first.")]}
        )
    AppointmentLine.objects.for_business(actor.business).bulk_update(lines, ["discount_amount", "total"])
    appointment.version += 1
    appointment.save()
    security_event_record(
        event_type="appointment.discount_changed",
        actor=actor,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=appointment_snapshot(appointment),
    )
    webhook_event_emit(
        actor.business, "appointment.changed", {"id": appointment.pk, **appointment_snapshot(appointment)}
    )
    return appointment


@transaction.atomic
def appointment_create_for_new_client(*, actor, client_fields: dict, **booking) -> Appointment:
    """Book for a caller who is not a client yet: both rows in one transaction, or neither."""
    from staffroom.clients.services import with_new_client

    return with_new_client(appointment_create, actor=actor, client_fields=client_fields, **booking)


@transaction.atomic
def appointment_services_set(
    *,
    actor,
    appointment: Appointment,
    services: Sequence[Service],
    note: str | None = None,
    expected_version: int | None = None,
    confirm_outside_hours: bool = False,
) -> Appointment:
    """Change the services of a booked visit: new lines at today's prices, the end moves, the discount is reapplied."""
    require(actor, Perm.CALENDAR_EDIT_APPOINTMENT, branch=appointment.branch, obj=appointment)
    appointment = _locked_appointment(actor, appointment, expected_version)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED):
        raise Conflict(_("Only booked appointments can be changed."))
    before = appointment_snapshot(appointment)
    before["services"] = list(appointment.lines.values_list("service_name", flat=True))
    lines = _lines_for(actor.business, appointment.specialist, services)
    ends_at = appointment.starts_at + dt.timedelta(minutes=sum(line.duration_minutes for line in lines))
    if ends_at - appointment.starts_at > MAX_APPOINTMENT_LENGTH:
        raise field_error("service_ids", _("An appointment cannot be longer than a day."))
    if ends_at > appointment.ends_at:
        _check_working_hours(
            actor,
            appointment.specialist,
            appointment.branch,
            appointment.starts_at,
            ends_at,
            confirm_outside_hours=confirm_outside_hours,
        )
        _refuse_clash(actor.business, appointment.specialist, appointment.starts_at, ends_at, appointment.pk)
    _apply_discount(appointment, lines, appointment.discount_kind, appointment.discount_value)
    if appointment.total < appointment_paid_amount(appointment):
        raise ValidationFailed(
            errors={"service_ids": [_("The visit would cost less than is already paid; refund first.")]}
        )
    AppointmentLine.objects.for_business(actor.business).filter(appointment=appointment).delete()
    for line in lines:
        line.appointment = appointment
    AppointmentLine.objects.bulk_create(lines)
    appointment.ends_at = ends_at
    if note is not None:
        appointment.note = note.strip()
    appointment.version += 1
    _save_without_clash(appointment)
    after = appointment_snapshot(appointment)
    after["services"] = [line.service_name for line in lines]
    security_event_record(
        event_type="appointment.updated",
        actor=actor,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=after,
    )
    webhook_event_emit(actor.business, "appointment.changed", {"id": appointment.pk, **after})
    return appointment


# --- online bookings (the client on the public booking page; no employee acts) ---------------------

SOURCE_FIELDS = ("source_site", "source_referrer", "utm_source", "utm_medium", "utm_campaign")


def _clean_source(source: dict | None) -> dict:
    """Only the known attribution fields, trimmed to their column lengths (they come from the public page)."""
    source = source or {}
    limits = {name: Appointment._meta.get_field(name).max_length for name in SOURCE_FIELDS}
    return {name: str(source.get(name) or "").strip()[: limits[name]] for name in SOURCE_FIELDS}


@transaction.atomic
def appointment_create_online(
    *,
    business,
    client,
    specialist,
    branch,
    starts_at: dt.datetime,
    services: Sequence[Service],
    source: dict | None = None,
) -> Appointment:
    """A booking the client made themselves: created by nobody ("online"), inside working hours only, and the
    same database guarantee against double booking as staff bookings. The booking app authorizes the caller."""
    starts_at, ends_at, lines = _visit_planned(
        business, client=client, specialist=specialist, branch=branch, starts_at=starts_at, services=services
    )
    intervals = working_intervals_around(business, specialist, starts_at, ends_at)
    if not fits_within(starts_at, ends_at, intervals, branch.pk):
        raise field_error("starts_at", _("This time is no longer available."))
    _refuse_clash(business, specialist, starts_at, ends_at)
    appointment = _visit_insert(
        business,
        lines=lines,
        branch=branch,
        specialist=specialist,
        client=client,
        starts_at=starts_at,
        ends_at=ends_at,
        created_by=None,
        source=AppointmentSource.ONLINE,
        **_clean_source(source),
    )
    after = appointment_snapshot(appointment)
    after["source"] = appointment.source
    security_event_record(
        event_type="appointment.created", business=business, target=appointment, branch=branch, after=after
    )
    webhook_event_emit(business, "appointment.created", {"id": appointment.pk, **appointment_snapshot(appointment)})
    return appointment


def _locked_for_business(business, appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.for_business(business)
        .select_for_update()
        .select_related("business", "specialist", "branch")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_cancel_by_client(*, business, appointment: Appointment, reason: str) -> Appointment:
    """The client cancels through their own link (the booking app checked the link and the window)."""
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why you cancel."))
    appointment = _locked_for_business(business, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This appointment cannot be cancelled any more."))
    before = appointment_snapshot(appointment)
    now = timezone.now()
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancellation_reason = reason[:300]
    appointment.cancelled_at = now
    appointment.cancelled_by = None
    appointment.status_changed_at = now
    appointment.version += 1
    appointment.save()
    after = appointment_snapshot(appointment)
    after["by_client"] = True
    security_event_record(
        event_type="appointment.cancelled",
        business=business,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=after,
    )
    webhook_event_emit(business, "appointment.cancelled", {"id": appointment.pk, **appointment_snapshot(appointment)})
    return appointment


@transaction.atomic
def appointment_reschedule_by_client(
    *, business, appointment: Appointment, starts_at: dt.datetime, reason: str = ""
) -> Appointment:
    """The client moves their visit to another free time with the same specialist (the length stays)."""
    appointment = _locked_for_business(business, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("Only booked appointments can be moved."))
    before = appointment_snapshot(appointment)
    starts_at = _check_aware(starts_at, "starts_at")
    ends_at = starts_at + (appointment.ends_at - appointment.starts_at)
    intervals = working_intervals_around(business, appointment.specialist, starts_at, ends_at)
    if not fits_within(starts_at, ends_at, intervals, appointment.branch_id):
        raise field_error("starts_at", _("This time is no longer available."))
    _refuse_clash(business, appointment.specialist, starts_at, ends_at, exclude_pk=appointment.pk)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.version += 1
    _save_without_clash(appointment)
    after = appointment_snapshot(appointment)
    after.update({"by_client": True, "reason": (reason or "").strip()[:300]})
    security_event_record(
        event_type="appointment.rescheduled",
        business=business,
        target=appointment,
        branch=appointment.branch,
        before=before,
        after=after,
    )
    webhook_event_emit(business, "appointment.changed", {"id": appointment.pk, **appointment_snapshot(appointment)})
    return appointment
