"""REST API: the subscription, its seat ledger, invoices, next-term changes, purchase and the savings advisor."""

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from staffroom.core.errors import field_error
from staffroom.core.shortcuts import choice_for_business, get_for_business_or_404
from staffroom.staff import seat_hooks
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, Role
from staffroom.staff.permissions import api_permission
from staffroom.staff.schemas import SeatPreviewOut

from . import calculations, documents, selectors, services
from .models import Invoice, Plan
from .schemas import (
    BillingPlanOut,
    BillingPriceChangeOut,
    BillingSavingsMonthOut,
    BillingSavingSuggestionOut,
    InvoiceOut,
    LedgerEventOut,
    MakeFreeIn,
    NextTermIn,
    PurchaseIn,
    RealizedSavingOut,
    SavingsOut,
    SubscriptionOut,
)

router = Router(tags=["billing"])


def plan_out(plan: Plan) -> dict:
    return {
        "id": plan.pk,
        "code": plan.code,
        "version": plan.version,
        "name": plan.display_name,
        "currency": plan.currency,
        "base_price": plan.base_price,
        "free_seats": plan.free_seats,
        "seat_price": plan.seat_price,
        "discounts": {months: plan.discount_for(months) for months in calculations.TERM_MONTHS},
        "seat_removal_extends_term": plan.seat_removal_extends_term,
        "grace_days": plan.grace_days,
    }


def _subscription(request):
    subscription = selectors.subscription_for_business(request.business)
    if subscription is None:
        raise Http404
    return subscription


def subscription_out(subscription) -> dict:
    terms = subscription.plan.price_terms
    renewal_plan = services.renewal_plan_for(subscription)
    months = subscription.renewal_months
    renewal = calculations.invoice_quote(
        terms=renewal_plan.price_terms,
        billable=subscription.billable_count,
        months=months,
        discount_percent=renewal_plan.discount_for(months),
    )
    return {
        "plan": plan_out(subscription.plan),
        "status": subscription.status,
        "term_months": subscription.term_months,
        "term_start": subscription.term_start,
        "paid_through": subscription.paid_through,
        "anchor_day": subscription.anchor_day,
        "billable_count": subscription.billable_count,
        "included_seats": terms.free_seats,
        "paid_seats": terms.paid_seats(subscription.billable_count),
        "monthly_price": terms.monthly_price(subscription.billable_count),
        "seat_version": subscription.ledger_version,
        "next_plan": plan_out(renewal_plan),
        "next_term_months": months,
        "renewal_total": renewal.total,
    }


def invoice_out(invoice: Invoice) -> dict:
    return {
        "id": invoice.pk,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "plan": str(invoice.plan),
        "term_start": invoice.term_start,
        "term_through": invoice.term_through,
        "term_months": invoice.term_months,
        "billable_count": invoice.billable_count,
        "paid_seats": invoice.paid_seats,
        "discount_percent": invoice.discount_percent,
        "base_line": invoice.base_line,
        "seats_line": invoice.seats_line,
        "total": invoice.total,
        "currency": invoice.currency,
        "issued_on": invoice.issued_on,
        "paid_at": invoice.paid_at,
    }


@router.get("/billing/subscription", response=SubscriptionOut)
@api_permission(Perm.BILLING_VIEW)
def subscription_detail(request):
    return subscription_out(_subscription(request))


@router.get("/billing/plans", response=list[BillingPlanOut])
@api_permission(Perm.BILLING_VIEW)
def plan_list(request):
    return [plan_out(plan) for plan in selectors.offered_plans()]


@router.get("/billing/ledger", response=list[LedgerEventOut])
@api_permission(Perm.BILLING_VIEW)
def ledger(request):
    return [
        {
            "version": event.version,
            "kind": event.kind,
            "effective_date": event.effective_date,
            "billable_before": event.billable_before,
            "billable_after": event.billable_after,
            "paid_seats_before": event.paid_seats_before,
            "paid_seats_after": event.paid_seats_after,
            "monthly_price_before": event.monthly_price_before,
            "monthly_price_after": event.monthly_price_after,
            "paid_through_before": event.paid_through_before,
            "paid_through_after": event.paid_through_after,
            "employee_id": event.employee_id,
            "employee": event.employee_label,
            "cause": event.cause,
            "actor": event.actor_label,
            "recorded_at": event.recorded_at,
        }
        for event in selectors.ledger_events(request.business)
    ]


@router.get("/billing/invoices", response=list[InvoiceOut])
@api_permission(Perm.BILLING_VIEW)
def invoice_list(request):
    return [invoice_out(invoice) for invoice in selectors.invoices_for_business(request.business)]


@router.get("/billing/invoices/{invoice_id}", response=InvoiceOut)
@api_permission(Perm.BILLING_VIEW)
def invoice_detail(request, invoice_id: int):
    return invoice_out(
        get_for_business_or_404(selectors.invoices_for_business(request.business), request.business, pk=invoice_id)
    )


