"""Every change on the support desk: filing, conversation, SLA clock, estimates, strikes, the breach sweep."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed, field_error
from staffroom.runtime.tasks import email_after_commit
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from . import calculations
from .attachments import validate_uploads
from .models import (
    OPEN_STATUSES,
    RUNNING_STATUSES,
    WORK_TYPES,
    AbuseDecision,
    AbuseReport,
    AgentRole,
    CandidateSource,
    CannedReply,
    MessageKind,
    SlaRule,
    SlaTarget,
    SupportAccount,
    SupportAgent,
    SupportCalendar,
    SupportCalendarDay,
    SupportPlan,
    Ticket,
    TicketAttachment,
    TicketEstimate,
    TicketMessage,
    TicketPriority,
    TicketStatus,
    TicketStrike,
    TicketType,
    TrainingLevel,
    TrainingRequest,
    WorkStage,
)
from .selectors import strike_window_start, working_calendar_for

STRIKES_TO_CLOSE = 3


# --- helpers ----------------------------------------------------------------------------------------------------


def _require_agent(agent: SupportAgent | None) -> SupportAgent:
    if agent is None or not agent.is_active or not agent.person.is_active or not agent.person.is_staff:
        raise PermissionDenied(_("Only support agents can do this."))
    return agent


def _require_supervisor(agent: SupportAgent | None) -> SupportAgent:
    _require_agent(agent)
    if agent.role != AgentRole.SUPERVISOR:
        raise PermissionDenied(_("Only support supervisors can do this."))
    return agent


def _clean_text(value: str, field: str, message: str, max_length: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        raise field_error(field, message)
    if max_length is not None and len(value) > max_length:
        raise field_error(field, _("At most %(count)d characters.") % {"count": max_length})
    return value


def _agent_event(event_type: str, *, agent: SupportAgent, ticket: Ticket, after: dict | None = None) -> None:
    security_event_record(
        event_type=event_type,
        business=ticket.business,
        person=agent.person,
        target=ticket,
        after={"agent": str(agent), **(after or {})},
    )


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.for_business(ticket.business_id).select_for_update().select_related("business").get(pk=ticket.pk)
    )


def _recipient_of(ticket: Ticket) -> str:
    filer = ticket.filed_by
    return filer.email or (filer.person.email if filer.person_id else "")


def _supervisor_emails() -> list[str]:
    return list(
        SupportAgent.objects.filter(role=AgentRole.SUPERVISOR, is_active=True, person__is_active=True).values_list(
            "person__email", flat=True
        )
    )


def _mail_on_commit(subject: str, body: str, recipients: Sequence[str]) -> None:
    # Through the outbox: written with the change, sent after commit, retried.
    email_after_commit(subject=subject, body=body, recipients=recipients)


def _save_attachments(ticket: Ticket, message: TicketMessage | None, uploads: Iterable) -> list[TicketAttachment]:
    saved = []
    for upload, content_type in uploads:
        saved.append(
            TicketAttachment.objects.create(
                business=ticket.business,
                ticket=ticket,
                message=message,
                file=upload,
                original_name=upload.name[:200],
                content_type=content_type,
                size=upload.size,
            )
        )
    return saved


def _post(ticket: Ticket, kind: str, body: str, *, employee=None, agent=None) -> TicketMessage:
    return TicketMessage.objects.create(
        business=ticket.business, ticket=ticket, kind=kind, body=body, author_employee=employee, author_agent=agent
    )


# --- SLA clock --------------------------------------------------------------------------------------------------


def _pause_clock(ticket: Ticket, now: dt.datetime) -> None:
    if ticket.sla_paused_at is None and ticket.sla_met_at is None:
        ticket.sla_paused_at = now


def _resume_clock(ticket: Ticket, now: dt.datetime) -> None:
    """Move the deadline by exactly the working time the clock stood still."""
    if ticket.sla_paused_at is None:
        return
    if ticket.sla_due_at is not None:
        calendar = working_calendar_for(ticket.business)
        ticket.sla_due_at = calculations.sla_due_after_pause(calendar, ticket.sla_due_at, ticket.sla_paused_at, now)
    ticket.sla_paused_at = None


def _meet_target(ticket: Ticket, now: dt.datetime) -> None:
    if ticket.sla_met_at is not None:
        return
    ticket.sla_met_at = now
    if ticket.sla_due_at is not None and now > ticket.sla_due_at and not ticket.is_breached:
        ticket.is_breached = True
        ticket.breached_at = now


def sla_rule_for(plan: str, ticket_type: str) -> SlaRule | None:
    return SlaRule.objects.filter(plan=plan, ticket_type=ticket_type).first()


# --- operator: plans ---------------------------------------------------------------------------------------------


@transaction.atomic
def support_account_set(
    *,
    operator,
    business,
    plan: str,
    calendar: SupportCalendar | None = None,
    manager: SupportAgent | None = None,
    implementation_type: str | None = None,
    implementation_hours: Decimal | None = None,
) -> SupportAccount:
    """The operator sets a business's support plan (and its calendar and dedicated manager)."""
    if operator is None or not operator.is_staff:
        raise PermissionDenied(_("Only the platform operator sets support plans."))
    if plan not in SupportPlan.values:
        raise field_error("plan", _("Choose a support plan."))
    if plan == SupportPlan.INDIVIDUAL and manager is None:
        raise field_error("manager", _("The individual plan needs a dedicated support manager."))
    if manager is not None:
        _require_agent(manager)
    account, _created = (
        SupportAccount.objects.for_business(business).select_for_update().get_or_create(business=business)
    )
    before = {"plan": account.plan, "manager": str(account.manager or "")}
    account.plan = plan
    account.calendar = calendar if calendar is not None else account.calendar
    account.manager = manager if plan == SupportPlan.INDIVIDUAL else None
    if implementation_type is not None:
        account.implementation_type = implementation_type
    if implementation_hours is not None:
        if implementation_hours < 0:
            raise field_error("implementation_hours", _("Hours cannot be negative."))
        account.implementation_hours = implementation_hours
    account.full_clean(exclude=["business"])
    account.save()
    if account.manager_id:
        # The dedicated manager gets every open ticket of the business, not only the ones filed from now on.
        Ticket.objects.for_business(business).filter(status__in=OPEN_STATUSES).update(assignee=account.manager)
    security_event_record(
        event_type="support_plan.changed",
        business=business,
        person=operator,
        target=account,
        before=before,
        after={"plan": account.plan, "manager": str(account.manager or "")},
    )
    return account


