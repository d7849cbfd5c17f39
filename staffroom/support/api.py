"""REST API of the support desk: a business's tickets (token or session) and the agents' console (session)."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.security import APIKeyCookie

from staffroom.core.api import IsoDate
from staffroom.core.errors import PermissionDenied, field_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import SUPPORT_AGENT, api_permission, support_agent_of
from staffroom.tenancy.models import Business

from . import selectors, services
from .models import (
    AbuseReport,
    CannedReply,
    SlaRule,
    SupportCalendar,
    SupportCalendarDay,
    Ticket,
    TicketAttachment,
    TicketEstimate,
    TicketPriority,
    TicketStrike,
)


class SessionAgentAuth(APIKeyCookie):
    """Agents are platform staff, not employees: they use their web session (CSRF on writes), never a token."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        return support_agent_of(request)


router = Router(tags=["support"])
agent_router = Router(tags=["support console"], auth=[SessionAgentAuth(csrf=True)])


# --- schemas -----------------------------------------------------------------------------------------------------


class SupportTrainingIn(Schema):
    role_to_train: str = ""
    level: str = ""
    workplace: str = ""
    candidate_source: str = ""
    deadline: IsoDate | None = None


class TicketIn(Schema):
    ticket_type: str
    subject: str
    description: str
    priority: str = TicketPriority.NORMAL
    training: SupportTrainingIn | None = None


class ReplyIn(Schema):
    body: str


class AgentReplyIn(Schema):
    body: str
    is_internal: bool = False
    wait_for_customer: bool = False


class AssignIn(Schema):
    assignee_id: int | None = None


class SupportStatusIn(Schema):
    status: str


class EstimateIn(Schema):
    effort_hours: str
    due_date: IsoDate
    price: str
    note: str = ""


class SupportSpecificationIn(Schema):
    specification: str


class SupportProgressIn(Schema):
    body: str


class SupportDeliveryIn(Schema):
    note: str = ""


class SupportAbuseDecisionIn(Schema):
    decision: str
    note: str
    restricted_days: int | None = None


class ReasonIn(Schema):
    reason: str


class SupportPlanOut(Schema):
    plan: str
    plan_label: str
    manager: str | None
    accepts: list[str]


class SlaOut(Schema):
    due_at: dt.datetime | None
    remaining_seconds: int | None
    is_breached: bool
    is_paused: bool
    is_met: bool


class MessageOut(Schema):
    id: int
    kind: str
    author: str
    body: str
    created_at: dt.datetime
    attachments: list[str]


class EstimateOut(Schema):
    id: int
    effort_hours: str
    due_date: IsoDate
    price: str | None
    currency: str
    note: str
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    decline_reason: str


class SupportTrainingOut(Schema):
    role_to_train: str
    level: str
    workplace: str
    candidate_source: str
    deadline: IsoDate


class TicketOut(Schema):
    id: int
    number: int
    ticket_type: str
    subject: str
    description: str
    priority: str
    status: str
    plan: str
    filed_by: str
    created_at: dt.datetime
    sla: SlaOut


class TicketDetailOut(TicketOut):
    attachments: list[str]
    messages: list[MessageOut]
    estimates: list[EstimateOut]
    work_stage: str
    specification: str
    training: SupportTrainingOut | None


class SupportDashboardTicketOut(Schema):
    number: int
    subject: str
    status: str
    work_stage: str
    due_at: dt.datetime | None
    is_breached: bool


class SupportDashboardOut(Schema):
    plan: str
    plan_label: str
    open_count: int
    open_tickets: list[SupportDashboardTicketOut]
    manager_name: str
    manager_email: str
    manager_phone: str


class SupportManagerPriceLineOut(Schema):
    label: str
    quantity: str
    coefficient: str
    points: str


class SupportManagerPriceOut(Schema):
    implementation_type: str
    implementation_hours: str
    custom_enhancements: int
    active_users: int
    lines: list[SupportManagerPriceLineOut]
    complexity: str | None
    rate: str | None
    price: str | None
    currency: str | None


