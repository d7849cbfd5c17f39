"""Reads of the support desk: a business's own tickets, agents' queues, SLA state and the SLA report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Q
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
    TicketStrike,
    TicketType,
    TrainingRequest,
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


def strike_window_start(now: dt.datetime | None = None) -> dt.datetime:
    """Strikes older than the operator's window (SUPPORT_STRIKE_WINDOW_DAYS) no longer count."""
    return (now or timezone.now()) - dt.timedelta(days=settings.SUPPORT_STRIKE_WINDOW_DAYS)


def contact_strike_count(ticket: Ticket, *, now: dt.datetime | None = None) -> int:
    """Active strikes of the ticket's contact across all their tickets, inside the window."""
    return (
        TicketStrike.objects.for_business(ticket.business_id)
        .filter(ticket__filed_by_id=ticket.filed_by_id, lifted_at__isnull=True, given_at__gte=strike_window_start(now))
        .count()
    )


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
        return breaching_soon(tickets, now=now)
    if queue == "breached":
        return tickets.filter(Q(is_breached=True) | Q(sla_due_at__lt=now, sla_met_at__isnull=True, sla_paused_at=None))
    return tickets


def breaching_soon(tickets, *, now: dt.datetime) -> list[Ticket]:
    """Running tickets with at most SUPPORT_BREACHING_SOON_HOURS of *working* time left, like the clock they warn
    about: a ticket due Monday 10:00 is breaching soon on Friday at 17:00.

    The database narrows the search to deadlines within SUPPORT_BREACHING_SOON_SEARCH_DAYS real days (working
    time never runs faster than real time); each business's calendar decides the rest."""
    limit = dt.timedelta(hours=settings.SUPPORT_BREACHING_SOON_HOURS)
    horizon = now + dt.timedelta(days=settings.SUPPORT_BREACHING_SOON_SEARCH_DAYS)
    candidates = tickets.filter(
        status__in=RUNNING_STATUSES,
        is_breached=False,
        sla_met_at__isnull=True,
        sla_paused_at__isnull=True,
        sla_due_at__gte=now,
        sla_due_at__lte=horizon,
    )
    calendars: dict[int, calculations.WorkingCalendar] = {}
    found = []
    for ticket in candidates:
        if ticket.sla_due_at - now <= limit:
            found.append(ticket)
            continue
        if ticket.business_id not in calendars:
            calendars[ticket.business_id] = working_calendar_for(ticket.business)
        if calculations.working_time_between(calendars[ticket.business_id], now, ticket.sla_due_at) <= limit:
            found.append(ticket)
    return found


def queue_counts(agent: SupportAgent, *, now: dt.datetime | None = None) -> dict[str, int]:
    counts = {}
    for queue in QUEUES:
        found = agent_queue(agent, queue, now=now)
        counts[queue] = len(found) if isinstance(found, list) else found.count()
    return counts


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


def training_request_for(ticket: Ticket) -> TrainingRequest | None:
    return TrainingRequest.objects.for_business(ticket.business_id).filter(ticket=ticket).first()


def contact_tickets(ticket: Ticket):
    """The other tickets of the same contact, for the agent's view of their history."""
    return (
        Ticket.objects.for_business(ticket.business_id)
        .filter(filed_by_id=ticket.filed_by_id)
        .exclude(pk=ticket.pk)
        .order_by("-created_at", "-id")
    )


def canned_replies():
    return CannedReply.objects.filter(is_active=True)


def open_abuse_reports():
    return AbuseReport.objects.unscoped().filter(reviewed_at__isnull=True).select_related("ticket", "business")


def abuse_reports_of_ticket(ticket: Ticket):
    return (
        AbuseReport.objects.for_business(ticket.business_id)
        .filter(ticket=ticket)
        .select_related("reviewed_by__person", "filed_by__person")
    )


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


@dataclass(frozen=True)
class WorkReport:
    estimates_given: int
    estimates_accepted: int
    estimates_declined: int
    delivered: int
    delivered_on_time: int


def work_report(*, start: dt.datetime, end: dt.datetime) -> WorkReport:
    """Enhancements and training in [start, end): estimates given, accepted and declined, work delivered and
    delivered on time (before the accepted due date ran out)."""
    estimates = TicketEstimate.objects.unscoped()
    delivered = Ticket.objects.unscoped().filter(delivered_at__gte=start, delivered_at__lt=end)
    return WorkReport(
        estimates_given=estimates.filter(posted_at__gte=start, posted_at__lt=end).count(),
        estimates_accepted=estimates.filter(accepted_at__gte=start, accepted_at__lt=end).count(),
        estimates_declined=estimates.filter(declined_at__gte=start, declined_at__lt=end).count(),
        delivered=delivered.count(),
        delivered_on_time=delivered.filter(is_breached=False).count(),
    )


# --- the business's dashboard card ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardTicket:
    ticket: Ticket
    due_at: dt.datetime | None
    is_breached: bool


@dataclass(frozen=True)
class SupportCard:
    account: SupportAccount
    open_tickets: list[DashboardTicket]
    open_count: int
    manager_name: str
    manager_email: str
    manager_phone: str


DASHBOARD_TICKETS = 5


def support_card(business, *, now: dt.datetime | None = None) -> SupportCard:
    """The business's support plan, its open tickets with their due times (soonest first), and on the
    individual plan its support manager's name and contacts."""
    now = now or timezone.now()
    account = support_account_for(business)
    open_tickets = Ticket.objects.for_business(business).filter(status__in=OPEN_STATUSES)
    shown = list(open_tickets.order_by(F("sla_due_at").asc(nulls_last=True), "-created_at")[:DASHBOARD_TICKETS])
    manager = account.manager if account.plan == SupportPlan.INDIVIDUAL and account.manager_id else None
    return SupportCard(
        account=account,
        open_tickets=[
            DashboardTicket(
                ticket=ticket,
                due_at=ticket.sla_due_at,
                is_breached=ticket.is_breached
                or (
                    ticket.sla_due_at is not None
                    and ticket.sla_met_at is None
                    and ticket.sla_paused_at is None
                    and ticket.sla_due_at < now
                ),
            )
            for ticket in shown
        ],
        open_count=open_tickets.count(),
        manager_name=str(manager) if manager else "",
        manager_email=manager.person.email if manager else "",
        manager_phone=manager.phone if manager else "",
    )


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
