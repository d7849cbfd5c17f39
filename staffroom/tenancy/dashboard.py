"""The today dashboard: what is happening in the business today, per what the employee may see."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from staffroom.core.money import round_money
from staffroom.scheduling import selectors as calendar
from staffroom.scheduling.choices import AppointmentStatus
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

CHART_DAYS = 30


def _appointments_today(employee, start, end):
    from staffroom.scheduling.models import Appointment

    queryset = Appointment.objects.for_business(employee.business).filter(starts_at__gte=start, starts_at__lt=end)
    if has_permission(employee, Perm.CALENDAR_VIEW_ALL):
        branch_ids = calendar.calendar_branch_ids(employee)
        return queryset if branch_ids is None else queryset.filter(branch_id__in=branch_ids)
    if has_permission(employee, Perm.CALENDAR_VIEW_OWN):
        return queryset.filter(specialist=employee)
    return queryset.none()


def today_dashboard(employee) -> dict:
    """Figures and lists for the dashboard; money only with `payments.view_finances`, always with the currency."""
    business = employee.business
    zone = business.zone
    now = timezone.now()
    today = now.astimezone(zone).date()
    start, end = calendar.business_day_bounds(business, today)
    monday = today - dt.timedelta(days=today.weekday())
    week_start, _ = calendar.business_day_bounds(business, monday)
    _, week_end = calendar.business_day_bounds(business, monday + dt.timedelta(days=6))
    sees_calendar = has_permission(employee, Perm.CALENDAR_VIEW_ALL) or has_permission(employee, Perm.CALENDAR_VIEW_OWN)
    result: dict = {"today": today, "currency": business.currency, "sees_calendar": sees_calendar}
    if sees_calendar:
        today_qs = _appointments_today(employee, start, end).exclude(status=AppointmentStatus.CANCELLED)
        counts = dict(today_qs.values_list("status").annotate(n=Count("id")))
        result["counts"] = {
            "booked": sum(counts.values()),
            "arrived": counts.get(AppointmentStatus.ARRIVED, 0) + counts.get(AppointmentStatus.COMPLETED, 0),
            "no_show": counts.get(AppointmentStatus.NO_SHOW, 0),
            "week": _appointments_today(employee, week_start, week_end)
            .exclude(status=AppointmentStatus.CANCELLED)
            .count(),
        }
        schedule = list(
            today_qs.select_related("client", "specialist", "branch")
            .annotate(
                paid=Coalesce(Sum("payments__amount"), Decimal(0))
                - Coalesce(Sum("payments__refunded_amount"), Decimal(0))
            )
            .order_by("starts_at", "id")[:100]
        )
        for appointment in schedule:
            appointment.is_late = appointment.status == AppointmentStatus.BOOKED and appointment.starts_at < now
            appointment.is_unpaid = (
                appointment.status in (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)
                and appointment.paid < appointment.total
            )
        result["schedule"] = schedule
        result["late"] = [a for a in schedule if a.is_late]
        result["unpaid"] = [a for a in schedule if a.is_unpaid]
    if sees_calendar and employee.provides_services:
        result["my_day"] = _my_day(employee, today, start, end, now)
    # A specialist who sees only their own calendar has their day above: the schedule would repeat it.
    result["shows_schedule"] = sees_calendar and (
        "my_day" not in result or has_permission(employee, Perm.CALENDAR_VIEW_ALL)
    )
    if has_permission(employee, Perm.ORDERS_CREATE) or has_permission(employee, Perm.ORDERS_CLAIM):
        result["my_orders"] = _my_orders(employee)
    if has_permission(employee, Perm.TASKS_VIEW):
        result["my_overdue_tasks"] = _my_overdue_tasks(employee, now)
    if has_permission(employee, Perm.PAYMENTS_VIEW_FINANCES):
        result.update(_money(employee, start, end, week_start, today))
    return result


OPEN_ORDER_STATUSES = ("new", "in_progress", "paid", "shipped")


def _my_day(employee, today, start, end, now) -> dict:
    """The specialist's own day in this business: their visits in time order (client, services, status, branch),
    their working hours and the breaks between them, and the next client still to come. Only their own visits are
    read, so nothing of a colleague's clients is here whatever the role."""
    from staffroom.scheduling.models import Appointment
    from staffroom.tenancy.models import Branch

    business = employee.business
    visits = list(
        Appointment.objects.for_business(business)
        .filter(specialist=employee, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("client", "branch")
        .prefetch_related("lines")
        .order_by("starts_at", "id")
    )
    for visit in visits:
        visit.service_names = [line.service_name for line in visit.lines.all()]
    intervals = sorted(
        calendar.ScheduleBook(business, [employee.pk], today, today).local_intervals(employee.pk, today),
        key=lambda interval: interval.starts_at,
    )
    names = dict(Branch.objects.for_business(business).values_list("pk", "name"))
    hours = [
        {"starts_at": interval.starts_at, "ends_at": interval.ends_at, "branch": names.get(interval.branch_id, "")}
        for interval in intervals
    ]
    breaks = [
        {"starts_at": before.ends_at, "ends_at": after.starts_at}
        for before, after in itertools.pairwise(intervals)
        if before.ends_at < after.starts_at
    ]
    upcoming = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
    next_visit = next((v for v in visits if v.status in upcoming and v.starts_at >= now), None)
    return {"visits": visits, "hours": hours, "breaks": breaks, "next": next_visit}


def _my_orders(employee) -> dict:
    """The employee's own orders still in hand (not completed, cancelled or returned), oldest first."""
    from staffroom.orders.models import Order

    queryset = Order.objects.for_business(employee.business).filter(
        responsible=employee, status__in=OPEN_ORDER_STATUSES
    )
    total = queryset.aggregate(total=Sum("total"))["total"] or Decimal(0)
    rows = list(queryset.select_related("client").order_by("created_at", "id")[:50])
    return {"rows": rows, "count": queryset.count(), "total": round_money(total, employee.business.currency)}


def _my_overdue_tasks(employee, now) -> list:
    """Open order tasks assigned to the employee whose due time has passed, the most overdue first."""
    from staffroom.orders.models import OrderTask

    return list(
        OrderTask.objects.for_business(employee.business)
        .filter(assignee=employee, is_done=False, due_at__lt=now)
        .select_related("order")
        .order_by("due_at", "id")[:50]
    )


def _money(employee, start, end, week_start, today) -> dict:
    from staffroom.payments.models import Payment, PaymentMethod

    business = employee.business
    payments = Payment.objects.for_business(business)
    branch_ids = calendar.calendar_branch_ids(employee)
    if branch_ids is not None:
        payments = payments.filter(branch_id__in=branch_ids)
    net = Sum(F("amount") - F("refunded_amount"))
    in_cash = Sum(F("amount") - F("refunded_amount"), filter=Q(method=PaymentMethod.CASH))
    by_branch = [
        {"branch": row["branch__name"], "total": row["total"] or Decimal(0), "cash": row["cash"] or Decimal(0)}
        for row in payments.filter(processed_at__gte=start, processed_at__lt=end)
        .values("branch__name")
        .annotate(total=net, cash=in_cash)
        .order_by("branch__name")
    ]
    week_total = payments.filter(processed_at__gte=week_start, processed_at__lt=end).aggregate(total=net)["total"]
    first = today - dt.timedelta(days=CHART_DAYS - 1)
    chart_start, _ = calendar.business_day_bounds(business, first)
    per_day = dict(
        payments.filter(processed_at__gte=chart_start, processed_at__lt=end)
        .annotate(day=TruncDate("processed_at", tzinfo=business.zone))
        .values("day")
        .annotate(total=net)
        .values_list("day", "total")
    )
    days = [first + dt.timedelta(days=offset) for offset in range(CHART_DAYS)]
    highest = max([per_day.get(day) or Decimal(0) for day in days] + [Decimal(0)])
    chart = [
        {
            "date": day,
            "total": per_day.get(day) or Decimal(0),
            "percent": int(((per_day.get(day) or Decimal(0)) * 100 / highest).to_integral_value()) if highest else 0,
        }
        for day in days
    ]
    currency = business.currency
    for row in by_branch:
        row["total"] = round_money(row["total"], currency)
        row["cash"] = round_money(row["cash"], currency)
    for point in chart:
        point["total"] = round_money(point["total"], currency)
    return {
        "revenue_by_branch": by_branch,
        "revenue_today": round_money(sum((row["total"] for row in by_branch), Decimal(0)), currency),
        "revenue_week": round_money(week_total or Decimal(0), currency),
        "chart": chart,
    }