class AgentTicketOut(TicketOut):
    business_id: int
    business: str
    assignee_id: int | None


class AgentTicketDetailOut(AgentTicketOut):
    messages: list[MessageOut]
    estimates: list[EstimateOut]
    strikes: list[dict]
    contact_strikes: int
    work_stage: str
    specification: str
    training: SupportTrainingOut | None


class SupportAbuseReportOut(Schema):
    id: int
    business_id: int
    ticket_id: int
    filed_at: dt.datetime
    snapshot: dict
    decision: str
    decision_note: str
    restricted_days: int | None
    reviewed_at: dt.datetime | None


class SupportWorkReportOut(Schema):
    estimates_given: int
    estimates_accepted: int
    estimates_declined: int
    delivered: int
    delivered_on_time: int


class StrikeOut(Schema):
    id: int
    number: int
    reason: str
    lifted: bool


class ReportRowOut(Schema):
    key: str
    label: str
    met: int
    breached: int
    pending: int
    percent_met: str | None


# --- serialisers -------------------------------------------------------------------------------------------------


def _sla_out(ticket: Ticket, calendar) -> dict:
    state = selectors.sla_state(ticket, calendar=calendar)
    return {
        "due_at": state.due_at,
        "remaining_seconds": int(state.remaining.total_seconds()) if state.remaining is not None else None,
        "is_breached": state.is_breached,
        "is_paused": state.is_paused,
        "is_met": state.is_met,
    }


def _ticket_out(ticket: Ticket, calendar) -> dict:
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "ticket_type": ticket.ticket_type,
        "subject": ticket.subject,
        "description": ticket.description,
        "priority": ticket.priority,
        "status": ticket.status,
        "plan": ticket.plan,
        "filed_by": ticket.filed_by.full_name,
        "created_at": ticket.created_at,
        "sla": _sla_out(ticket, calendar),
    }


def _messages_out(messages) -> list[dict]:
    return [
        {
            "id": message.pk,
            "kind": message.kind,
            "author": message.author_label,
            "body": message.body,
            "created_at": message.created_at,
            "attachments": [attachment.original_name for attachment in message.attachments.all()],
        }
        for message in messages
    ]


def _estimates_out(ticket: Ticket) -> list[dict]:
    return [
        {
            "id": estimate.pk,
            "effort_hours": str(estimate.effort_hours),
            "due_date": estimate.due_date,
            "price": f"{estimate.price:.2f}" if estimate.price is not None else None,
            "currency": estimate.currency,
            "note": estimate.note,
            "accepted_at": estimate.accepted_at,
            "declined_at": estimate.declined_at,
            "decline_reason": estimate.decline_reason,
        }
        for estimate in selectors.ticket_estimates(ticket)
    ]


def _training_out(ticket: Ticket) -> dict | None:
    training = selectors.training_request_for(ticket)
    if training is None:
        return None
    return {
        "role_to_train": training.role_to_train,
        "level": training.level,
        "workplace": training.workplace,
        "candidate_source": training.candidate_source,
        "deadline": training.deadline,
    }


def _work_out(ticket: Ticket) -> dict:
    return {"work_stage": ticket.work_stage, "specification": ticket.specification, "training": _training_out(ticket)}


def _customer_detail(ticket: Ticket) -> dict:
    calendar = selectors.working_calendar_for(ticket.business)
    return {
        **_ticket_out(ticket, calendar),
        "attachments": [
            file.original_name
            for file in TicketAttachment.objects.for_business(ticket.business_id).filter(
                ticket=ticket, message__isnull=True
            )
        ],
        "messages": _messages_out(selectors.ticket_messages_for_customer(ticket)),
        "estimates": _estimates_out(ticket),
        **_work_out(ticket),
    }


def _load(request, number: int) -> Ticket:
    return get_for_business_or_404(Ticket, request.business, number=number)


