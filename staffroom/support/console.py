"""The support console for platform agents and supervisors: queues, tickets, notes, strikes, report, pricing."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.staff.permissions import SUPPORT_AGENT, permission_required
from staffroom.tenancy.models import Business

from . import selectors, services
from .forms import (
    AbuseDecisionForm,
    AgentReplyForm,
    DeliverForm,
    EstimateForm,
    ProgressForm,
    ReasonForm,
    ReportForm,
    SpecificationForm,
    StatusForm,
)
from .models import TicketAttachment, TicketStrike, TicketType, WorkStage
from .views import _file_response

QUEUE_LABELS = {
    "unassigned": gettext_lazy("Unassigned"),
    "mine": gettext_lazy("Mine"),
    "breaching_soon": gettext_lazy("Breaching soon"),
    "breached": gettext_lazy("Breached"),
    "all_open": gettext_lazy("All open"),
}


def _agent(request):
    return request.support_agent


@permission_required(SUPPORT_AGENT)
def queue(request):
    agent = _agent(request)
    name = request.GET.get("queue") or "unassigned"
    if name not in selectors.QUEUES:
        raise Http404
    now = timezone.now()
    tickets = list(selectors.agent_queue(agent, name, now=now)[:200])
    calendars: dict[int, object] = {}
    rows = []
    for ticket in tickets:
        if ticket.business_id not in calendars:
            calendars[ticket.business_id] = selectors.working_calendar_for(ticket.business)
        rows.append((ticket, selectors.sla_state(ticket, calendar=calendars[ticket.business_id], now=now)))
    counts = selectors.queue_counts(agent, now=now)
    queues = [(key, str(QUEUE_LABELS[key]), counts[key]) for key in selectors.QUEUES]
    return render(
        request,
        "support/console/queue.html",
        {"agent": agent, "queue": name, "queues": queues, "rows": rows},
    )


def _detail(
    request,
    ticket,
    *,
    reply_form=None,
    estimate_form=None,
    strike_form=None,
    specification_form=None,
    progress_form=None,
    deliver_form=None,
    status=200,
):
    agent = _agent(request)
    calendar = selectors.working_calendar_for(ticket.business)
    context = {
        "agent": agent,
        "ticket": ticket,
        "sla": selectors.sla_state(ticket, calendar=calendar),
        "conversation": selectors.ticket_messages_for_agent(ticket),
        "ticket_attachments": TicketAttachment.objects.for_business(ticket.business_id).filter(
            ticket=ticket, message__isnull=True
        ),
        "estimates": selectors.ticket_estimates(ticket),
        "strikes": TicketStrike.objects.for_business(ticket.business_id)
        .filter(ticket=ticket)
        .select_related("given_by__person", "lifted_by__person"),
        "account": selectors.support_account_for(ticket.business),
        "canned_replies": selectors.canned_replies(),
        "agents": selectors.active_agents() if agent.is_supervisor else [],
        "reply_form": reply_form or AgentReplyForm(),
        "status_form": StatusForm(initial={"status": ticket.status}),
        "estimate_form": estimate_form or EstimateForm(),
        "strike_form": strike_form or ReasonForm(),
        "is_enhancement": ticket.ticket_type == TicketType.ENHANCEMENT,
        "training": selectors.training_request_for(ticket),
        "contact_strikes": selectors.contact_strike_count(ticket),
        "contact_tickets": selectors.contact_tickets(ticket)[:20],
        "abuse_reports": selectors.abuse_reports_of_ticket(ticket),
        "can_specify": ticket.ticket_type == TicketType.ENHANCEMENT
        and ticket.is_open
        and ticket.work_stage in (WorkStage.REQUESTED, WorkStage.SPECIFIED, WorkStage.DECLINED),
        "can_estimate": ticket.is_work
        and ticket.is_open
        and (
            ticket.work_stage in (WorkStage.SPECIFIED, WorkStage.ESTIMATED, WorkStage.DECLINED)
            or (ticket.ticket_type == TicketType.TRAINING and ticket.work_stage == WorkStage.REQUESTED)
        )
        and (ticket.ticket_type != TicketType.TRAINING or agent.is_supervisor),
        "specification_form": specification_form or SpecificationForm(initial={"specification": ticket.specification}),
        "progress_form": progress_form or ProgressForm(),
        "deliver_form": deliver_form or DeliverForm(),
    }
    return render(request, "support/console/ticket.html", context, status=status)


@permission_required(SUPPORT_AGENT)
def ticket(request, ticket_id):
    return _detail(request, selectors.ticket_for_agent(ticket_id))


def _back(ticket):
    return redirect("support_console:ticket", ticket_id=ticket.pk)


def _form_action(request, ticket_id, form_class, form_key: str, act, success=None):
    """One step of an agent on a ticket: the form, the service (`act(agent, ticket, cleaned_data)`), then back to
    the ticket, or the ticket page again with the form's errors (422) and nothing changed."""
    ticket = selectors.ticket_for_agent(ticket_id)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = act(_agent(request), ticket, form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if success is not None:
                messages.success(request, success(result))
            return _back(ticket)
    return _detail(request, ticket, status=422, **{form_key: form})


@permission_required(SUPPORT_AGENT)
@require_POST
def reply(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        AgentReplyForm,
        "reply_form",
        lambda agent, ticket, data: services.ticket_reply_by_agent(
            agent=agent,
            ticket=ticket,
            body=data["body"],
            is_internal=data["is_internal"],
            wait_for_customer=data["wait_for_customer"],
            attachments=data["attachments"],
        ),
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def assign(request, ticket_id):
    ticket = selectors.ticket_for_agent(ticket_id)
    agent = _agent(request)
    target = request.POST.get("assignee", "me")
    if target == "me":
        assignee = agent
    elif target == "":
        assignee = None
    else:
        assignee = selectors.active_agents().filter(pk=target).first() if target.isdigit() else None
        if assignee is None:
            messages.error(request, _("Choose an active agent."))
            return _back(ticket)
    try:
        services.ticket_assign(agent=agent, ticket=ticket, assignee=assignee)
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(ticket)


@permission_required(SUPPORT_AGENT)
@require_POST
def change_status(request, ticket_id):
    ticket = selectors.ticket_for_agent(ticket_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return _back(ticket)
    try:
        services.ticket_status_change(agent=_agent(request), ticket=ticket, status=form.cleaned_data["status"])
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(ticket)


@permission_required(SUPPORT_AGENT)
@require_POST
def estimate(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        EstimateForm,
        "estimate_form",
        lambda agent, ticket, data: services.estimate_post(agent=agent, ticket=ticket, **data),
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def specify(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        SpecificationForm,
        "specification_form",
        lambda agent, ticket, data: services.work_specify(
            agent=agent, ticket=ticket, specification=data["specification"]
        ),
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def progress(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        ProgressForm,
        "progress_form",
        lambda agent, ticket, data: services.work_progress_post(agent=agent, ticket=ticket, body=data["body"]),
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def deliver(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        DeliverForm,
        "deliver_form",
        lambda agent, ticket, data: services.work_deliver(agent=agent, ticket=ticket, note=data["note"]),
        success=lambda _result: _("Delivered for the customer's acceptance."),
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def strike(request, ticket_id):
    return _form_action(
        request,
        ticket_id,
        ReasonForm,
        "strike_form",
        lambda agent, ticket, data: services.strike_give(agent=agent, ticket=ticket, reason=data["reason"]),
        success=lambda given: _("Strike %(number)d given.") % {"number": given.number},
    )


@permission_required(SUPPORT_AGENT)
@require_POST
def strike_lift(request, ticket_id, strike_id):
    ticket = selectors.ticket_for_agent(ticket_id)
    found = TicketStrike.objects.for_business(ticket.business_id).filter(ticket=ticket, pk=strike_id).first()
    if found is None:
        raise Http404
    try:
        services.strike_lift(agent=_agent(request), strike=found, reason=request.POST.get("reason", ""))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Strike lifted."))
    return _back(ticket)


@permission_required(SUPPORT_AGENT)
def attachment(request, ticket_id, attachment_id):
    ticket = selectors.ticket_for_agent(ticket_id)
    found = TicketAttachment.objects.for_business(ticket.business_id).filter(ticket=ticket, pk=attachment_id).first()
    if found is None:
        raise Http404
    return _file_response(found)


@permission_required(SUPPORT_AGENT)
def report(request):
    today = timezone.localdate()
    form = ReportForm(request.GET or None, initial={"start": today - dt.timedelta(days=30), "end": today})
    start, end, by = today - dt.timedelta(days=30), today, "ticket_type"
    if request.GET and form.is_valid():
        start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"]
    zone = timezone.get_current_timezone()
    rows = selectors.sla_report(
        start=dt.datetime.combine(start, dt.time(0), tzinfo=zone),
        end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
        by=by,
    )
    return render(request, "support/console/report.html", {"form": form, "rows": rows, "agent": _agent(request)})


def _abuse_reports_page(request, *, forms=None, status=200):
    agent = _agent(request)
    if not agent.is_supervisor:
        return render(request, "403.html", status=403)
    forms = forms or {}
    reports = [(report, forms.get(report.pk) or AbuseDecisionForm()) for report in selectors.open_abuse_reports()]
    return render(request, "support/console/abuse_reports.html", {"agent": agent, "reports": reports}, status=status)


@permission_required(SUPPORT_AGENT)
def abuse_reports(request):
    return _abuse_reports_page(request)


@permission_required(SUPPORT_AGENT)
@require_POST
def abuse_report_review(request, report_id):
    found = selectors.abuse_report_for_agent(report_id)
    try:
        services.abuse_report_review(agent=_agent(request), report=found)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("support_console:abuse_reports")


@permission_required(SUPPORT_AGENT)
@require_POST
def abuse_report_decide(request, report_id):
    found = selectors.abuse_report_for_agent(report_id)
    form = AbuseDecisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.abuse_report_decide(
                agent=_agent(request),
                report=found,
                decision=data["decision"],
                note=data["note"],
                restricted_days=data["restricted_days"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Decision saved; the agent sees it on the ticket."))
            return redirect("support_console:abuse_reports")
    return _abuse_reports_page(request, forms={found.pk: form}, status=422)


@permission_required(SUPPORT_AGENT)
@require_http_methods(["GET"])
def manager_price(request, business_id):
    business = Business.objects.filter(pk=business_id).first() if str(business_id).isdigit() else None
    if business is None:
        raise Http404
    inputs, estimate_result, pricing = selectors.manager_price_estimate_for(business)
    return render(
        request,
        "support/console/manager_price.html",
        {
            "agent": _agent(request),
            "business": business,
            "inputs": inputs,
            "estimate": estimate_result,
            "pricing": pricing,
            "account": selectors.support_account_for(business),
        },
    )