# --- business side -----------------------------------------------------------------------------------------------


def _refusal_for(plan: str, ticket_type: str) -> ValidationFailed:
    if plan == SupportPlan.FREE:
        message = _(
            "The Free support plan accepts bug reports only. %(type)s requests come with the Paid plan: "
            "ask us to switch your business to it."
        ) % {"type": TicketType(ticket_type).label}
        return ValidationFailed(message, errors={"ticket_type": [message]}, extra={"offer_plan": SupportPlan.PAID})
    message = _("Your support plan does not accept this type of request.")
    return ValidationFailed(message, errors={"ticket_type": [message]})


def _clean_training(data: dict, business, errors: dict[str, list[str]]) -> dict:
    """The training requirements, checked field by field into `errors`."""
    cleaned = {}
    for field, message, limit in (
        ("role_to_train", _("Say which role to train."), 120),
        ("workplace", _("Say where the employee will work."), 200),
    ):
        value = str(data.get(field) or "").strip()
        if not value:
            errors[field] = [message]
        elif len(value) > limit:
            errors[field] = [_("At most %(count)d characters.") % {"count": limit}]
        cleaned[field] = value
    if data.get("level") not in TrainingLevel.values:
        errors["level"] = [_("Choose the level to reach.")]
    cleaned["level"] = data.get("level")
    if data.get("candidate_source") not in CandidateSource.values:
        errors["candidate_source"] = [_("Say where the candidate comes from.")]
    cleaned["candidate_source"] = data.get("candidate_source")
    deadline = data.get("deadline")
    today = timezone.now().astimezone(business.zone).date()
    if not isinstance(deadline, dt.date):
        errors["deadline"] = [_("Give the date the training must be done by.")]
    elif deadline <= today:
        errors["deadline"] = [_("The deadline must be in the future.")]
    cleaned["deadline"] = deadline
    return cleaned


@transaction.atomic
def ticket_file(
    *,
    actor,
    ticket_type: str,
    subject: str,
    description: str,
    priority: str = TicketPriority.NORMAL,
    attachments: Sequence = (),
    training: dict | None = None,
) -> Ticket:
    """File a ticket. A training request brings its requirements in `training`: role_to_train, level,
    workplace, candidate_source, deadline."""
    require(actor, Perm.SUPPORT_FILE)
    business = actor.business
    errors: dict[str, list[str]] = {}
    if ticket_type not in TicketType.values:
        errors["ticket_type"] = [_("Choose the type of request.")]
    training_fields = _clean_training(training or {}, business, errors) if ticket_type == TicketType.TRAINING else None
    if priority not in TicketPriority.values:
        errors["priority"] = [_("Choose a priority.")]
    subject = (subject or "").strip()
    description = (description or "").strip()
    if not subject:
        errors["subject"] = [_("Give the request a subject.")]
    elif len(subject) > 200:
        errors["subject"] = [_("At most %(count)d characters.") % {"count": 200}]
    if not description:
        errors["description"] = [_("Describe what happened or what you need.")]
    if errors:
        raise ValidationFailed(errors=errors)
    uploads = validate_uploads(attachments)

    # The account row serialises filing per business, so ticket numbers never collide.
    account, _created = (
        SupportAccount.objects.for_business(business).select_for_update().get_or_create(business=business)
    )
    rule = sla_rule_for(account.plan, ticket_type)
    if rule is None:
        raise _refusal_for(account.plan, ticket_type)
    now = timezone.now()
    if account.bugs_only_until is not None and now < account.bugs_only_until and ticket_type != TicketType.BUG:
        until = timezone.localtime(account.bugs_only_until, business.zone)
        message = _("After an abuse review support accepts only bug reports from your business until %(when)s.") % {
            "when": until.strftime("%Y-%m-%d %H:%M")
        }
        raise ValidationFailed(message, errors={"ticket_type": [message]})

    calendar = working_calendar_for(business, account=account)
    terms = calculations.SlaTerms(working_hours=rule.working_hours, same_day_cutoff=rule.same_day_cutoff)
    last_number = Ticket.objects.for_business(business).aggregate(last=Max("number"))["last"] or 0
    assignee = account.manager if account.plan == SupportPlan.INDIVIDUAL and account.manager_id else None
    ticket = Ticket.objects.create(
        business=business,
        number=last_number + 1,
        filed_by=actor,
        ticket_type=ticket_type,
        subject=subject,
        description=description,
        priority=priority,
        plan=account.plan,
        assignee=assignee,
        sla_target=rule.target,
        sla_clock_started_at=calculations.sla_clock_start(calendar, now),
        sla_due_at=calculations.sla_due_at(calendar, terms, now),
        work_stage=WorkStage.REQUESTED if ticket_type in WORK_TYPES else "",
    )
    if training_fields is not None:
        TrainingRequest.objects.create(business=business, ticket=ticket, **training_fields)
    _save_attachments(ticket, None, uploads)
    security_event_record(
        event_type="support_ticket.filed",
        actor=actor,
        target=ticket,
        after={"number": ticket.number, "type": ticket_type, "subject": subject, "priority": priority},
    )
    if assignee is not None:
        _mail_on_commit(
            _("New support ticket #%(number)s") % {"number": ticket.number},
            _("%(business)s filed: %(subject)s") % {"business": business.name, "subject": subject},
            [assignee.person.email],
        )
    return ticket


