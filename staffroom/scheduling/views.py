"""Calendar pages: the day per branch (columns = specialists), the week per specialist, booking, the visit card."""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.clients.forms import NEW_CLIENT_ERROR_FIELDS
from staffroom.clients.models import Client
from staffroom.clients.services import client_contacts_for
from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import EMPLOYEE, forbidden_response, has_permission, permission_required
from staffroom.tenancy.models import Branch

from . import selectors, services
from .calculations import local_to_utc, specialist_colour
from .choices import AppointmentStatus
from .forms import BookingForm, CancelForm, RescheduleForm, combine_local, offers_outside_hours
from .grid import column_body
from .hooks import allowances_of_appointment, appointment_allowance_amount, appointment_paid_amount
from .models import Appointment

MOVABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
SLOT_MINUTES = 30
# Zoom: minutes per row -> pixels per minute (a row stays tall enough to click or drop onto on a phone).
ZOOMS = {15: 2.4, 30: 1.2, 60: 0.8}
PIXELS_PER_MINUTE = ZOOMS[SLOT_MINUTES]


def _parse_date(request, business) -> dt.date:
    try:
        date = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        date = None
    if date is None or not selectors.EARLIEST_DATE <= date <= selectors.LATEST_DATE:
        date = timezone.now().astimezone(business.zone).date()
    return date


def _parse_zoom(request) -> int:
    value = request.GET.get("zoom", "")
    return int(value) if value.isdigit() and int(value) in ZOOMS else SLOT_MINUTES


def _require_calendar(request):
    if not (
        has_permission(request.employee, Perm.CALENDAR_VIEW_ALL)
        or has_permission(request.employee, Perm.CALENDAR_VIEW_OWN)
    ):
        return forbidden_response(request, Perm.CALENDAR_VIEW_OWN)
    return None


