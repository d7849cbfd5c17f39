"""Pages: the Billing page, printable invoices, the "will my price change?" preview fragment, the savings advisor."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff import seat_hooks
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, Role
from staffroom.staff.permissions import permission_required
from staffroom.staff.selectors import employee_seat, employees_for_business

from . import calculations, documents, selectors, services
from .models import SubscriptionStatus, TermMonths


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _advisor_days(request) -> int:
    days = _int_or_none(request.GET.get("days")) or 30
    return min(max(days, 1), 366)


@permission_required(Perm.BILLING_VIEW)
def overview(request):
    business = request.business
    subscription = selectors.subscription_for_business(business)
    context = {"subscription": subscription}
    if subscription is not None:
        seats = [(employee, employee_seat(employee)) for employee in employees_for_business(business)]
        renewal_plan = services.renewal_plan_for(subscription)
        months = subscription.renewal_months
        context.update(
            {
                "seats": [(employee, seat) for employee, seat in seats if seat.is_billable],
                "free_seats": [(employee, seat) for employee, seat in seats if not seat.is_billable],
                "seat_summary": selectors.seat_summary(business),
                "monthly_price": subscription.plan.price_terms.monthly_price(subscription.billable_count),
                "events": selectors.ledger_events(business).select_related("employee")[:50],
                "invoices": selectors.invoices_for_business(business)[:50],
                "renewal_plan": renewal_plan,
                "renewal": calculations.invoice_quote(
                    terms=renewal_plan.price_terms,
                    billable=subscription.billable_count,
                    months=months,
                    discount_percent=renewal_plan.discount_for(months),
                ),
                "plans": selectors.offered_plans(currency=subscription.plan.currency),
                "term_choices": TermMonths.choices,
                "can_purchase": subscription.status != SubscriptionStatus.ACTIVE,
                "savings": selectors.savings_advice(business, days=_advisor_days(request)),
                "realized": selectors.realized_savings(business)[:20],
                "price_changes": selectors.upcoming_price_changes(business),
            }
        )
    return render(request, "billing/overview.html", context)


@permission_required(Perm.BILLING_MANAGE)
@require_POST
def next_term_change(request):
    plan = selectors.offered_plan(_int_or_none(request.POST.get("plan")))
    try:
        services.subscription_change_next_term(
            actor=request.employee, plan=plan, term_months=_int_or_none(request.POST.get("term_months"))
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved: the change applies from the next term."))
    return redirect("billing:overview")


@permission_required(Perm.BILLING_MANAGE)
@require_POST
def purchase(request):
    try:
        invoice = services.subscription_purchase(
            actor=request.employee, months=_int_or_none(request.POST.get("term_months")) or 0
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("billing:overview")
    messages.success(request, _("Invoice %(number)s issued: pay it by bank transfer.") % {"number": invoice.number})
    return redirect("billing:invoice", invoice_id=invoice.pk)


@permission_required(Perm.BILLING_VIEW)
def invoice_detail(request, invoice_id):
    invoice = get_for_business_or_404(
        selectors.invoices_for_business(request.business), request.business, pk=invoice_id
    )
    return render(request, "billing/invoice.html", {"invoice": invoice, "business": request.business})


@permission_required(Perm.BILLING_VIEW)
def invoice_pdf(request, invoice_id):
    invoice = get_for_business_or_404(
        selectors.invoices_for_business(request.business).select_related("subscription", "business"),
        request.business,
        pk=invoice_id,
    )
    response = HttpResponse(documents.invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{documents.invoice_pdf_filename(invoice)}"'
    return response


@permission_required(Perm.BILLING_VIEW)
def savings_center(request):
    """Every action that lowered the bill, what more would lower it, and the savings by month."""
    business = request.business
    subscription = selectors.subscription_for_business(business)
    if subscription is None:
        raise Http404
    return render(
        request,
        "billing/savings.html",
        {
            "subscription": subscription,
            "savings": selectors.savings_advice(business, days=_advisor_days(request)),
            "suggestions": selectors.saving_suggestions(business),
            "realized": selectors.realized_savings(business)[:100],
            "by_month": selectors.savings_by_month(business),
            "price_changes": selectors.upcoming_price_changes(business),
        },
    )


@permission_required(Perm.BILLING_MANAGE)
@require_POST
def billing_details_change(request):
    try:
        services.subscription_billing_details_change(
            actor=request.employee,
            legal_name=request.POST.get("customer_legal_name", ""),
            details=request.POST.get("customer_details", ""),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved: new invoices carry these details."))
    return redirect("billing:overview")


def _render_preview(request, preview):
    return render(request, "billing/_preview.html", {"preview": preview})


@permission_required(Perm.EMPLOYEES_MANAGE)
def preview_employee(request):
    """htmx: the effect of the employee form's current values (role, services flag) before saving."""
    business = request.business
    employee_id = _int_or_none(request.GET.get("employee"))
    employee = get_for_business_or_404(Employee, business, pk=employee_id) if employee_id else None
    role_id = _int_or_none(request.GET.get("role"))
    role = Role.objects.for_business(business).filter(pk=role_id).first() if role_id else None
    if employee is None and role is None:
        return _render_preview(request, None)
    status = request.GET.get("status") if request.GET.get("status") in ("active", "blocked") else None
    preview = selectors.seat_preview(
        business,
        employee=employee,
        is_new=employee is None,
        role=role,
        provides_services=request.GET.get("provides_services") in ("on", "true", "1"),
        status=status,
    )
    return _render_preview(request, preview)


@permission_required(Perm.ROLES_MANAGE)
def preview_role(request, role_id):
    """htmx: the effect of the role form's ticked permissions on every holder of the role."""
    role = get_for_business_or_404(Role, request.business, pk=role_id)
    preview = selectors.seat_preview(request.business, role=role, role_permissions=request.GET.getlist("permissions"))
    return _render_preview(request, preview)


@permission_required(Perm.BILLING_MANAGE)
@require_http_methods(["GET", "POST"])
def make_free(request, employee_id):
    """The savings advisor's one-click change, shown through the same preview before it is applied."""
    business = request.business
    employee = get_for_business_or_404(employees_for_business(business), business, pk=employee_id)
    free_roles = selectors.free_roles(business)
    if not free_roles and not employee.is_designated_owner:
        raise Http404
    role = selectors.default_free_role(business, _int_or_none(request.POST.get("role")))
    if request.method == "POST":
        try:
            services.employee_make_free(
                actor=request.employee,
                employee=employee,
                role=role,
                expected_seat_version=seat_hooks.seat_pin(
                    request.POST.get("seat_version"), request.POST.get("seat_as_of")
                ),
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is now free.") % {"name": employee.full_name})
            return redirect("billing:overview")
    preview = selectors.seat_preview(
        business,
        employee=employee,
        role=None if employee.is_designated_owner else role,
        provides_services=False,
    )
    return render(
        request,
        "billing/make_free.html",
        {"employee": employee, "preview": preview, "free_roles": free_roles, "role": role},
    )