# --- business routes ---------------------------------------------------------------------------------------------


@router.get("/support/plan", response=SupportPlanOut)
@api_permission(Perm.SUPPORT_VIEW)
def support_plan(request):
    account = selectors.support_account_for(request.business)
    accepts = sorted(services.SlaRule.objects.filter(plan=account.plan).values_list("ticket_type", flat=True))
    return {
        "plan": account.plan,
        "plan_label": str(account.get_plan_display()),
        "manager": str(account.manager) if account.manager_id else None,
        "accepts": accepts,
    }


@router.get("/support/tickets", response=list[TicketOut])
@api_permission(Perm.SUPPORT_VIEW)
def ticket_list(request, status: str | None = None):
    calendar = selectors.working_calendar_for(request.business)
    return [_ticket_out(ticket, calendar) for ticket in selectors.tickets_for_business(request.business, status=status)]


@router.post("/support/tickets", response={201: TicketDetailOut})
@api_permission(Perm.SUPPORT_FILE)
def ticket_create(request, payload: TicketIn):
    ticket = services.ticket_file(
        actor=request.employee,
        ticket_type=payload.ticket_type,
        subject=payload.subject,
        description=payload.description,
        priority=payload.priority,
        training=payload.training.dict() if payload.training is not None else None,
    )
    return Status(201, _customer_detail(ticket))


@router.post("/support/tickets/with-files", response={201: TicketDetailOut})
@api_permission(Perm.SUPPORT_FILE)
def ticket_create_with_files(
    request,
    ticket_type: Form[str],
    subject: Form[str],
    description: Form[str],
    priority: Form[str] = TicketPriority.NORMAL,
    files: File[list[UploadedFile]] = None,
):
    """Filing with attachments, sent as multipart/form-data."""
    ticket = services.ticket_file(
        actor=request.employee,
        ticket_type=ticket_type,
        subject=subject,
        description=description,
        priority=priority,
        attachments=files or [],
    )
    return Status(201, _customer_detail(ticket))


@router.get("/support/tickets/{number}", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_VIEW)
def ticket_detail(request, number: int):
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/replies", response={201: TicketDetailOut})
@api_permission(Perm.SUPPORT_FILE)
def ticket_reply(request, number: int, payload: ReplyIn):
    ticket = _load(request, number)
    services.ticket_reply_by_customer(actor=request.employee, ticket=ticket, body=payload.body)
    return Status(201, _customer_detail(_load(request, number)))


@router.post("/support/tickets/{number}/replies/with-files", response={201: TicketDetailOut})
@api_permission(Perm.SUPPORT_FILE)
def ticket_reply_with_files(request, number: int, body: Form[str], files: File[list[UploadedFile]] = None):
    """A reply with attachments, sent as multipart/form-data (`body` and one or more `files`)."""
    ticket = _load(request, number)
    services.ticket_reply_by_customer(actor=request.employee, ticket=ticket, body=body, attachments=files or [])
    return Status(201, _customer_detail(_load(request, number)))


