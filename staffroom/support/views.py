"""Business pages of the support desk: the plan, own tickets, filing, the conversation, estimates."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import permission_required

from . import selectors, services
from .forms import ReasonForm, ReplyForm, TicketForm
from .models import CUSTOMER_VISIBLE_KINDS, SupportPlan, Ticket, TicketAttachment, TicketEstimate, TicketStatus


def _ticket(request, number) -> Ticket:
    return get_for_business_or_404(Ticket, request.business, number=number)


@permission_required(Perm.SUPPORT_VIEW)
def ticket_list(request):
    status = request.GET.get("status") or "open"
    account = selectors.support_account_for(request.business)
    calendar = selectors.working_calendar_for(request.business, account=account)
    now = timezone.now()
    tickets = list(selectors.tickets_for_business(request.business, status=None if status == "all" else status)[:200])
    rows = [(ticket, selectors.sla_state(ticket, calendar=calendar, now=now)) for ticket in tickets]
    return render(
        request,
        "support/ticket_list.html",
        {"rows": rows, "account": account, "status": status, "statuses": TicketStatus.choices, "plans": SupportPlan},
    )


@permission_required(Perm.SUPPORT_FILE)
@require_http_methods(["GET", "POST"])
def ticket_create(request):
    account = selectors.support_account_for(request.business)
    form = TicketForm(request.POST or None, request.FILES or None)
    offer_plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.ticket_file(
                actor=request.employee,
                ticket_type=data["ticket_type"],
                subject=data["subject"],
                description=data["description"],
                priority=data["priority"],
                attachments=data["attachments"],
                training=form.training(),
            )
        except ApplicationError as error:
            add_service_error(form, error)
            offer_plan = error.extra.get("offer_plan")
        else:
            messages.success(request, _("Ticket #%(number)s filed.") % {"number": ticket.number})
            return redirect("support:ticket", number=ticket.number)
    return render(request, "support/ticket_form.html", {"form": form, "account": account, "offer_plan": offer_plan})


def _detail(request, ticket: Ticket, form: ReplyForm, status: int = 200, reason_form: ReasonForm | None = None):
    calendar = selectors.working_calendar_for(request.business)
    context = {
        "ticket": ticket,
        "sla": selectors.sla_state(ticket, calendar=calendar),
        "conversation": selectors.ticket_messages_for_customer(ticket),
        "ticket_attachments": TicketAttachment.objects.for_business(request.business).filter(
            ticket=ticket, message__isnull=True
        ),
        "estimate": selectors.latest_estimate(ticket),
        "training": selectors.training_request_for(ticket),
        "form": form,
        "reason_form": reason_form or ReasonForm(),
    }
    return render(request, "support/ticket_detail.html", context, status=status)


@permission_required(Perm.SUPPORT_VIEW)
def ticket_detail(request, number):
    return _detail(request, _ticket(request, number), ReplyForm())


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def ticket_reply(request, number):
    ticket = _ticket(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.ticket_reply_by_customer(
                actor=request.employee,
                ticket=ticket,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            return redirect("support:ticket", number=ticket.number)
    return _detail(request, ticket, form, status=422)


def _simple_action(request, number, action, done_message):
    ticket = _ticket(request, number)
    try:
        action(actor=request.employee, ticket=ticket)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message)
    return redirect("support:ticket", number=ticket.number)


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def ticket_reopen(request, number):
    return _simple_action(request, number, services.ticket_reopen, _("Ticket reopened."))


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def ticket_close(request, number):
    return _simple_action(request, number, services.ticket_close_by_customer, _("Ticket closed."))


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def estimate_accept(request, number, estimate_id):
    ticket = _ticket(request, number)
    estimate = get_for_business_or_404(TicketEstimate, request.business, pk=estimate_id, ticket=ticket)
    try:
        services.estimate_accept(actor=request.employee, estimate=estimate)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Estimate accepted: the due date is now the deadline."))
    return redirect("support:ticket", number=ticket.number)


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def estimate_decline(request, number, estimate_id):
    ticket = _ticket(request, number)
    estimate = get_for_business_or_404(TicketEstimate, request.business, pk=estimate_id, ticket=ticket)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.estimate_decline(actor=request.employee, estimate=estimate, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Estimate declined."))
            return redirect("support:ticket", number=ticket.number)
    return _detail(request, ticket, ReplyForm(), status=422, reason_form=form)


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def delivery_accept(request, number):
    return _simple_action(request, number, services.work_delivery_accept, _("Delivery accepted."))


@permission_required(Perm.SUPPORT_FILE)
@require_POST
def send_back(request, number):
    ticket = _ticket(request, number)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.work_send_back(actor=request.employee, ticket=ticket, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Sent back to support."))
            return redirect("support:ticket", number=ticket.number)
    return _detail(request, ticket, ReplyForm(), status=422, reason_form=form)


@permission_required(Perm.SUPPORT_VIEW)
def manager_price(request):
    """What an individual support manager would cost this business, with the breakdown."""
    inputs, estimate, pricing = selectors.manager_price_estimate_for(request.business)
    return render(
        request,
        "support/manager_price.html",
        {
            "inputs": inputs,
            "estimate": estimate,
            "pricing": pricing,
            "account": selectors.support_account_for(request.business),
        },
    )


@permission_required(Perm.SUPPORT_VIEW)
def attachment_download(request, number, attachment_id):
    ticket = _ticket(request, number)
    attachment = get_for_business_or_404(TicketAttachment, request.business, pk=attachment_id, ticket=ticket)
    if attachment.message_id and attachment.message.kind not in CUSTOMER_VISIBLE_KINDS:
        raise Http404  # files on internal notes stay with the support team
    return _file_response(attachment)


def _file_response(attachment: TicketAttachment) -> FileResponse:
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name)
    response["Content-Type"] = attachment.content_type
    response["X-Content-Type-Options"] = "nosniff"
    return response
