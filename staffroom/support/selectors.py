"""Reads of the support desk: a business's own tickets, agents' queues, SLA state and the SLA report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from . import calculations
from .models import (
    CUSTOMER_VISIBLE_KINDS,
    OPEN_STATUSES,
    RUNNING_STATUSES,
    AbuseReport,
    CannedReply,
    ManagerPricing,
    SupportAccount,
    SupportAgent,
    SupportCalendar,
    SupportPlan,
    Ticket,
    TicketEstimate,
    TicketMessage,
    TicketStatus,
    TicketType,
)

# --- accounts and calendars ---------------------------------------------------------------------------------------


def support_account_for(business) -> SupportAccount:
    """The business's account, or an unsaved Free one when the operator has set nothing yet."""
    account = SupportAccount.objects.for_business(business).select_related("calendar", "manager__person").first()
    return account or SupportAccount(business=business, plan=SupportPlan.FREE)


def default_calendar() -> SupportCalendar | None:
    return SupportCalendar.objects.filter(is_default=True).first()


def working_calendar_for(business, *, account: SupportAccount | None = None) -> calculations.WorkingCalendar:
    account = account if account is not None else support_account_for(business)
    calendar = account.calendar if account.calendar_id else default_calendar()
    if calendar is None:
        # Nothing configured yet: Monday–Friday 09:00–18:00 in the business's own zone and country.
        return calculations.WorkingCalendar(time_zone=business.time_zone, country=business.country)
    return calendar.as_working_calendar()


# --- SLA state --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaState:
    due_at: dt.datetime | None
    remaining: dt.timedelta | None
    is_breached: bool
    is_paused: bool
    is_met: bool

    @property
    def remaining_label(self) -> str:
        if self.remaining is None:
            return ""
        seconds = int(self.remaining.total_seconds())
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        return f"{sign}{hours}:{rest // 60:02d}"


def sla_state(ticket: Ticket, *, calendar: calculations.WorkingCalendar, now: dt.datetime | None = None) -> SlaState:
    now = now or timezone.now()
    remaining = None
    if ticket.sla_due_at is not None and ticket.sla_met_at is None and ticket.status in OPEN_STATUSES:
        remaining = calculations.sla_remaining(calendar, ticket.sla_due_at, now, ticket.sla_paused_at)
    breached = ticket.is_breached or (remaining is not None and remaining < dt.timedelta(0))
    return SlaState(
        due_at=ticket.sla_due_at,
        remaining=remaining,
        is_breached=breached,
        is_paused=ticket.sla_paused_at is not None,
        is_met=ticket.sla_met_at is not None and not ticket.is_breached,
    )


# --- the business side ------------------------------------------------------------------------------------------


def tickets_for_business(business, *, status: str | None = None):
    tickets = Ticket.objects.for_business(business).select_related("filed_by")
    if status == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    elif status in TicketStatus.values:
        tickets = tickets.filter(status=status)
    return tickets


def ticket_messages_for_customer(ticket: Ticket):
    """The conversation as the business sees it: never the internal notes."""
    return (
        TicketMessage.objects.for_business(ticket.business_id)
        .filter(ticket=ticket, kind__in=CUSTOMER_VISIBLE_KINDS)
        .select_related("author_agent__person", "author_employee")
        .prefetch_related("attachments")
    )


def ticket_estimates(ticket: Ticket):
    return TicketEstimate.objects.for_business(ticket.business_id).filter(ticket=ticket).select_related("posted_by")


def latest_estimate(ticket: Ticket) -> TicketEstimate | None:
    return ticket_estimates(ticket).first()


# --- the agent side (platform code: every business) ---------------------------------------------------------------

QUEUES = ("unassigned", "mine", "breaching_soon", "breached", "all_open")


def active_agent_for(person) -> SupportAgent | None:
    if person is None or not person.is_authenticated or not person.is_active or not person.is_staff:
        return None
    return SupportAgent.objects.filter(person=person, is_active=True).select_related("person").first()


def active_agents():
    return SupportAgent.objects.filter(is_active=True, person__is_active=True).select_related("person")


def agent_queue(agent: SupportAgent, queue: str, *, now: dt.datetime | None = None):
    now = now or timezone.now()
    tickets = (
        Ticket.objects.unscoped()
        .filter(status__in=OPEN_STATUSES)
        .select_related("business", "assignee__person", "filed_by")
        .order_by("sla_due_at", "created_at")
    )
    if queue == "unassigned":
        return tickets.filter(assignee__isnull=True)
    if queue == "mine":
        return tickets.filter(assignee=agent)
    if queue == "breaching_soon":
        # Real hours, not working hours: a set-based filter cannot run each business's calendar.
        soon = now + dt.timedelta(hours=settings.SUPPORT_BREACHING_SOON_HOURS)
        return tickets.filter(
            status__in=RUNNING_STATUSES,
            is_breached=False,
            sla_met_at__isnull=True,
            sla_paused_at__isnull=True,
            sla_due_at__gte=now,
            sla_due_at__lte=soon,
        )
    if queue == "breached":
        return tickets.filter(Q(is_breached=True) | Q(sla_due_at__lt=now, sla_met_at__isnull=True, sla_paused_at=None))
    return tickets