@router.post("/support/tickets/{number}/reopen", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def ticket_reopen(request, number: int):
    services.ticket_reopen(actor=request.employee, ticket=_load(request, number))
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/close", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def ticket_close(request, number: int):
    services.ticket_close_by_customer(actor=request.employee, ticket=_load(request, number))
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/estimates/{estimate_id}/accept", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def estimate_accept(request, number: int, estimate_id: int):
    ticket = _load(request, number)
    estimate = get_for_business_or_404(TicketEstimate, request.business, pk=estimate_id, ticket=ticket)
    services.estimate_accept(actor=request.employee, estimate=estimate)
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/estimates/{estimate_id}/decline", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def estimate_decline(request, number: int, estimate_id: int, payload: ReasonIn):
    ticket = _load(request, number)
    estimate = get_for_business_or_404(TicketEstimate, request.business, pk=estimate_id, ticket=ticket)
    services.estimate_decline(actor=request.employee, estimate=estimate, reason=payload.reason)
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/delivery/accept", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def delivery_accept(request, number: int):
    services.work_delivery_accept(actor=request.employee, ticket=_load(request, number))
    return _customer_detail(_load(request, number))


@router.post("/support/tickets/{number}/send-back", response=TicketDetailOut)
@api_permission(Perm.SUPPORT_FILE)
def send_back(request, number: int, payload: ReasonIn):
    services.work_send_back(actor=request.employee, ticket=_load(request, number), reason=payload.reason)
    return _customer_detail(_load(request, number))


@router.get("/support/dashboard", response=SupportDashboardOut)
@api_permission(Perm.SUPPORT_VIEW)
def support_dashboard(request):
    """The dashboard card: plan, open tickets with their due times, the individual plan's manager and contacts."""
    card = selectors.support_card(request.business)
    return {
        "plan": card.account.plan,
        "plan_label": str(card.account.get_plan_display()),
        "open_count": card.open_count,
        "open_tickets": [
            {
                "number": row.ticket.number,
                "subject": row.ticket.subject,
                "status": row.ticket.status,
                "work_stage": row.ticket.work_stage,
                "due_at": row.due_at,
                "is_breached": row.is_breached,
            }
            for row in card.open_tickets
        ],
        "manager_name": card.manager_name,
        "manager_email": card.manager_email,
        "manager_phone": card.manager_phone,
    }


def _manager_price_out(business) -> dict:
    inputs, estimate, pricing = selectors.manager_price_estimate_for(business)
    return {
        "implementation_type": inputs["implementation_type"],
        "implementation_hours": str(inputs["implementation_hours"]),
        "custom_enhancements": inputs["custom_enhancements"],
        "active_users": inputs["active_users"],
        "lines": [
            {
                "label": line.label,
                "quantity": str(line.quantity),
                "coefficient": str(line.coefficient),
                "points": str(line.points),
            }
            for line in (estimate.lines if estimate else ())
        ],
        "complexity": str(estimate.complexity) if estimate else None,
        "rate": str(estimate.rate) if estimate else None,
        "price": str(estimate.price) if estimate else None,
        "currency": pricing.currency if pricing else None,
    }


@router.get("/support/manager-price", response=SupportManagerPriceOut)
@api_permission(Perm.SUPPORT_VIEW)
def manager_price(request):
    """What an individual support manager would cost this business, with the breakdown."""
    return _manager_price_out(request.business)


# --- agent routes ------------------------------------------------------------------------------------------------


def _agent_ticket_out(ticket: Ticket, calendar) -> dict:
    return {
        **_ticket_out(ticket, calendar),
        "business_id": ticket.business_id,
        "business": ticket.business.name,
        "assignee_id": ticket.assignee_id,
    }


def _agent_detail(ticket_id: int) -> dict:
    ticket = selectors.ticket_for_agent(ticket_id)
    calendar = selectors.working_calendar_for(ticket.business)
    strikes = TicketStrike.objects.for_business(ticket.business_id).filter(ticket=ticket)
    return {
        **_agent_ticket_out(ticket, calendar),
        "messages": _messages_out(selectors.ticket_messages_for_agent(ticket)),
        "estimates": _estimates_out(ticket),
        "strikes": [
            {"id": s.pk, "number": s.number, "reason": s.reason, "lifted": s.lifted_at is not None} for s in strikes
        ],
        "contact_strikes": selectors.contact_strike_count(ticket),
        **_work_out(ticket),
    }


@agent_router.get("/support-desk/tickets", response=list[AgentTicketOut])
@api_permission(SUPPORT_AGENT)
def agent_ticket_list(request, queue: str = "unassigned"):
    if queue not in selectors.QUEUES:
        raise field_error("queue", "Unknown queue.")
    now = timezone.now()
    calendars: dict[int, object] = {}
    result = []
    for ticket in selectors.agent_queue(request.support_agent, queue, now=now)[:500]:
        if ticket.business_id not in calendars:
            calendars[ticket.business_id] = selectors.working_calendar_for(ticket.business)
        result.append(_agent_ticket_out(ticket, calendars[ticket.business_id]))
    return result


@agent_router.get("/support-desk/tickets/{ticket_id}", response=AgentTicketDetailOut)
@api_permission(SUPPORT_AGENT)
def agent_ticket_detail(request, ticket_id: int):
    return _agent_detail(ticket_id)


@agent_router.post("/support-desk/tickets/{ticket_id}/replies", response={201: AgentTicketDetailOut})
@api_permission(SUPPORT_AGENT)
def agent_reply(request, ticket_id: int, payload: AgentReplyIn):
    services.ticket_reply_by_agent(
        agent=request.support_agent,
        ticket=selectors.ticket_for_agent(ticket_id),
        body=payload.body,
        is_internal=payload.is_internal,
        wait_for_customer=payload.wait_for_customer,
    )
    return Status(201, _agent_detail(ticket_id))


@agent_router.post("/support-desk/tickets/{ticket_id}/assign", response=AgentTicketDetailOut)
@api_permission(SUPPORT_AGENT)
def agent_assign(request, ticket_id: int, payload: AssignIn):
    assignee = None
    if payload.assignee_id is not None:
        assignee = selectors.active_agents().filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise field_error("assignee_id", "Choose an active agent.")
    services.ticket_assign(agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), assignee=assignee)
    return _agent_detail(ticket_id)