@transaction.atomic
def ticket_reply_by_customer(*, actor, ticket: Ticket, body: str, attachments: Sequence = ()) -> TicketMessage:
    require(actor, Perm.SUPPORT_FILE, obj=ticket)
    body = _clean_text(body, "body", _("Write a message."))
    uploads = validate_uploads(attachments)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(_("This ticket is closed; file a new one."))
    now = timezone.now()
    if ticket.status == TicketStatus.WAITING_FOR_CUSTOMER:
        # The customer's answer restarts the clock.
        _resume_clock(ticket, now)
        ticket.status = TicketStatus.IN_PROGRESS
        ticket.save()
    message = _post(ticket, MessageKind.REPLY, body, employee=actor)
    _save_attachments(ticket, message, uploads)
    security_event_record(event_type="support_ticket.replied", actor=actor, target=ticket)
    if ticket.assignee_id:
        _mail_on_commit(
            _("Customer replied on ticket #%(number)s") % {"number": ticket.number},
            body,
            [ticket.assignee.person.email],
        )
    return message


@transaction.atomic
def ticket_reopen(*, actor, ticket: Ticket) -> Ticket:
    require(actor, Perm.SUPPORT_FILE, obj=ticket)
    ticket = _lock(ticket)
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED) or ticket.is_closed_for_abuse:
        raise Conflict(_("Only a resolved or closed ticket can be reopened."))
    if ticket.work_stage in (WorkStage.DELIVERED, WorkStage.ACCEPTED):
        raise Conflict(_("Accept the delivery or send it back with a reason."))
    _reopen(ticket, timezone.now())
    ticket.save()
    _post(ticket, MessageKind.EVENT, _("The customer reopened the ticket."))
    security_event_record(event_type="support_ticket.reopened", actor=actor, target=ticket)
    return ticket


def _reopen(ticket: Ticket, now: dt.datetime) -> None:
    """Reopening resumes the clock from where resolving stopped it."""
    if ticket.sla_target == SlaTarget.RESOLUTION and ticket.resolved_at is not None:
        ticket.sla_paused_at = ticket.resolved_at
        ticket.sla_met_at = None
        _resume_clock(ticket, now)
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.resolved_at = None
    ticket.closed_at = None


@transaction.atomic
def ticket_close_by_customer(*, actor, ticket: Ticket) -> Ticket:
    require(actor, Perm.SUPPORT_FILE, obj=ticket)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        return ticket
    now = timezone.now()
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = now
    ticket.sla_paused_at = None
    ticket.save()
    _post(ticket, MessageKind.EVENT, _("The customer closed the ticket."))
    security_event_record(event_type="support_ticket.closed", actor=actor, target=ticket)
    return ticket


def _stage_conflict(ticket: Ticket) -> Conflict:
    stage = WorkStage(ticket.work_stage).label if ticket.work_stage else TicketType(ticket.ticket_type).label
    return Conflict(_("Not possible at this stage of the request (%(stage)s).") % {"stage": stage})


def _require_stage(ticket: Ticket, *stages: str) -> None:
    if ticket.ticket_type not in WORK_TYPES:
        raise field_error("ticket", _("Only enhancements and training requests run through this workflow."))
    if ticket.work_stage not in stages:
        raise _stage_conflict(ticket)


def _money(amount) -> str:
    return f"{amount:.2f}"


def _latest_open_estimate(ticket: Ticket, estimate: TicketEstimate) -> TicketEstimate:
    estimate = TicketEstimate.objects.for_business(ticket.business_id).select_for_update().get(pk=estimate.pk)
    latest = TicketEstimate.objects.for_business(ticket.business_id).filter(ticket=ticket).first()
    if estimate.accepted_at is not None:
        raise Conflict(_("This estimate is accepted already."))
    if estimate.declined_at is not None:
        raise Conflict(_("This estimate is declined already."))
    if latest is None or latest.pk != estimate.pk:
        raise Conflict(_("A newer estimate replaced this one."))
    if not ticket.is_open:
        raise Conflict(_("This ticket is no longer open."))
    return estimate


@transaction.atomic
def estimate_accept(*, actor, estimate: TicketEstimate) -> TicketEstimate:
    """The customer accepts the latest estimate: its due date becomes the deadline and the work starts."""
    require(actor, Perm.SUPPORT_FILE, obj=estimate)
    ticket = _lock(estimate.ticket)
    estimate = _latest_open_estimate(ticket, estimate)
    _require_stage(ticket, WorkStage.ESTIMATED)
    now = timezone.now()
    estimate.accepted_at = now
    estimate.accepted_by = actor
    estimate.save(update_fields=["accepted_at", "accepted_by"])
    calendar = working_calendar_for(ticket.business)
    ticket.sla_due_at = calculations.sla_due_for_accepted_estimate(calendar, estimate.due_date)
    ticket.sla_paused_at = None
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.work_stage = WorkStage.IN_PROGRESS
    ticket.save()
    _post(
        ticket,
        MessageKind.EVENT,
        _("%(name)s accepted the estimate: due %(date)s.")
        % {"name": actor.full_name, "date": estimate.due_date.isoformat()},
    )
    security_event_record(
        event_type="support_estimate.accepted",
        actor=actor,
        target=ticket,
        after={"effort_hours": str(estimate.effort_hours), "due_date": estimate.due_date.isoformat()},
    )
    if ticket.assignee_id:
        _mail_on_commit(
            _("Estimate accepted on ticket #%(number)s") % {"number": ticket.number},
            ticket.subject,
            [ticket.assignee.person.email],
        )
    return estimate


@transaction.atomic
def estimate_decline(*, actor, estimate: TicketEstimate, reason: str) -> TicketEstimate:
    """The customer declines the latest estimate; support may post another one or close the request."""
    require(actor, Perm.SUPPORT_FILE, obj=estimate)
    reason = _clean_text(reason, "reason", _("Say why you decline the estimate."))
    ticket = _lock(estimate.ticket)
    estimate = _latest_open_estimate(ticket, estimate)
    _require_stage(ticket, WorkStage.ESTIMATED)
    now = timezone.now()
    estimate.declined_at = now
    estimate.declined_by = actor
    estimate.decline_reason = reason
    estimate.save(update_fields=["declined_at", "declined_by", "decline_reason"])
    ticket.work_stage = WorkStage.DECLINED
    ticket.status = TicketStatus.IN_PROGRESS
    ticket.sla_paused_at = None
    ticket.save()
    _post(
        ticket,
        MessageKind.EVENT,
        _("%(name)s declined the estimate. Reason: %(reason)s") % {"name": actor.full_name, "reason": reason},
    )
    security_event_record(event_type="support_estimate.declined", actor=actor, target=ticket, after={"reason": reason})
    if ticket.assignee_id:
        _mail_on_commit(
            _("Estimate declined on ticket #%(number)s") % {"number": ticket.number},
            reason,
            [ticket.assignee.person.email],
        )
    return estimate