@router.get("/billing/invoices/{invoice_id}/pdf", response={200: None})
@api_permission(Perm.BILLING_VIEW)
def invoice_pdf(request, invoice_id: int):
    """The invoice as a numbered PDF document (application/pdf)."""
    invoice = get_for_business_or_404(
        selectors.invoices_for_business(request.business).select_related("subscription", "business"),
        request.business,
        pk=invoice_id,
    )
    response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.invoice_pdf_filename(invoice)}"'
    return response


@router.post("/billing/next-term", response=SubscriptionOut)
@api_permission(Perm.BILLING_MANAGE)
def next_term_change(request, payload: NextTermIn):
    plan = None
    if payload.plan_id is not None:
        plan = selectors.offered_plan(payload.plan_id)
        if plan is None:
            raise field_error("plan_id", _("Choose an offered plan."))
    services.subscription_change_next_term(actor=request.employee, plan=plan, term_months=payload.term_months)
    return subscription_out(_subscription(request))


@router.post("/billing/purchase", response={201: InvoiceOut})
@api_permission(Perm.BILLING_MANAGE)
def purchase(request, payload: PurchaseIn):
    invoice = services.subscription_purchase(actor=request.employee, months=payload.term_months)
    return Status(201, invoice_out(invoice))


@router.get("/billing/savings", response=SavingsOut)
@api_permission(Perm.BILLING_VIEW)
def savings(request, days: int = 30):
    if not 1 <= days <= 366:
        raise field_error("days", _("Choose between 1 and 366 days."))
    report = selectors.savings_advice(request.business, days=days)
    if report is None:
        raise Http404
    return {
        "days": report.days,
        "is_tracked": report.is_tracked,
        "currency": report.currency,
        "total_monthly_saving": report.total_monthly_saving,
        "advice": [
            {
                "employee_id": item.employee.pk,
                "full_name": item.employee.full_name,
                "reasons": item.reasons,
                "monthly_saving": item.monthly_saving,
            }
            for item in report.advice
        ],
    }


@router.get("/billing/savings/realized", response=list[RealizedSavingOut])
@api_permission(Perm.BILLING_VIEW)
def savings_realized(request):
    return [
        {
            "kind": saving.kind,
            "employee_id": saving.employee_id,
            "employee": saving.employee_label,
            "monthly_saving": saving.monthly_saving,
            "currency": saving.currency,
            "recorded_at": saving.recorded_at,
        }
        for saving in selectors.realized_savings(request.business)
    ]


@router.get("/billing/savings/suggestions", response=list[BillingSavingSuggestionOut])
@api_permission(Perm.BILLING_VIEW)
def savings_suggestions(request):
    """A longer prepaid term or a cheaper plan, when it lowers the renewal's monthly cost, with the figure."""
    _subscription(request)
    return [
        {
            "kind": item.kind,
            "plan_id": item.plan.pk,
            "plan": item.plan.display_name,
            "months": item.months,
            "monthly_saving": item.monthly_saving,
            "renewal_total": item.renewal_total,
            "currency": item.plan.currency,
        }
        for item in selectors.saving_suggestions(request.business)
    ]


@router.get("/billing/savings/by-month", response=list[BillingSavingsMonthOut])
@api_permission(Perm.BILLING_VIEW)
def savings_by_month(request):
    return [
        {"month": row.month, "monthly_saving": row.monthly_saving, "count": row.count}
        for row in selectors.savings_by_month(request.business)
    ]


@router.get("/billing/price-changes", response=list[BillingPriceChangeOut])
@api_permission(Perm.BILLING_VIEW)
def price_changes(request):
    return [
        {"plan": plan_out(notice.plan), "effective_date": notice.effective_date, "announced_at": notice.created_at}
        for notice in selectors.upcoming_price_changes(request.business)
    ]


@router.post("/billing/savings/{employee_id}/make-free", response={200: SeatPreviewOut, 201: RealizedSavingOut})
@api_permission(Perm.BILLING_MANAGE)
def make_free(request, employee_id: int, payload: MakeFreeIn, dry_run: bool = False):
    business = request.business
    employee = get_for_business_or_404(Employee, business, pk=employee_id)
    role = choice_for_business(Role, business, payload.role_id, "role_id") or selectors.default_free_role(business)
    if dry_run:
        preview = selectors.seat_preview(
            business, employee=employee, role=None if employee.is_designated_owner else role, provides_services=False
        )
        return Status(200, {"dry_run": True, **preview})
    saving = services.employee_make_free(
        actor=request.employee,
        employee=employee,
        role=role,
        expected_seat_version=seat_hooks.seat_pin(payload.expected_seat_version, payload.expected_as_of),
    )
    return Status(
        201,
        {
            "kind": saving.kind,
            "employee_id": saving.employee_id,
            "employee": saving.employee_label,
            "monthly_saving": saving.monthly_saving,
            "currency": saving.currency,
            "recorded_at": saving.recorded_at,
        },
    )