@agent_router.post("/support-desk/tickets/{ticket_id}/status", response=AgentTicketDetailOut)
@api_permission(SUPPORT_AGENT)
def agent_status(request, ticket_id: int, payload: SupportStatusIn):
    services.ticket_status_change(
        agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), status=payload.status
    )
    return _agent_detail(ticket_id)


@agent_router.post("/support-desk/tickets/{ticket_id}/estimates", response={201: AgentTicketDetailOut})
@api_permission(SUPPORT_AGENT)
def agent_estimate(request, ticket_id: int, payload: EstimateIn):
    services.estimate_post(
        agent=request.support_agent,
        ticket=selectors.ticket_for_agent(ticket_id),
        effort_hours=payload.effort_hours,
        due_date=payload.due_date,
        price=payload.price,
        note=payload.note,
    )
    return Status(201, _agent_detail(ticket_id))


@agent_router.post("/support-desk/tickets/{ticket_id}/strikes", response={201: StrikeOut})
@api_permission(SUPPORT_AGENT)
def agent_strike(request, ticket_id: int, payload: ReasonIn):
    strike = services.strike_give(
        agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), reason=payload.reason
    )
    return Status(201, {"id": strike.pk, "number": strike.number, "reason": strike.reason, "lifted": False})


@agent_router.post("/support-desk/tickets/{ticket_id}/strikes/{strike_id}/lift", response=StrikeOut)
@api_permission(SUPPORT_AGENT)
def agent_strike_lift(request, ticket_id: int, strike_id: int, payload: ReasonIn):
    ticket = selectors.ticket_for_agent(ticket_id)
    strike = TicketStrike.objects.for_business(ticket.business_id).filter(ticket=ticket, pk=strike_id).first()
    if strike is None:
        raise Http404
    strike = services.strike_lift(agent=request.support_agent, strike=strike, reason=payload.reason)
    return {"id": strike.pk, "number": strike.number, "reason": strike.reason, "lifted": True}


@agent_router.get("/support-desk/report", response=list[ReportRowOut])
@api_permission(SUPPORT_AGENT)
def agent_report(request, start: IsoDate, end: IsoDate, by: str = "ticket_type"):
    if by not in selectors.REPORT_DIMENSIONS:
        raise field_error("by", "Choose ticket_type, plan or assignee.")
    rows = selectors.sla_report(
        start=dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC),
        by=by,
    )
    return [
        {
            "key": row.key,
            "label": row.label,
            "met": row.met,
            "breached": row.breached,
            "pending": row.pending,
            "percent_met": str(row.percent_met) if row.percent_met is not None else None,
        }
        for row in rows
    ]