def _day_window(business, book, specialist_ids, dates):
    """The hours to draw: from the earliest start to the latest end of work (at least 09:00–18:00)."""
    first, last = 9 * 60, 18 * 60
    for specialist_id in specialist_ids:
        for date in dates:
            for interval in book.local_intervals(specialist_id, date):
                first = min(first, interval.starts_at.hour * 60 + interval.starts_at.minute)
                last = max(last, interval.ends_at.hour * 60 + interval.ends_at.minute)
    return (first // 60) * 60, min(24 * 60, -(-last // 60) * 60)


def _column(
    business,
    book,
    specialist,
    date,
    appointments,
    window,
    actor,
    branch=None,
    *,
    busy_elsewhere=(),
    slot_minutes=SLOT_MINUTES,
    can_book=None,
    can_move=None,
):
    """One column of the grid: working blocks, appointment blocks, busy-elsewhere blocks and free slots, in pixels."""
    first, last = window
    zone = business.zone
    ppm = ZOOMS[slot_minutes]
    day_start = dt.datetime.combine(date, dt.time(0), tzinfo=zone)

    def offset(moment):
        local = moment.astimezone(zone)
        minutes = (
            (local - day_start).total_seconds() / 60
            if local.date() == date
            else (last if local.date() > date else first)
        )
        return max(0, min(minutes, last) - first) * ppm

    working = []
    for interval in book.local_intervals(specialist.pk, date):
        if branch is not None and interval.branch_id not in (None, branch.pk):
            continue
        start = interval.starts_at.hour * 60 + interval.starts_at.minute
        end = interval.ends_at.hour * 60 + interval.ends_at.minute
        working.append({"top": (start - first) * ppm, "height": (end - start) * ppm})
    if can_book is None:
        can_book = has_permission(actor, Perm.CALENDAR_CREATE_APPOINTMENT, branch=branch)
    if can_move is None:
        can_move = has_permission(actor, Perm.CALENDAR_EDIT_APPOINTMENT, branch=branch)
    blocks = []
    for appointment in appointments:
        top = offset(appointment.starts_at)
        blocks.append(
            {
                "appointment": appointment,
                "top": top,
                "height": max(offset(appointment.ends_at) - top, 18),
                "client_name": appointment.client.full_name,
                "services": ", ".join(line.service_name for line in appointment.lines.all()),
                "draggable": can_move and appointment.status in MOVABLE_STATUSES,
            }
        )
    busy = []
    for row in busy_elsewhere:
        top = offset(row["starts_at"])
        busy.append({**row, "top": top, "height": max(offset(row["ends_at"]) - top, 18)})
    slots = []
    if can_book or can_move:
        for minute in range(first, last, slot_minutes):
            slots.append(
                {
                    "top": (minute - first) * ppm,
                    "height": slot_minutes * ppm,
                    "label": f"{minute // 60:02d}:{minute % 60:02d}",
                    "starts_at": local_to_utc(date, dt.time(minute // 60, minute % 60), zone).isoformat(),
                    "ends_at": _local_minute_to_utc(date, minute + slot_minutes, zone).isoformat(),
                }
            )
    column = {
        "specialist": specialist,
        "colour": specialist_colour(specialist),
        "date": date,
        "working": working,
        "blocks": blocks,
        "busy": busy,
        "slots": slots,
        "can_book": can_book,
    }
    column["body"] = column_body(column, zone=zone, branch=branch)
    return column


def _local_minute_to_utc(date, minute, zone):
    """Minute of a local day (24*60 is the next midnight) to UTC."""
    return local_to_utc(date + dt.timedelta(days=minute // (24 * 60)), dt.time(*divmod(minute % (24 * 60), 60)), zone)


def _now_line(business, date, window, slot_minutes):
    """Pixels from the grid's top to the current time, when the date shown is today and now is inside the grid."""
    now = timezone.now().astimezone(business.zone)
    if now.date() != date:
        return None
    minute = now.hour * 60 + now.minute
    first, last = window
    if not first <= minute < last:
        return None
    return (minute - first) * ZOOMS[slot_minutes]


def _branch_for(request, branches):
    """The branch asked for, else one the employee works in, else the first: pages open on the employee's branch."""
    branch_id = request.GET.get("branch")
    branch = next((b for b in branches if str(b.pk) == branch_id), None)
    if branch is None:
        own = set(request.employee.branches.values_list("pk", flat=True))
        branch = next((b for b in branches if b.pk in own), branches[0])
    return branch


@permission_required(EMPLOYEE)
def day_view(request):
    refused = _require_calendar(request)
    if refused:
        return refused
    business = request.business
    date = _parse_date(request, business)
    zoom = _parse_zoom(request)
    branches = list(Branch.objects.for_business(business).filter(is_active=True))
    if not branches:
        raise Http404
    branch = _branch_for(request, branches)
    day = selectors.branch_day(request.employee, branch, date, include_idle=request.GET.get("all") == "1")
    ids = [s.pk for s in day.specialists]
    window = _day_window(business, day.book, ids, [date])
    can_book = has_permission(request.employee, Perm.CALENDAR_CREATE_APPOINTMENT, branch=branch)
    can_move = has_permission(request.employee, Perm.CALENDAR_EDIT_APPOINTMENT, branch=branch)
    columns = [
        _column(
            business,
            day.book,
            specialist,
            date,
            day.appointments_of(specialist.pk),
            window,
            request.employee,
            branch,
            busy_elsewhere=day.busy_of(specialist.pk),
            slot_minutes=zoom,
            can_book=can_book,
            can_move=can_move,
        )
        for specialist in day.specialists
    ]
    context = {
        "date": date,
        "previous_date": date - dt.timedelta(days=1),
        "next_date": date + dt.timedelta(days=1),
        "branch": branch,
        "branches": branches,
        "columns": columns,
        "hours": _hour_marks(window, zoom),
        "grid_height": (window[1] - window[0]) * ZOOMS[zoom],
        "zoom": zoom,
        "zooms": list(ZOOMS),
        "now_top": _now_line(business, date, window, zoom),
        "window_first": window[0],
        "pixels_per_minute": ZOOMS[zoom],
        "show_all": request.GET.get("all") == "1",
        "statuses": AppointmentStatus,
    }
    return render(request, "scheduling/day.html", context)


def _hour_marks(window, slot_minutes=SLOT_MINUTES):
    first, last = window
    return [
        {"label": f"{minute // 60:02d}:00", "top": (minute - first) * ZOOMS[slot_minutes]}
        for minute in range(first, last, 60)
    ]


@permission_required(EMPLOYEE)
def week_view(request, specialist_id):
    refused = _require_calendar(request)
    if refused:
        return refused
    business = request.business
    specialist = get_for_business_or_404(selectors.specialists_for_business(business), business, pk=specialist_id)
    if not selectors.can_see_calendar_of(request.employee, specialist):
        raise Http404
    date = _parse_date(request, business)
    monday = date - dt.timedelta(days=date.weekday())
    dates = [monday + dt.timedelta(days=offset) for offset in range(7)]
    book = selectors.ScheduleBook(business, [specialist.pk], dates[0], dates[-1])
    window = _day_window(business, book, [specialist.pk], dates)
    start, _ = selectors.business_day_bounds(business, dates[0])
    _, end = selectors.business_day_bounds(business, dates[-1])
    appointments = list(
        selectors.appointments_in_range(business, start, end, specialist_ids=[specialist.pk]).exclude(
            status=AppointmentStatus.CANCELLED
        )
    )
    zone = business.zone
    columns = [
        _column(
            business,
            book,
            specialist,
            day,
            [a for a in appointments if a.starts_at.astimezone(zone).date() == day],
            window,
            request.employee,
        )
        for day in dates
    ]
    context = {
        "specialist": specialist,
        "dates": dates,
        "previous_date": monday - dt.timedelta(days=7),
        "next_date": monday + dt.timedelta(days=7),
        "columns": columns,
        "hours": _hour_marks(window),
        "grid_height": (window[1] - window[0]) * PIXELS_PER_MINUTE,
        "specialists": selectors.visible_specialists(request.employee),
    }
    return render(request, "scheduling/week.html", context)


def _active_branches(business):
    branches = list(Branch.objects.for_business(business).filter(is_active=True))
    if not branches:
        raise Http404
    return branches


@permission_required(EMPLOYEE)
def branch_week_view(request):
    """A week of a branch for several specialists: a row per specialist, a column per day."""
    refused = _require_calendar(request)
    if refused:
        return refused
    business = request.business
    branches = _active_branches(business)
    branch = _branch_for(request, branches)
    date = _parse_date(request, business)
    monday = date - dt.timedelta(days=date.weekday())
    dates = [monday + dt.timedelta(days=offset) for offset in range(7)]
    specialists = list(
        selectors.visible_specialists(request.employee, branch=branch).order_by("calendar_position", "full_name", "id")
    )
    ids = [s.pk for s in specialists]
    book = selectors.ScheduleBook(business, ids, dates[0], dates[-1])
    start, _ = selectors.business_day_bounds(business, dates[0])
    _, end = selectors.business_day_bounds(business, dates[-1])
    appointments = list(
        selectors.appointments_in_range(business, start, end, branch=branch, specialist_ids=ids).exclude(
            status=AppointmentStatus.CANCELLED
        )
    )
    zone = business.zone
    by_cell = {}
    for appointment in appointments:
        key = (appointment.specialist_id, appointment.starts_at.astimezone(zone).date())
        by_cell.setdefault(key, []).append(appointment)
    rows = []
    for specialist in specialists:
        cells = []
        for day in dates:
            intervals = [i for i in book.local_intervals(specialist.pk, day) if i.branch_id in (None, branch.pk)]
            cells.append(
                {
                    "date": day,
                    "intervals": intervals,
                    "appointments": by_cell.get((specialist.pk, day), []),
                }
            )
        rows.append({"specialist": specialist, "colour": specialist_colour(specialist), "cells": cells})
    context = {
        "branch": branch,
        "branches": branches,
        "dates": dates,
        "rows": rows,
        "date": date,
        "previous_date": monday - dt.timedelta(days=7),
        "next_date": monday + dt.timedelta(days=7),
    }
    return render(request, "scheduling/branch_week.html", context)


@permission_required(EMPLOYEE)
def month_view(request):
    """A month of a branch at a glance: visits and load (booked share of working time) per day."""
    refused = _require_calendar(request)
    if refused:
        return refused
    business = request.business
    branches = _active_branches(business)
    branch = _branch_for(request, branches)
    date = _parse_date(request, business)
    first = date.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    days = selectors.branch_load_by_day(request.employee, branch, first, last)
    weeks, week = [], [None] * first.weekday()
    for day in days:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    context = {
        "branch": branch,
        "branches": branches,
        "month": first,
        "weeks": weeks,
        "weekday_names": [WEEKDAYS_ABBR[n] for n in range(7)],
        "previous_date": (first - dt.timedelta(days=1)).replace(day=1),
        "next_date": last + dt.timedelta(days=1),
        "today": timezone.now().astimezone(business.zone).date(),
    }
    return render(request, "scheduling/month.html", context)


@permission_required(Perm.CALENDAR_CREATE_APPOINTMENT)
@require_http_methods(["GET", "POST"])
def appointment_book(request):
    business = request.business
    initial = {}
    for name in ("specialist", "branch", "date", "time", "client_id"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = BookingForm(request.POST or None, business=business, initial=initial)
    chosen_client = None
    client_id = (request.POST or request.GET).get("client_id")
    if client_id and str(client_id).isdigit():
        chosen_client = Client.objects.for_business(business).filter(pk=client_id, is_deleted=False).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        booking = {
            "specialist": data["specialist"],
            "branch": data["branch"],
            "starts_at": combine_local(business, data["date"], data["time"]),
            "services": list(data["services"]),
            "note": data["note"],
            "confirm_outside_hours": data["confirm_outside_hours"],
        }
        new_client = form.new_client()
        try:
            if new_client is None:
                if chosen_client is None:
                    message = _("Choose a client of this business.")
                    raise ApplicationError(message, errors={"client_id": [message]})
                appointment = services.appointment_create(actor=request.employee, client=chosen_client, **booking)
            else:
                appointment = services.appointment_create_for_new_client(
                    actor=request.employee, client_fields=new_client, **booking
                )
        except ApplicationError as error:
            add_service_error(
                form,
                error,
                {
                    "starts_at": "time",
                    "specialist_id": "specialist",
                    "branch_id": "branch",
                    "service_ids": "services",
                    **NEW_CLIENT_ERROR_FIELDS,
                },
            )
            form.offer_outside_hours = error.extra.get("can_confirm_outside_hours", False)
            conflict = error.extra.get("conflicting_appointment")
            if conflict:
                form.conflict_id = conflict["id"]
        else:
            messages.success(request, _("Appointment booked."))
            return redirect("scheduling:appointment", appointment.pk)
    return render(
        request,
        "scheduling/book.html",
        {
            "form": form,
            "chosen_client": chosen_client,
            "conflict_id": getattr(form, "conflict_id", None),
            "offer_outside_hours": getattr(form, "offer_outside_hours", False) or offers_outside_hours(form),
        },
    )


def _load_appointment(request, appointment_id) -> Appointment:
    appointment = get_for_business_or_404(
        Appointment.objects.select_related("client", "specialist", "branch", "created_by", "cancelled_by"),
        request.business,
        pk=appointment_id,
    )
    if not selectors.can_see_calendar_of(request.employee, appointment.specialist, branch=appointment.branch):
        raise Http404
    return appointment


def _appointment_context(request, appointment):
    employee = request.employee
    sees_money = has_permission(employee, Perm.PAYMENTS_VIEW_FINANCES) or has_permission(
        employee, Perm.PAYMENTS_PROCESS
    )
    context = {
        "appointment": appointment,
        "lines": appointment.lines.all(),
        "contacts": client_contacts_for(employee, appointment.client),
        "sees_money": sees_money,
        "reschedule_form": RescheduleForm(
            business=request.business,
            initial={
                "date": appointment.starts_at.astimezone(request.business.zone).date(),
                "time": appointment.starts_at.astimezone(request.business.zone).time(),
                "specialist": appointment.specialist,
                "branch": appointment.branch,
                "version": appointment.version,
            },
        ),
        "cancel_form": CancelForm(initial={"version": appointment.version}),
        "next_statuses": _next_statuses(appointment),
        "offered_services": _offered_services(request.business, appointment),
    }
    if sees_money:
        paid = appointment_paid_amount(appointment)
        context.update(
            paid=paid,
            balance=appointment.total - appointment_allowance_amount(appointment) - paid,
            payments=appointment.payments.select_related("processed_by").prefetch_related("refunds"),
            allowances=allowances_of_appointment(appointment),
            sold_statuses=("arrived", "completed"),
        )
    return context


def _offered_services(business, appointment):
    """The services this specialist provides, with the ones in the visit marked."""
    from staffroom.catalog.models import SpecialistService

    chosen = {line.service_id for line in appointment.lines.all()}
    links = (
        SpecialistService.objects.for_business(business)
        .filter(specialist=appointment.specialist, service__is_active=True)
        .select_related("service")
        .order_by("service__name")
    )
    return [{"service": link.service, "checked": link.service_id in chosen} for link in links]


def _next_statuses(appointment):
    from .choices import STATUS_TRANSITIONS

    allowed = STATUS_TRANSITIONS.get(AppointmentStatus(appointment.status), set())
    order = [
        AppointmentStatus.ARRIVED,
        AppointmentStatus.COMPLETED,
        AppointmentStatus.NO_SHOW,
        AppointmentStatus.BOOKED,
    ]
    return [status for status in order if status in allowed]


@permission_required(EMPLOYEE)
def appointment_detail(request, appointment_id):
    refused = _require_calendar(request)
    if refused:
        return refused
    appointment = _load_appointment(request, appointment_id)
    return render(request, "scheduling/appointment.html", _appointment_context(request, appointment))


@permission_required(Perm.CALENDAR_EDIT_APPOINTMENT)
@require_POST
def appointment_status(request, appointment_id):
    appointment = _load_appointment(request, appointment_id)
    try:
        services.appointment_status_set(
            actor=request.employee, appointment=appointment, status=request.POST.get("status", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Status changed."))
    return redirect("scheduling:appointment", appointment.pk)


@permission_required(Perm.CALENDAR_EDIT_APPOINTMENT)
@require_POST
def appointment_reschedule(request, appointment_id):
    appointment = _load_appointment(request, appointment_id)
    form = RescheduleForm(request.POST, business=request.business)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_reschedule(
                actor=request.employee,
                appointment=appointment,
                starts_at=combine_local(request.business, data["date"], data["time"]),
                specialist=data["specialist"],
                branch=data["branch"],
                expected_version=data["version"],
                confirm_outside_hours=data["confirm_outside_hours"],
            )
        except ApplicationError as error:
            add_service_error(form, error, {"starts_at": "time", "specialist_id": "specialist", "branch_id": "branch"})
            form.offer_outside_hours = error.extra.get("can_confirm_outside_hours", False)
        else:
            messages.success(request, _("Appointment moved."))
            return redirect("scheduling:appointment", appointment.pk)
    context = _appointment_context(request, appointment)
    context["reschedule_form"] = form
    if getattr(form, "offer_outside_hours", False) or offers_outside_hours(form):
        form.offer_confirmation()
    return render(request, "scheduling/appointment.html", context, status=422)


@permission_required(Perm.CALENDAR_EDIT_APPOINTMENT)
@require_POST
def appointment_services(request, appointment_id):
    from staffroom.catalog.models import Service

    appointment = _load_appointment(request, appointment_id)
    wanted = [int(pk) for pk in request.POST.getlist("services") if pk.isdigit()]
    found = {s.pk: s for s in Service.objects.for_business(request.business).filter(pk__in=wanted)}
    try:
        services.appointment_services_set(
            actor=request.employee,
            appointment=appointment,
            services=[found[pk] for pk in wanted if pk in found],
            expected_version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
        )
    except ApplicationError as error:
        messages.error(request, " ".join([error.message, *(m for ms in error.errors.values() for m in ms)]))
    else:
        messages.success(request, _("Services changed."))
    return redirect("scheduling:appointment", appointment.pk)


@permission_required(Perm.CALENDAR_CANCEL_APPOINTMENT)
@require_POST
def appointment_cancel(request, appointment_id):
    appointment = _load_appointment(request, appointment_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(
                actor=request.employee,
                appointment=appointment,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Appointment cancelled."))
            return redirect(reverse("scheduling:day") + f"?branch={appointment.branch_id}")
    context = _appointment_context(request, appointment)
    context["cancel_form"] = form
    return render(request, "scheduling/appointment.html", context, status=422)


@permission_required(Perm.CALENDAR_CREATE_APPOINTMENT)
def free_slots_page(request):
    """Free-slot search for a service across specialists and branches (the booking helper)."""
    from staffroom.catalog.models import Service, SpecialistService

    business = request.business
    services_list = Service.objects.for_business(business).filter(is_active=True)
    service = None
    slots = []
    date = _parse_date(request, business)
    if request.GET.get("service", "").isdigit():
        service = services_list.filter(pk=request.GET["service"]).first()
    if service is not None:
        links = SpecialistService.objects.for_business(business).filter(service=service).select_related("service")
        duration_for = {link.specialist_id: link.effective_duration_minutes for link in links}
        specialists = {s.pk: s for s in selectors.specialists_for_business(business).filter(pk__in=list(duration_for))}
        branches = {b.pk: b for b in Branch.objects.for_business(business)}
        slots = selectors.free_slot_search(
            business,
            specialists=list(specialists.values()),
            first_date=date,
            days=7,
            duration_for=duration_for,
            step_minutes=30,
            not_before=timezone.now(),
            limit=60,
        )
        for slot in slots:
            slot["specialist"] = specialists[slot["specialist_id"]]
            slot["branch"] = branches.get(slot["branch_id"])
            slot["local"] = slot["starts_at"].astimezone(business.zone)
    return render(
        request,
        "scheduling/free_slots.html",
        {"services": services_list, "service": service, "slots": slots, "date": date},
    )


@permission_required(Perm.CALENDAR_MANAGE_SCHEDULES)
@require_http_methods(["GET", "POST"])
def schedule_edit(request, specialist_id):
    """A specialist's weekly working hours and the exceptions (days off, changed hours) ahead."""
    from .forms import ScheduleExceptionForm, WeeklyScheduleForm
    from .models import ScheduleException, WorkingHours

    business = request.business
    specialist = get_for_business_or_404(selectors.specialists_for_business(business), business, pk=specialist_id)
    initial = {}
    counts = {}
    for row in (
        WorkingHours.objects.for_business(business).filter(specialist=specialist).order_by("weekday", "starts_at")
    ):
        number = counts[row.weekday] = counts.get(row.weekday, 0) + 1
        if number <= 2:
            initial[f"branch_{row.weekday}"] = row.branch_id
            initial[f"from{number}_{row.weekday}"] = row.starts_at
            initial[f"to{number}_{row.weekday}"] = row.ends_at
    action = request.POST.get("action")
    weekly = WeeklyScheduleForm(request.POST if action == "weekly" else None, business=business, initial=initial)
    exception_form = ScheduleExceptionForm(request.POST if action == "exception" else None, business=business)
    if action == "weekly" and weekly.is_valid():
        intervals = weekly.intervals()
        if weekly.is_valid():
            try:
                services.working_hours_set(actor=request.employee, specialist=specialist, intervals=intervals)
            except ApplicationError as error:
                add_service_error(weekly, error)
            else:
                messages.success(request, _("Working hours saved."))
                return redirect("scheduling:schedule", specialist.pk)
    if action == "exception" and exception_form.is_valid():
        data = exception_form.cleaned_data
        intervals = [] if data["day_off"] else [(data["branch"], data["starts_at"], data["ends_at"])]
        try:
            if not data["day_off"] and (data["branch"] is None or data["starts_at"] is None):
                raise ApplicationError(_("Give the branch and the changed hours, or mark a day off."))
            services.schedule_exception_set(
                actor=request.employee,
                specialist=specialist,
                date=data["date"],
                day_off=data["day_off"],
                intervals=intervals,
            )
        except ApplicationError as error:
            add_service_error(exception_form, error, {"intervals": "starts_at", "ends_at": "ends_at"})
        else:
            messages.success(request, _("Exception saved."))
            return redirect("scheduling:schedule", specialist.pk)
    if action == "clear":
        try:
            date = dt.date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            date = None
        if date is not None:
            services.schedule_exception_clear(actor=request.employee, specialist=specialist, date=date)
            messages.success(request, _("Exception removed."))
        return redirect("scheduling:schedule", specialist.pk)
    today = timezone.now().astimezone(business.zone).date()
    exceptions = (
        ScheduleException.objects.for_business(business)
        .filter(specialist=specialist, date__gte=today)
        .select_related("branch")
        .order_by("date", "starts_at")[:60]
    )
    return render(
        request,
        "scheduling/schedule.html",
        {"specialist": specialist, "weekly": weekly, "exception_form": exception_form, "exceptions": exceptions},
    )


@permission_required(Perm.CALENDAR_MANAGE_SCHEDULES)
@require_http_methods(["GET", "POST"])
def opening_hours_edit(request, branch_id):
    from .forms import OpeningHoursForm
    from .models import BranchOpeningHours

    business = request.business
    branch = get_for_business_or_404(Branch, business, pk=branch_id)
    initial = {}
    for row in BranchOpeningHours.objects.for_business(business).filter(branch=branch):
        initial[f"opens_{row.weekday}"] = row.opens_at
        initial[f"closes_{row.weekday}"] = row.closes_at
    form = OpeningHoursForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        hours = form.hours()
        if form.is_valid():
            try:
                services.branch_opening_hours_set(actor=request.employee, branch=branch, hours=hours)
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect(reverse("scheduling:day") + f"?branch={branch.pk}")
    return render(request, "scheduling/opening_hours.html", {"branch": branch, "form": form})