def queue_counts(agent: SupportAgent, *, now: dt.datetime | None = None) -> dict[str, int]:
    return {queue: agent_queue(agent, queue, now=now).count() for queue in QUEUES}


def ticket_for_agent(ticket_id) -> Ticket:
    ticket = (
        Ticket.objects.unscoped()
        .select_related("business", "assignee__person", "filed_by")
        .filter(pk=ticket_id)
        .first()
        if str(ticket_id).isdigit()
        else None
    )
    if ticket is None:
        raise Http404
    return ticket


def ticket_messages_for_agent(ticket: Ticket):
    return (
        TicketMessage.objects.for_business(ticket.business_id)
        .filter(ticket=ticket)
        .select_related("author_agent__person", "author_employee")
        .prefetch_related("attachments")
    )


def canned_replies():
    return CannedReply.objects.filter(is_active=True)


def open_abuse_reports():
    return AbuseReport.objects.unscoped().filter(reviewed_at__isnull=True).select_related("ticket", "business")


def abuse_report_for_agent(report_id) -> AbuseReport:
    report = (
        AbuseReport.objects.unscoped().select_related("ticket", "business").filter(pk=report_id).first()
        if str(report_id).isdigit()
        else None
    )
    if report is None:
        raise Http404
    return report


# --- SLA report ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlaReportRow:
    key: str
    label: str
    met: int
    breached: int
    pending: int

    @property
    def decided(self) -> int:
        return self.met + self.breached

    @property
    def percent_met(self) -> Decimal | None:
        if not self.decided:
            return None
        return (Decimal(self.met) * 100 / Decimal(self.decided)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


REPORT_DIMENSIONS = {
    "ticket_type": dict(TicketType.choices),
    "plan": dict(SupportPlan.choices),
    "assignee": None,
}


def sla_report(*, start: dt.datetime, end: dt.datetime, by: str) -> list[SlaReportRow]:
    """% of SLA targets met among tickets filed in [start, end), grouped by type, plan or agent.

    Met: target reached on time. Breached: flagged by the sweep or reached late. Pending: still running."""
    if by not in REPORT_DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    field = "assignee__person__email" if by == "assignee" else by
    decided = Q(sla_met_at__isnull=False) | Q(is_breached=True)
    rows = (
        Ticket.objects.unscoped()
        .filter(created_at__gte=start, created_at__lt=end, sla_due_at__isnull=False)
        .values(field)
        .annotate(
            met=Count("id", filter=Q(sla_met_at__isnull=False, is_breached=False)),
            breached=Count("id", filter=Q(is_breached=True)),
            pending=Count("id", filter=~decided),
        )
        .order_by(field)
    )
    labels = REPORT_DIMENSIONS[by] or {}
    return [
        SlaReportRow(
            key=str(row[field] or ""),
            label=str(labels.get(row[field], row[field] or "—")),
            met=row["met"],
            breached=row["breached"],
            pending=row["pending"],
        )
        for row in rows
    ]


# --- individual support manager estimate -----------------------------------------------------------------------


def manager_pricing() -> ManagerPricing | None:
    return ManagerPricing.objects.order_by("pk").first()


def manager_price_inputs(business) -> dict:
    from staffroom.staff.models import Employee, EmployeeStatus

    account = support_account_for(business)
    return {
        "implementation_type": account.implementation_type,
        "implementation_hours": account.implementation_hours,
        "custom_enhancements": Ticket.objects.for_business(business)
        .filter(ticket_type=TicketType.ENHANCEMENT, estimates__accepted_at__isnull=False)
        .distinct()
        .count(),
        "active_users": Employee.objects.for_business(business).filter(status=EmployeeStatus.ACTIVE).count(),
    }


def manager_price_estimate_for(
    business,
) -> tuple[dict, calculations.ManagerPriceEstimate | None, ManagerPricing | None]:
    inputs = manager_price_inputs(business)
    pricing = manager_pricing()
    if pricing is None:
        return inputs, None, None
    estimate = calculations.manager_price_estimate(
        implementation_type_weight=pricing.weight_for(inputs["implementation_type"]),
        implementation_hours=inputs["implementation_hours"],
        hour_coefficient=pricing.hour_coefficient,
        custom_enhancements=inputs["custom_enhancements"],
        enhancement_coefficient=pricing.enhancement_coefficient,
        active_users=inputs["active_users"],
        user_coefficient=pricing.user_coefficient,
        rate=pricing.rate,
    )
    return inputs, estimate, pricing