@agent_router.post("/support-desk/tickets/{ticket_id}/specification", response=AgentTicketDetailOut)
@api_permission(SUPPORT_AGENT)
def agent_specify(request, ticket_id: int, payload: SupportSpecificationIn):
    services.work_specify(
        agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), specification=payload.specification
    )
    return _agent_detail(ticket_id)


@agent_router.post("/support-desk/tickets/{ticket_id}/progress", response={201: AgentTicketDetailOut})
@api_permission(SUPPORT_AGENT)
def agent_progress(request, ticket_id: int, payload: SupportProgressIn):
    services.work_progress_post(
        agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), body=payload.body
    )
    return Status(201, _agent_detail(ticket_id))


@agent_router.post("/support-desk/tickets/{ticket_id}/deliver", response=AgentTicketDetailOut)
@api_permission(SUPPORT_AGENT)
def agent_deliver(request, ticket_id: int, payload: SupportDeliveryIn):
    services.work_deliver(agent=request.support_agent, ticket=selectors.ticket_for_agent(ticket_id), note=payload.note)
    return _agent_detail(ticket_id)


def _require_supervisor(request) -> None:
    if not request.support_agent.is_supervisor:
        raise PermissionDenied(_("Only support supervisors can do this."))


def _abuse_report_out(report: AbuseReport) -> dict:
    return {
        "id": report.pk,
        "business_id": report.business_id,
        "ticket_id": report.ticket_id,
        "filed_at": report.filed_at,
        "snapshot": report.snapshot,
        "decision": report.decision,
        "decision_note": report.decision_note,
        "restricted_days": report.restricted_days,
        "reviewed_at": report.reviewed_at,
    }


@agent_router.get("/support-desk/abuse-reports", response=list[SupportAbuseReportOut])
@api_permission(SUPPORT_AGENT)
def agent_abuse_reports(request):
    """Reports waiting for a supervisor: the ticket, the conversation, the customer's earlier tickets and strikes."""
    _require_supervisor(request)
    return [_abuse_report_out(report) for report in selectors.open_abuse_reports()[:200]]


@agent_router.get("/support-desk/abuse-reports/{report_id}", response=SupportAbuseReportOut)
@api_permission(SUPPORT_AGENT)
def agent_abuse_report(request, report_id: int):
    _require_supervisor(request)
    return _abuse_report_out(selectors.abuse_report_for_agent(report_id))


@agent_router.post("/support-desk/abuse-reports/{report_id}/decision", response=SupportAbuseReportOut)
@api_permission(SUPPORT_AGENT)
def agent_abuse_decide(request, report_id: int, payload: SupportAbuseDecisionIn):
    report = services.abuse_report_decide(
        agent=request.support_agent,
        report=selectors.abuse_report_for_agent(report_id),
        decision=payload.decision,
        note=payload.note,
        restricted_days=payload.restricted_days,
    )
    return _abuse_report_out(report)


@agent_router.get("/support-desk/businesses/{business_id}/manager-price", response=SupportManagerPriceOut)
@api_permission(SUPPORT_AGENT)
def agent_manager_price(request, business_id: int):
    business = Business.objects.filter(pk=business_id).first()
    if business is None:
        raise Http404
    return _manager_price_out(business)


@agent_router.get("/support-desk/work-report", response=SupportWorkReportOut)
@api_permission(SUPPORT_AGENT)
def agent_work_report(request, start: IsoDate, end: IsoDate):
    """Enhancements and training: estimates given, accepted and declined, deliveries and deliveries on time."""
    report = selectors.work_report(
        start=dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC),
    )
    return {
        "estimates_given": report.estimates_given,
        "estimates_accepted": report.estimates_accepted,
        "estimates_declined": report.estimates_declined,
        "delivered": report.delivered,
        "delivered_on_time": report.delivered_on_time,
    }