@transaction.atomic
def work_delivery_accept(*, actor, ticket: Ticket) -> Ticket:
    """The customer accepts the delivered enhancement or training: the request is done."""
    require(actor, Perm.SUPPORT_FILE, obj=ticket)
    ticket = _lock(ticket)
    _require_stage(ticket, WorkStage.DELIVERED)
    now = timezone.now()
    ticket.work_stage = WorkStage.ACCEPTED
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = now
    ticket.save()
    _post(ticket, MessageKind.EVENT, _("%(name)s accepted the delivery.") % {"name": actor.full_name})
    security_event_record(event_type="support_work.delivery_accepted", actor=actor, target=ticket)
    return ticket


@transaction.atomic
def work_send_back(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """The customer sends the delivery back with a reason; the clock goes on from where delivering stopped it."""
    require(actor, Perm.SUPPORT_FILE, obj=ticket)
    reason = _clean_text(reason, "reason", _("Say what is missing or wrong."))
    ticket = _lock(ticket)
    _require_stage(ticket, WorkStage.DELIVERED)
    _reopen(ticket, timezone.now())
    ticket.work_stage = WorkStage.IN_PROGRESS
    ticket.delivered_at = None
    ticket.save()
    _post(ticket, MessageKind.REPLY, reason, employee=actor)
    _post(ticket, MessageKind.EVENT, _("%(name)s sent the delivery back.") % {"name": actor.full_name})
    security_event_record(event_type="support_work.sent_back", actor=actor, target=ticket, after={"reason": reason})
    if ticket.assignee_id:
        _mail_on_commit(
            _("Delivery sent back on ticket #%(number)s") % {"number": ticket.number},
            reason,
            [ticket.assignee.person.email],
        )
    return ticket


# --- agent side ---------------------------------------------------------------------------------------------------


@transaction.atomic
def ticket_assign(*, agent: SupportAgent, ticket: Ticket, assignee: SupportAgent | None) -> Ticket:
    _require_agent(agent)
    if assignee is not None:
        _require_agent(assignee)
        if assignee.pk != agent.pk and not agent.is_supervisor:
            raise PermissionDenied(_("Only supervisors assign tickets to others."))
    ticket = _lock(ticket)
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    _agent_event("support_ticket.assigned", agent=agent, ticket=ticket, after={"assignee": str(assignee or "")})
    return ticket


@transaction.atomic
def ticket_reply_by_agent(
    *,
    agent: SupportAgent,
    ticket: Ticket,
    body: str,
    is_internal: bool = False,
    wait_for_customer: bool = False,
    attachments: Sequence = (),
) -> TicketMessage:
    """A public answer (optionally handing the ticket back to the customer) or an internal note."""
    _require_agent(agent)
    body = _clean_text(body, "body", _("Write a message."))
    uploads = validate_uploads(attachments)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(_("This ticket is closed."))
    now = timezone.now()
    if is_internal:
        message = _post(ticket, MessageKind.INTERNAL_NOTE, body, agent=agent)
        _save_attachments(ticket, message, uploads)
        _agent_event("support_ticket.noted", agent=agent, ticket=ticket)
        return message
    message = _post(ticket, MessageKind.REPLY, body, agent=agent)
    _save_attachments(ticket, message, uploads)
    if ticket.first_replied_at is None:
        ticket.first_replied_at = now
        if ticket.sla_target == SlaTarget.FIRST_REPLY:
            _meet_target(ticket, now)
    if ticket.assignee_id is None:
        ticket.assignee = agent
    if wait_for_customer:
        _pause_clock(ticket, now)
        ticket.status = TicketStatus.WAITING_FOR_CUSTOMER
    elif ticket.status == TicketStatus.NEW:
        ticket.status = TicketStatus.IN_PROGRESS
    ticket.save()
    _agent_event("support_ticket.answered", agent=agent, ticket=ticket, after={"status": ticket.status})
    _mail_on_commit(
        _("Support answered your ticket #%(number)s") % {"number": ticket.number},
        _("%(subject)s\n\n%(body)s") % {"subject": ticket.subject, "body": body},
        [_recipient_of(ticket)],
    )
    return message


ALLOWED_TRANSITIONS = {
    TicketStatus.NEW: {TicketStatus.IN_PROGRESS, TicketStatus.WAITING_FOR_CUSTOMER, TicketStatus.RESOLVED},
    TicketStatus.IN_PROGRESS: {TicketStatus.WAITING_FOR_CUSTOMER, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.WAITING_FOR_CUSTOMER: {TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.RESOLVED: {TicketStatus.CLOSED, TicketStatus.IN_PROGRESS},
    TicketStatus.CLOSED: {TicketStatus.IN_PROGRESS},
}


@transaction.atomic
def ticket_status_change(*, agent: SupportAgent, ticket: Ticket, status: str) -> Ticket:
    _require_agent(agent)
    if status not in TicketStatus.values:
        raise field_error("status", _("Choose a status."))
    ticket = _lock(ticket)
    if status == ticket.status:
        return ticket
    if status not in ALLOWED_TRANSITIONS[TicketStatus(ticket.status)]:
        raise field_error(
            "status",
            _("A ticket cannot go from %(old)s to %(new)s.")
            % {"old": TicketStatus(ticket.status).label, "new": TicketStatus(status).label},
        )
    if status == TicketStatus.RESOLVED and ticket.work_stage == WorkStage.IN_PROGRESS:
        raise field_error("status", _("Deliver the work for the customer's acceptance instead."))
    if ticket.is_closed_for_abuse and status != TicketStatus.CLOSED:
        raise Conflict(_("This conversation was closed for abusive contact; a supervisor must lift a strike."))
    now = timezone.now()
    before = ticket.status
    if status == TicketStatus.IN_PROGRESS:
        if ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
            _reopen(ticket, now)
        else:
            _resume_clock(ticket, now)
    elif status == TicketStatus.WAITING_FOR_CUSTOMER:
        _pause_clock(ticket, now)
    elif status == TicketStatus.RESOLVED:
        _resume_clock(ticket, now)
        if ticket.sla_target == SlaTarget.RESOLUTION:
            _meet_target(ticket, now)
        ticket.resolved_at = now
    elif status == TicketStatus.CLOSED:
        _resume_clock(ticket, now)
        ticket.closed_at = now
    ticket.status = status
    ticket.save()
    _post(
        ticket,
        MessageKind.EVENT,
        _("Status: %(status)s.") % {"status": TicketStatus(status).label},
        agent=agent,
    )
    _agent_event("support_ticket.status_changed", agent=agent, ticket=ticket, after={"from": before, "to": status})
    return ticket


@transaction.atomic
def work_specify(*, agent: SupportAgent, ticket: Ticket, specification: str) -> Ticket:
    """An agent writes (or rewrites) the specification of an enhancement, shown to the customer.

    Questions to the customer are ordinary answers that wait for the customer (they pause the clock)."""
    _require_agent(agent)
    specification = _clean_text(specification, "specification", _("Write the specification."))
    ticket = _lock(ticket)
    if ticket.ticket_type != TicketType.ENHANCEMENT:
        raise field_error("ticket", _("Only enhancements get a specification."))
    _require_stage(ticket, WorkStage.REQUESTED, WorkStage.SPECIFIED, WorkStage.DECLINED)
    if not ticket.is_open:
        raise Conflict(_("This ticket is no longer open."))
    ticket.specification = specification
    ticket.work_stage = WorkStage.SPECIFIED
    if ticket.assignee_id is None:
        ticket.assignee = agent
    if ticket.status == TicketStatus.NEW:
        ticket.status = TicketStatus.IN_PROGRESS
    ticket.save()
    _post(ticket, MessageKind.EVENT, _("Specification:\n%(text)s") % {"text": specification}, agent=agent)
    _agent_event("support_work.specified", agent=agent, ticket=ticket)
    return ticket


@transaction.atomic
def estimate_post(
    *, agent: SupportAgent, ticket: Ticket, effort_hours, due_date: dt.date, price, note: str = ""
) -> TicketEstimate:
    """An estimate (effort, price, due date) for the customer to accept or decline.

    Enhancements are estimated by any agent once specified; a training request is priced by a supervisor
    (the operator) from its requirements."""
    _require_agent(agent)
    ticket = _lock(ticket)
    if ticket.ticket_type not in WORK_TYPES:
        raise field_error("ticket", _("Only enhancements and training requests get estimates."))
    if ticket.ticket_type == TicketType.TRAINING:
        _require_supervisor(agent)
        _require_stage(ticket, WorkStage.REQUESTED, WorkStage.ESTIMATED, WorkStage.DECLINED)
    else:
        _require_stage(ticket, WorkStage.SPECIFIED, WorkStage.ESTIMATED, WorkStage.DECLINED)
    if not ticket.is_open:
        raise Conflict(_("This ticket is no longer open."))
    errors: dict[str, list[str]] = {}
    effort = amount = None
    try:
        effort = Decimal(str(effort_hours))
    except (InvalidOperation, ValueError):
        errors["effort_hours"] = [_("Enter the effort in hours.")]
    else:
        if not effort.is_finite() or effort <= 0 or effort > Decimal("99999"):
            errors["effort_hours"] = [_("Enter a positive number of hours.")]
    try:
        amount = Decimal(str(price)) if price not in (None, "") else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount >= Decimal("10000000000"):
        errors["price"] = [_("Enter the price (zero or more).")]
    elif amount != amount.quantize(Decimal("0.01")):
        errors["price"] = [_("At most two decimal places.")]
    today = timezone.now().astimezone(ticket.business.zone).date()
    if not isinstance(due_date, dt.date) or due_date < today:
        errors["due_date"] = [_("The due date cannot be in the past.")]
    if errors:
        raise ValidationFailed(errors=errors)
    estimate = TicketEstimate.objects.create(
        business=ticket.business,
        ticket=ticket,
        effort_hours=effort,
        due_date=due_date,
        price=amount,
        currency=ticket.business.currency,
        note=note or "",
        posted_by=agent,
    )
    _post(
        ticket,
        MessageKind.EVENT,
        _("Estimate: %(hours)s hours, %(price)s %(currency)s, due %(date)s. Accept it to start the work.")
        % {"hours": effort, "price": _money(amount), "currency": estimate.currency, "date": due_date.isoformat()},
        agent=agent,
    )
    _pause_clock(ticket, timezone.now())
    ticket.status = TicketStatus.WAITING_FOR_CUSTOMER
    ticket.work_stage = WorkStage.ESTIMATED
    if ticket.assignee_id is None:
        ticket.assignee = agent
    ticket.save()
    _agent_event(
        "support_estimate.posted",
        agent=agent,
        ticket=ticket,
        after={"effort_hours": str(effort), "price": _money(amount), "due_date": due_date.isoformat()},
    )
    _mail_on_commit(
        _("An estimate for your ticket #%(number)s") % {"number": ticket.number},
        _("%(hours)s hours, %(price)s %(currency)s, due %(date)s.")
        % {"hours": effort, "price": _money(amount), "currency": estimate.currency, "date": due_date.isoformat()},
        [_recipient_of(ticket)],
    )
    return estimate


@transaction.atomic
def work_progress_post(*, agent: SupportAgent, ticket: Ticket, body: str) -> TicketMessage:
    """A progress update on accepted work (how the training goes, what of the enhancement is done)."""
    _require_agent(agent)
    body = _clean_text(body, "body", _("Write the progress update."))
    ticket = _lock(ticket)
    _require_stage(ticket, WorkStage.IN_PROGRESS)
    message = _post(ticket, MessageKind.EVENT, _("Progress: %(text)s") % {"text": body}, agent=agent)
    _agent_event("support_work.progress", agent=agent, ticket=ticket)
    _mail_on_commit(_("Progress on your ticket #%(number)s") % {"number": ticket.number}, body, [_recipient_of(ticket)])
    return message


@transaction.atomic
def work_deliver(*, agent: SupportAgent, ticket: Ticket, note: str = "") -> Ticket:
    """The work is done: delivered for the customer's acceptance. Delivering after the deadline marks the breach."""
    _require_agent(agent)
    ticket = _lock(ticket)
    _require_stage(ticket, WorkStage.IN_PROGRESS)
    now = timezone.now()
    _resume_clock(ticket, now)
    _meet_target(ticket, now)
    ticket.work_stage = WorkStage.DELIVERED
    ticket.status = TicketStatus.RESOLVED
    ticket.resolved_at = now
    ticket.delivered_at = now
    ticket.save()
    text = _("Delivered for your acceptance.")
    if (note or "").strip():
        text = f"{text}\n{note.strip()}"
    _post(ticket, MessageKind.EVENT, text, agent=agent)
    _agent_event("support_work.delivered", agent=agent, ticket=ticket, after={"on_time": not ticket.is_breached})
    _mail_on_commit(
        _("Delivered: ticket #%(number)s") % {"number": ticket.number},
        _("Please accept the delivery or send it back with a reason."),
        [_recipient_of(ticket)],
    )
    return ticket


def _abuse_snapshot(ticket: Ticket) -> dict:
    """The ticket, its conversation, and the contact's history: earlier tickets with their strikes."""
    contact = ticket.filed_by
    earlier = list(
        Ticket.objects.for_business(ticket.business_id)
        .filter(filed_by=contact)
        .exclude(pk=ticket.pk)
        .annotate(
            strike_count=Count("strikes"),
            active_strike_count=Count("strikes", filter=Q(strikes__lifted_at__isnull=True)),
        )
        .order_by("-created_at", "-id")
    )
    contact_strikes = (
        TicketStrike.objects.for_business(ticket.business_id)
        .filter(ticket__filed_by=contact)
        .select_related("given_by__person", "ticket")
    )
    return {
        "ticket": {
            "id": ticket.pk,
            "number": ticket.number,
            "business": ticket.business.name,
            "type": ticket.ticket_type,
            "subject": ticket.subject,
            "description": ticket.description,
            "filed_by": contact.full_name,
            "filed_by_id": contact.pk,
            "filed_at": ticket.created_at.isoformat(),
        },
        "conversation": [
            {
                "at": message.created_at.isoformat(),
                "kind": message.kind,
                "author": message.author_label,
                "body": message.body,
            }
            for message in ticket.messages.select_related("author_agent__person", "author_employee")
        ],
        "strikes": [
            {
                "number": strike.number,
                "ticket_id": strike.ticket_id,
                "ticket_number": strike.ticket.number,
                "reason": strike.reason,
                "given_by": str(strike.given_by),
                "given_at": strike.given_at.isoformat(),
                "lifted_at": strike.lifted_at.isoformat() if strike.lifted_at else None,
            }
            for strike in contact_strikes
        ],
        "history": {
            "earlier_tickets": len(earlier),
            "strikes_total": len(contact_strikes),
            "strikes_active": sum(1 for strike in contact_strikes if strike.lifted_at is None),
            "tickets": [
                {
                    "id": other.pk,
                    "number": other.number,
                    "subject": other.subject,
                    "type": other.ticket_type,
                    "status": other.status,
                    "filed_at": other.created_at.isoformat(),
                    "strikes": other.strike_count,
                    "active_strikes": other.active_strike_count,
                    "closed_for_abuse": other.is_closed_for_abuse,
                }
                for other in earlier
            ],
        },
    }


def _lock_contact(ticket: Ticket) -> None:
    """Strikes of one contact are counted across tickets: lock the contact so two agents cannot both give
    the same strike number on two tickets at once."""
    from staffroom.staff.models import Employee

    Employee.objects.for_business(ticket.business_id).select_for_update().filter(pk=ticket.filed_by_id).first()


def contact_active_strikes(ticket: Ticket, *, now: dt.datetime | None = None):
    """The active strikes of the ticket's contact (on any of their tickets) inside the operator's window."""
    return TicketStrike.objects.for_business(ticket.business_id).filter(
        ticket__filed_by_id=ticket.filed_by_id, lifted_at__isnull=True, given_at__gte=strike_window_start(now)
    )


@transaction.atomic
def strike_give(*, agent: SupportAgent, ticket: Ticket, reason: str) -> TicketStrike:
    """Strikes belong to the customer contact, across their tickets, inside the operator's window: strikes 1 and 2
    warn; the third, on whichever ticket it falls, closes that conversation and reports it to the supervisors."""
    _require_agent(agent)
    reason = _clean_text(reason, "reason", _("Say why."))
    _lock_contact(ticket)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise Conflict(_("This ticket is closed."))
    now = timezone.now()
    number = contact_active_strikes(ticket, now=now).count() + 1
    strike = TicketStrike.objects.create(
        business=ticket.business, ticket=ticket, number=number, reason=reason, given_by=agent
    )
    if number < STRIKES_TO_CLOSE:
        warning = _(
            "Warning %(number)d of %(limit)d: please keep the conversation respectful. Reason: %(reason)s. "
            "At the third warning support closes this conversation."
        ) % {"number": number, "limit": STRIKES_TO_CLOSE - 1, "reason": reason}
        _post(ticket, MessageKind.WARNING, warning, agent=agent)
        _agent_event("support_strike.given", agent=agent, ticket=ticket, after={"number": number, "reason": reason})
        _mail_on_commit(
            _("Warning on your support ticket #%(number)s") % {"number": ticket.number},
            warning,
            [_recipient_of(ticket)],
        )
        return strike
    _post(
        ticket,
        MessageKind.WARNING,
        _("Support closed this conversation after repeated abusive messages. Reason: %(reason)s.") % {"reason": reason},
        agent=agent,
    )
    _resume_clock(ticket, now)
    ticket.status = TicketStatus.CLOSED
    ticket.closed_at = now
    ticket.is_closed_for_abuse = True
    ticket.save()
    report = AbuseReport.objects.create(
        business=ticket.business, ticket=ticket, filed_by=agent, snapshot=_abuse_snapshot(ticket)
    )
    _agent_event(
        "support_strike.given",
        agent=agent,
        ticket=ticket,
        after={"number": number, "reason": reason, "closed": True, "report": report.pk},
    )
    _mail_on_commit(
        _("Abuse report: ticket #%(number)s of %(business)s") % {"number": ticket.number, "business": ticket.business},
        _("Strike 3 given by %(agent)s: %(reason)s") % {"agent": agent, "reason": reason},
        _supervisor_emails(),
    )
    return strike


def _lift(strike: TicketStrike, agent: SupportAgent, reason: str, now: dt.datetime) -> None:
    strike.lifted_at = now
    strike.lifted_by = agent
    strike.lift_reason = reason
    strike.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])


def _reopen_after_abuse(ticket: Ticket, agent: SupportAgent, now: dt.datetime) -> None:
    if ticket.is_closed_for_abuse:
        ticket.is_closed_for_abuse = False
        _reopen(ticket, now)
        ticket.save()
        _post(ticket, MessageKind.EVENT, _("Support reopened this conversation."), agent=agent)


@transaction.atomic
def strike_lift(*, agent: SupportAgent, strike: TicketStrike, reason: str) -> TicketStrike:
    """A supervisor lifts a strike; a conversation closed by strikes opens again when one is lifted."""
    _require_supervisor(agent)
    reason = _clean_text(reason, "reason", _("Say why."))
    ticket = _lock(strike.ticket)
    strike = TicketStrike.objects.for_business(ticket.business_id).select_for_update().get(pk=strike.pk)
    if strike.lifted_at is not None:
        raise Conflict(_("This strike is lifted already."))
    now = timezone.now()
    _lift(strike, agent, reason, now)
    _reopen_after_abuse(ticket, agent, now)
    _agent_event("support_strike.lifted", agent=agent, ticket=ticket, after={"number": strike.number, "reason": reason})
    return strike


@transaction.atomic
def abuse_report_review(*, agent: SupportAgent, report: AbuseReport) -> AbuseReport:
    _require_supervisor(agent)
    if report.reviewed_at is None:
        report.reviewed_at = timezone.now()
        report.reviewed_by = agent
        report.save(update_fields=["reviewed_at", "reviewed_by"])
    return report


MAX_RESTRICTED_DAYS = 365


@transaction.atomic
def abuse_report_decide(
    *, agent: SupportAgent, report: AbuseReport, decision: str, note: str, restricted_days: int | None = None
) -> AbuseReport:
    """A supervisor's decision on an abuse report: lift the contact's strikes (the conversation reopens), uphold
    them, or uphold and restrict the business's account to bug reports for N days. Logged, and shown to the
    agent on the ticket as an internal note."""
    _require_supervisor(agent)
    errors: dict[str, list[str]] = {}
    if decision not in AbuseDecision.values:
        errors["decision"] = [_("Choose a decision.")]
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Tell the agent why.")]
    if decision == AbuseDecision.RESTRICT:
        if not isinstance(restricted_days, int) or not 1 <= restricted_days <= MAX_RESTRICTED_DAYS:
            errors["restricted_days"] = [_("Restrict for 1 to %(count)d days.") % {"count": MAX_RESTRICTED_DAYS}]
    else:
        restricted_days = None
    if errors:
        raise ValidationFailed(errors=errors)
    ticket = _lock(report.ticket)
    report = AbuseReport.objects.for_business(ticket.business_id).select_for_update().get(pk=report.pk)
    if report.decision:
        raise Conflict(_("A supervisor has decided on this report already."))
    now = timezone.now()
    if decision == AbuseDecision.LIFT:
        for strike in contact_active_strikes(ticket, now=now).select_for_update():
            _lift(strike, agent, note, now)
        _reopen_after_abuse(ticket, agent, now)
    elif decision == AbuseDecision.RESTRICT:
        account, _created = (
            SupportAccount.objects.for_business(ticket.business_id)
            .select_for_update()
            .get_or_create(business=ticket.business)
        )
        account.bugs_only_until = now + dt.timedelta(days=restricted_days)
        account.save(update_fields=["bugs_only_until", "updated_at"])
    report.decision = decision
    report.decision_note = note
    report.restricted_days = restricted_days
    report.reviewed_at = now
    report.reviewed_by = agent
    report.save(update_fields=["decision", "decision_note", "restricted_days", "reviewed_at", "reviewed_by"])
    _post(
        ticket,
        MessageKind.INTERNAL_NOTE,
        _("Supervisor decision on the abuse report: %(decision)s. %(note)s")
        % {"decision": AbuseDecision(decision).label, "note": note},
        agent=agent,
    )
    _agent_event(
        "support_abuse.decided",
        agent=agent,
        ticket=ticket,
        after={"report": report.pk, "decision": decision, "restricted_days": restricted_days, "note": note},
    )
    _mail_on_commit(
        _("Decision on your abuse report for ticket #%(number)s") % {"number": ticket.number},
        _("%(decision)s. %(note)s") % {"decision": AbuseDecision(decision).label, "note": note},
        [report.filed_by.person.email],
    )
    return report


# --- the sweep ----------------------------------------------------------------------------------------------------


def sla_sweep(*, now: dt.datetime | None = None) -> int:
    """Mark every running ticket past its deadline as breached and tell its assignee and the supervisors.

    Set-based: one UPDATE marks the rows (stamping them with this sweep's instant), one SELECT reads back what
    was stamped for the e-mails, one more finds the supervisors, whatever the number of tickets."""
    now = now or timezone.now()
    with transaction.atomic():
        marked = (
            Ticket.objects.unscoped()
            .filter(
                status__in=RUNNING_STATUSES,
                is_breached=False,
                sla_met_at__isnull=True,
                sla_paused_at__isnull=True,
                sla_due_at__lt=now,
            )
            .update(is_breached=True, breached_at=now)
        )
        if not marked:
            return 0
        breached = list(
            Ticket.objects.unscoped()
            .filter(is_breached=True, breached_at=now)
            .values_list("number", "subject", "business__name", "assignee__person__email")
            .order_by("business_id", "number")
        )
        supervisors = _supervisor_emails()
        sender = settings.DEFAULT_FROM_EMAIL
        # One e-mail per assignee listing their tickets, one summary to the supervisors: a burst of breaches
        # does not become a burst of mail.
        per_assignee: dict[str, list[str]] = {}
        lines = []
        for number, subject, business_name, assignee_email in breached:
            line = f"#{number} {business_name}: {subject}"
            lines.append(line)
            if assignee_email:
                per_assignee.setdefault(assignee_email, []).append(line)
        for email, own in per_assignee.items():
            email_after_commit(
                subject=_("SLA breached on %(count)d of your tickets") % {"count": len(own)},
                body="\n".join(own),
                recipients=[email],
                from_email=sender,
            )
        if supervisors:
            summary = _("%(count)d tickets breached their SLA") % {"count": len(breached)}
            email_after_commit(subject=summary, body="\n".join(lines), recipients=supervisors, from_email=sender)
    return marked


# --- supervisors: SLA rules, calendars, canned replies -----------------------------------------------------------


def _save_validated(instance, fields: dict, *, exclude: Sequence[str] = ()) -> None:
    """Set `fields` on `instance`, run the model's validation (validators, clean, uniqueness) and save; the model's
    field errors become the API's field errors."""
    for name, value in fields.items():
        setattr(instance, name, value)
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as error:
        errors = {
            ("non_field" if field == NON_FIELD_ERRORS else field): [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
        raise ValidationFailed(errors=errors) from error
    instance.save()


def _platform_event(event_type: str, *, agent: SupportAgent, target, before: dict | None, after: dict) -> None:
    security_event_record(
        event_type=event_type, person=agent.person, target=target, before=before, after={"agent": str(agent), **after}
    )


SLA_RULE_FIELDS = ("plan", "ticket_type", "target", "working_hours", "same_day_cutoff")


@transaction.atomic
def sla_rule_save(*, agent: SupportAgent, rule: SlaRule | None = None, **fields) -> SlaRule:
    """A supervisor creates or changes the rule of one plan and ticket type (no rule: the plan refuses the type)."""
    _require_supervisor(agent)
    rule = SlaRule.objects.select_for_update().get(pk=rule.pk) if rule is not None and rule.pk else SlaRule()
    before = {name: str(getattr(rule, name)) for name in SLA_RULE_FIELDS} if rule.pk else None
    _save_validated(rule, {name: fields[name] for name in SLA_RULE_FIELDS if name in fields})
    _platform_event(
        "support_sla_rule.saved",
        agent=agent,
        target=rule,
        before=before,
        after={name: str(getattr(rule, name)) for name in SLA_RULE_FIELDS},
    )
    return rule


@transaction.atomic
def sla_rule_delete(*, agent: SupportAgent, rule: SlaRule) -> None:
    _require_supervisor(agent)
    before = {name: str(getattr(rule, name)) for name in SLA_RULE_FIELDS}
    _platform_event("support_sla_rule.deleted", agent=agent, target=rule, before=before, after={})
    rule.delete()


CALENDAR_FIELDS = (
    "name",
    "time_zone",
    "country",
    "subdivision",
    "working_weekdays",
    "day_starts_at",
    "day_ends_at",
    "is_default",
)


@transaction.atomic
def calendar_save(*, agent: SupportAgent, calendar: SupportCalendar | None = None, **fields) -> SupportCalendar:
    """A supervisor creates or changes a support calendar. The country and time zone must be known to the holiday
    data and the time zone database (the model's validators), so every deadline can be computed."""
    _require_supervisor(agent)
    calendar = (
        SupportCalendar.objects.select_for_update().get(pk=calendar.pk)
        if calendar is not None and calendar.pk
        else SupportCalendar()
    )
    before = {name: str(getattr(calendar, name)) for name in CALENDAR_FIELDS} if calendar.pk else None
    if fields.get("is_default"):
        # One default calendar: the new default replaces the old one.
        SupportCalendar.objects.select_for_update().filter(is_default=True).exclude(pk=calendar.pk).update(
            is_default=False
        )
    _save_validated(calendar, {name: fields[name] for name in CALENDAR_FIELDS if name in fields})
    _platform_event(
        "support_calendar.saved",
        agent=agent,
        target=calendar,
        before=before,
        after={name: str(getattr(calendar, name)) for name in CALENDAR_FIELDS},
    )
    return calendar


@transaction.atomic
def calendar_day_set(
    *, agent: SupportAgent, calendar: SupportCalendar, date: dt.date, is_working_day: bool, note: str = ""
) -> SupportCalendarDay:
    """A custom day off or an extra working day (it wins over the weekday, the holidays and transferred days)."""
    _require_supervisor(agent)
    if not isinstance(date, dt.date):
        raise field_error("date", _("Enter a date."))
    day, _created = SupportCalendarDay.objects.select_for_update().get_or_create(
        calendar=calendar, date=date, defaults={"is_working_day": is_working_day, "note": note or ""}
    )
    _save_validated(day, {"is_working_day": is_working_day, "note": (note or "").strip()})
    _platform_event(
        "support_calendar.day_set",
        agent=agent,
        target=calendar,
        before=None,
        after={"date": date.isoformat(), "working": is_working_day, "note": day.note},
    )
    return day


@transaction.atomic
def calendar_day_remove(*, agent: SupportAgent, day: SupportCalendarDay) -> None:
    _require_supervisor(agent)
    _platform_event(
        "support_calendar.day_removed",
        agent=agent,
        target=day.calendar,
        before={"date": day.date.isoformat(), "working": day.is_working_day},
        after={},
    )
    day.delete()


CANNED_REPLY_FIELDS = ("title", "body", "is_active")


@transaction.atomic
def canned_reply_save(*, agent: SupportAgent, reply: CannedReply | None = None, **fields) -> CannedReply:
    _require_supervisor(agent)
    reply = (
        CannedReply.objects.select_for_update().get(pk=reply.pk) if reply is not None and reply.pk else CannedReply()
    )
    before = {"title": reply.title, "is_active": reply.is_active} if reply.pk else None
    cleaned = {name: fields[name] for name in CANNED_REPLY_FIELDS if name in fields}
    for name in ("title", "body"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
    _save_validated(reply, cleaned)
    _platform_event(
        "support_canned_reply.saved",
        agent=agent,
        target=reply,
        before=before,
        after={"title": reply.title, "is_active": reply.is_active},
    )
    return reply
