"""Payment pages: take a payment (with discount) for a visit, refund a payment, a branch's cash summary for a day."""

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.scheduling import services as scheduling_services
from staffroom.scheduling.models import Appointment
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import permission_required
from staffroom.tenancy.models import Branch

from . import selectors, services
from .forms import AllowanceForm, DiscountForm, PaymentForm, RefundForm
from .models import Payment


def _appointment(request, appointment_id) -> Appointment:
    return get_for_business_or_404(
        Appointment.objects.select_related("client", "specialist", "branch"), request.business, pk=appointment_id
    )


@permission_required(Perm.PAYMENTS_PROCESS)
@require_http_methods(["GET", "POST"])
def payment_take(request, appointment_id):
    appointment = _appointment(request, appointment_id)
    balance = selectors.appointment_balance(appointment)
    form = PaymentForm(
        request.POST or None,
        initial={"amount": max(balance, 0), "method": "cash", "idempotency_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_take(
                actor=request.employee,
                appointment=appointment,
                amount=data["amount"],
                method=data["method"],
                tip_amount=data["tip_amount"] or 0,
                note=data["note"],
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if not payment.is_repeat:
                messages.success(request, _("Payment of %(amount)s taken.") % {"amount": payment.amount})
            return redirect("scheduling:appointment", appointment.pk)
    discount_form = DiscountForm(
        initial={
            "kind": appointment.discount_kind if appointment.discount_kind != "none" else "amount",
            "value": appointment.discount_value or None,
        }
    )
    return render(
        request,
        "payments/take.html",
        {"appointment": appointment, "form": form, "balance": balance, "discount_form": discount_form},
    )


@permission_required(Perm.PAYMENTS_PROCESS)
@require_POST
def discount_set(request, appointment_id):
    appointment = _appointment(request, appointment_id)
    form = DiscountForm(request.POST)
    if form.is_valid():
        try:
            scheduling_services.appointment_discount_set(
                actor=request.employee,
                appointment=appointment,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"] or 0,
            )
        except ApplicationError as error:
            messages.error(request, error.message + " " + " ".join(m for ms in error.errors.values() for m in ms))
        else:
            messages.success(request, _("Discount applied."))
    return redirect("payments:take", appointment.pk)


@permission_required(Perm.PAYMENTS_GRANT_ALLOWANCE)
@require_http_methods(["GET", "POST"])
def allowance_grant(request, appointment_id):
    """Grant an allowance on a visit that took place: a price reduction with a reason, money paid back if paid."""
    appointment = _appointment(request, appointment_id)
    form = AllowanceForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allowance = services.allowance_grant(
                actor=request.employee,
                appointment=appointment,
                amount=data["amount"],
                reason=data["reason"],
                refund_method=data["refund_method"] or None,
                idempotency_key=data["idempotency_key"],
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            if not allowance.is_repeat:
                messages.success(request, _("Allowance of %(amount)s granted.") % {"amount": allowance.amount})
            return redirect("scheduling:appointment", appointment.pk)
    return render(
        request,
        "payments/allowance.html",
        {
            "appointment": appointment,
            "form": form,
            "allowances": selectors.allowances_of_appointment(appointment),
            "balance": selectors.appointment_balance(appointment),
        },
    )


@permission_required(Perm.PAYMENTS_REFUND)
@require_http_methods(["GET", "POST"])
def refund(request, payment_id):
    payment = get_for_business_or_404(Payment.objects.select_related("appointment"), request.business, pk=payment_id)
    form = RefundForm(
        request.POST or None,
        initial={"amount": payment.refundable_amount, "method": payment.method, "idempotency_key": uuid.uuid4().hex},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.refund_issue(actor=request.employee, payment=payment, **data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Refund recorded."))
            if payment.appointment_id:
                return redirect("scheduling:appointment", payment.appointment_id)
            return redirect("payments:cash")
    return render(request, "payments/refund.html", {"payment": payment, "form": form})


@permission_required(Perm.PAYMENTS_VIEW_FINANCES)
def cash_summary(request):
    business = request.business
    branches = list(Branch.objects.for_business(business))
    if not branches:
        raise Http404
    own = set(request.employee.branches.values_list("pk", flat=True))
    default = next((b for b in branches if b.pk in own), branches[0])  # open on a branch the employee works in
    branch = next((b for b in branches if str(b.pk) == request.GET.get("branch")), default)
    from staffroom.scheduling.selectors import EARLIEST_DATE, LATEST_DATE

    try:
        date = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        date = None
    if date is None or not EARLIEST_DATE <= date <= LATEST_DATE:
        date = timezone.now().astimezone(business.zone).date()
    summary = selectors.cash_summary(business, branch, date)
    start, end = _bounds(business, date)
    payments = (
        selectors.payments_for_business(business)
        .filter(branch=branch, processed_at__gte=start, processed_at__lt=end)
        .order_by("processed_at")
    )
    return render(
        request,
        "payments/cash.html",
        {"summary": summary, "branches": branches, "branch": branch, "date": date, "payments": payments},
    )


def _bounds(business, date):
    from staffroom.scheduling.selectors import business_day_bounds

    return business_day_bounds(business, date)