# --- supervisors: SLA rules, calendars, canned replies -------------------------------------------------------------


class SupportSlaRuleIn(Schema):
    plan: str
    ticket_type: str
    target: str
    working_hours: str | None = None
    same_day_cutoff: dt.time | None = None


class SupportSlaRuleOut(Schema):
    id: int
    plan: str
    ticket_type: str
    target: str
    working_hours: str | None
    same_day_cutoff: dt.time | None


class SupportCalendarIn(Schema):
    name: str
    time_zone: str
    country: str = ""
    subdivision: str = ""
    working_weekdays: list[int] = [0, 1, 2, 3, 4]
    day_starts_at: dt.time = dt.time(9, 0)
    day_ends_at: dt.time = dt.time(18, 0)
    is_default: bool = False


class SupportCalendarDayOut(Schema):
    id: int
    date: IsoDate
    is_working_day: bool
    note: str


class SupportCalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    country: str
    subdivision: str
    working_weekdays: list[int]
    day_starts_at: dt.time
    day_ends_at: dt.time
    is_default: bool
    days: list[SupportCalendarDayOut]


class SupportCalendarDayIn(Schema):
    date: IsoDate
    is_working_day: bool = False
    note: str = ""


class SupportCannedReplyIn(Schema):
    title: str
    body: str
    is_active: bool = True


class SupportCannedReplyOut(Schema):
    id: int
    title: str
    body: str
    is_active: bool


def _decimal_or_none(value: str | None, field: str):
    if value in (None, ""):
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError) as error:
        raise field_error(field, _("Enter a number.")) from error


def _rule_out(rule: SlaRule) -> dict:
    return {
        "id": rule.pk,
        "plan": rule.plan,
        "ticket_type": rule.ticket_type,
        "target": rule.target,
        "working_hours": f"{rule.working_hours:.2f}" if rule.working_hours is not None else None,
        "same_day_cutoff": rule.same_day_cutoff,
    }


def _load_or_404(model, object_id: int):
    found = model.objects.filter(pk=object_id).first()
    if found is None:
        raise Http404
    return found


@agent_router.get("/support-desk/sla-rules", response=list[SupportSlaRuleOut])
@api_permission(SUPPORT_AGENT)
def agent_sla_rules(request):
    return [_rule_out(rule) for rule in SlaRule.objects.order_by("plan", "ticket_type")]


def _rule_fields(payload: SupportSlaRuleIn) -> dict:
    return {
        "plan": payload.plan,
        "ticket_type": payload.ticket_type,
        "target": payload.target,
        "working_hours": _decimal_or_none(payload.working_hours, "working_hours"),
        "same_day_cutoff": payload.same_day_cutoff,
    }


@agent_router.post("/support-desk/sla-rules", response={201: SupportSlaRuleOut})
@api_permission(SUPPORT_AGENT)
def agent_sla_rule_create(request, payload: SupportSlaRuleIn):
    _require_supervisor(request)
    return Status(201, _rule_out(services.sla_rule_save(agent=request.support_agent, **_rule_fields(payload))))


@agent_router.put("/support-desk/sla-rules/{rule_id}", response=SupportSlaRuleOut)
@api_permission(SUPPORT_AGENT)
def agent_sla_rule_update(request, rule_id: int, payload: SupportSlaRuleIn):
    _require_supervisor(request)
    rule = _load_or_404(SlaRule, rule_id)
    return _rule_out(services.sla_rule_save(agent=request.support_agent, rule=rule, **_rule_fields(payload)))


@agent_router.delete("/support-desk/sla-rules/{rule_id}", response={204: None})
@api_permission(SUPPORT_AGENT)
def agent_sla_rule_delete(request, rule_id: int):
    _require_supervisor(request)
    services.sla_rule_delete(agent=request.support_agent, rule=_load_or_404(SlaRule, rule_id))
    return Status(204, None)


