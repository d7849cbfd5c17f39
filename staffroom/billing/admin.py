"""Operator console: plans (revised as new versions), subscriptions with their ledger, invoices and payments."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from staffroom.core.admin import PlatformAdmin, ReadOnlyAdmin
from staffroom.core.errors import ApplicationError
from staffroom.tenancy.models import Business

from . import services
from .models import Invoice, InvoiceStatus, Plan, RealizedSaving, SeatLedgerEvent, Subscription


@admin.register(Plan)
class PlanAdmin(PlatformAdmin):
    list_display = ("code", "version", "name", "currency", "base_price", "free_seats", "seat_price", "is_offered")
    list_filter = ("currency", "is_offered", "code")
    search_fields = ("code", "name")
    readonly_fields = ("version",)

    def save_model(self, request, obj, form, change):
        # A revision is saved as a new version and announced; the operator API calls the same service.
        told = services.plan_save_by_operator(plan=obj, operator_label=str(request.user), revise=change)
        if change:
            messages.info(
                request,
                _("Saved as version %(version)s; subscriptions take it from their next term.")
                % {"version": obj.version},
            )
            messages.info(request, _("The price change was announced to %(count)s businesses.") % {"count": told})

    def response_change(self, request, obj):
        return HttpResponseRedirect(reverse("admin:billing_plan_changelist"))


class SubscriptionStartForm(forms.ModelForm):
    business = forms.ModelChoiceField(queryset=Business.objects.all())

    class Meta:
        model = Subscription
        fields = ("business", "plan", "term_months")


@admin.register(Subscription)
class SubscriptionAdmin(PlatformAdmin):
    list_display = ("business", "plan", "status", "term_months", "paid_until", "billable_count", "ledger_version")
    list_filter = ("status", "plan__code")
    search_fields = ("business__name",)
    readonly_fields = (
        "status",
        "term_start",
        "paid_until",
        "billable_count",
        "ledger_version",
        "ledger_value",
        "ledger_history",
    )
    fields = ("business", "plan", "term_months", "next_plan", "next_term_months", *readonly_fields)
    actions = ["recount_seats"]

    @admin.display(description=_("Seat ledger"))
    def ledger_history(self, obj):
        events = SeatLedgerEvent.objects.for_business(obj.business_id).filter(subscription=obj).order_by("-version")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} → {}</td><td>{} → {}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    event.version,
                    event.effective_date,
                    event.get_kind_display(),
                    event.billable_before,
                    event.billable_after,
                    event.paid_until_before or "",
                    event.paid_until_after,
                    event.cause_label,
                    event.employee_label,
                )
                for event in events[:100]
            ),
        )
        return format_html("<table>{}</table>", rows)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = SubscriptionStartForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return SubscriptionStartForm.Meta.fields
        return self.fields

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # The current term is as bought; operators change what applies from the next term.
        return ("business", "plan", "term_months", *self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            try:
                services.subscription_next_term_set_by_operator(
                    subscription=obj,
                    next_plan=form.cleaned_data.get("next_plan"),
                    next_term_months=form.cleaned_data.get("next_term_months"),
                    operator_label=str(request.user),
                )
            except ApplicationError as error:
                messages.error(request, error.message)
            return None
        data = form.cleaned_data
        created = services.subscription_start_trial(
            business=data["business"], plan=data["plan"], term_months=data["term_months"], actor_label=str(request.user)
        )
        obj.pk = created.pk

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(reverse("admin:billing_subscription_change", args=[obj.pk]))

    @admin.action(description=_("Recount billable employees"))
    def recount_seats(self, request, queryset):
        changed = services.seats_recount_by_operator(
            subscriptions=list(queryset.select_related("business")), operator_label=str(request.user)
        )
        messages.info(request, _("%(count)s subscriptions recounted.") % {"count": changed})


class InvoicePaymentForm(forms.ModelForm):
    bank_reference = forms.CharField(
        label=_("Bank transfer reference"),
        required=False,
        max_length=120,
        help_text=_("Enter the reference from the bank statement to mark this invoice paid."),
    )

    class Meta:
        model = Invoice
        fields = ()


@admin.register(Invoice)
class InvoiceAdmin(PlatformAdmin):
    form = InvoicePaymentForm
    list_display = ("number", "business", "kind", "term_start", "term_months", "total", "currency", "status", "paid_at")
    list_filter = ("status", "kind", "currency")
    search_fields = ("number", "business__name", "payment_reference")
    date_hierarchy = "term_start"
    readonly_fields = (
        "number",
        "business",
        "subscription",
        "kind",
        "plan",
        "term_start",
        "term_end",
        "term_months",
        "billable_count",
        "paid_seats",
        "base_line",
        "seats_line",
        "total",
        "currency",
        "status",
        "issued_on",
        "paid_at",
        "payment_method",
        "payment_reference",
        "paid_by_label",
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and obj.status == InvoiceStatus.ISSUED:
            fields.append("bank_reference")
        return fields

    def save_model(self, request, obj, form, change):
        reference = form.cleaned_data.get("bank_reference")
        if not reference:
            return
        try:
            services.invoice_mark_paid(invoice=obj, operator_label=str(request.user), reference=reference)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Invoice %(number)s marked paid.") % {"number": obj.number})


@admin.register(SeatLedgerEvent)
class SeatLedgerEventAdmin(ReadOnlyAdmin):
    list_display = ("business", "version", "kind", "effective_date", "billable_before", "billable_after", "cause")
    list_filter = ("kind",)
    search_fields = ("business__name", "employee_label", "cause")


@admin.register(RealizedSaving)
class RealizedSavingAdmin(ReadOnlyAdmin):
    list_display = ("business", "employee_label", "monthly_saving", "currency", "recorded_at")
    search_fields = ("business__name", "employee_label")