def _calendar_out(calendar: SupportCalendar) -> dict:
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "time_zone": calendar.time_zone,
        "country": calendar.country,
        "subdivision": calendar.subdivision,
        "working_weekdays": list(calendar.working_weekdays),
        "day_starts_at": calendar.day_starts_at,
        "day_ends_at": calendar.day_ends_at,
        "is_default": calendar.is_default,
        "days": [
            {"id": day.pk, "date": day.date, "is_working_day": day.is_working_day, "note": day.note}
            for day in calendar.days.order_by("date")
        ],
    }


@agent_router.get("/support-desk/calendars", response=list[SupportCalendarOut])
@api_permission(SUPPORT_AGENT)
def agent_calendars(request):
    return [_calendar_out(calendar) for calendar in SupportCalendar.objects.order_by("name")]


@agent_router.post("/support-desk/calendars", response={201: SupportCalendarOut})
@api_permission(SUPPORT_AGENT)
def agent_calendar_create(request, payload: SupportCalendarIn):
    _require_supervisor(request)
    return Status(201, _calendar_out(services.calendar_save(agent=request.support_agent, **payload.dict())))


@agent_router.put("/support-desk/calendars/{calendar_id}", response=SupportCalendarOut)
@api_permission(SUPPORT_AGENT)
def agent_calendar_update(request, calendar_id: int, payload: SupportCalendarIn):
    _require_supervisor(request)
    calendar = _load_or_404(SupportCalendar, calendar_id)
    return _calendar_out(services.calendar_save(agent=request.support_agent, calendar=calendar, **payload.dict()))


@agent_router.post("/support-desk/calendars/{calendar_id}/days", response={201: SupportCalendarOut})
@api_permission(SUPPORT_AGENT)
def agent_calendar_day_set(request, calendar_id: int, payload: SupportCalendarDayIn):
    _require_supervisor(request)
    calendar = _load_or_404(SupportCalendar, calendar_id)
    services.calendar_day_set(agent=request.support_agent, calendar=calendar, **payload.dict())
    return Status(201, _calendar_out(calendar))


@agent_router.delete("/support-desk/calendars/{calendar_id}/days/{day_id}", response={204: None})
@api_permission(SUPPORT_AGENT)
def agent_calendar_day_remove(request, calendar_id: int, day_id: int):
    _require_supervisor(request)
    day = SupportCalendarDay.objects.filter(calendar_id=calendar_id, pk=day_id).first()
    if day is None:
        raise Http404
    services.calendar_day_remove(agent=request.support_agent, day=day)
    return Status(204, None)


def _reply_out(reply: CannedReply) -> dict:
    return {"id": reply.pk, "title": reply.title, "body": reply.body, "is_active": reply.is_active}


@agent_router.get("/support-desk/canned-replies", response=list[SupportCannedReplyOut])
@api_permission(SUPPORT_AGENT)
def agent_canned_replies(request):
    return [_reply_out(reply) for reply in CannedReply.objects.order_by("title")]


@agent_router.post("/support-desk/canned-replies", response={201: SupportCannedReplyOut})
@api_permission(SUPPORT_AGENT)
def agent_canned_reply_create(request, payload: SupportCannedReplyIn):
    _require_supervisor(request)
    return Status(201, _reply_out(services.canned_reply_save(agent=request.support_agent, **payload.dict())))


@agent_router.put("/support-desk/canned-replies/{reply_id}", response=SupportCannedReplyOut)
@api_permission(SUPPORT_AGENT)
def agent_canned_reply_update(request, reply_id: int, payload: SupportCannedReplyIn):
    _require_supervisor(request)
    reply = _load_or_404(CannedReply, reply_id)
    return _reply_out(services.canned_reply_save(agent=request.support_agent, reply=reply, **payload.dict()))
