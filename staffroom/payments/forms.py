"""Payment and refund forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PaymentMethod


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices, widget=forms.RadioSelect)
    tip_amount = forms.DecimalField(label=_("Tip"), min_value=0, max_digits=14, decimal_places=2, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    # A fresh key per form shown: a double click or a browser resubmit makes one payment, not two.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class DiscountForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Discount"), choices=[("amount", _("Amount")), ("percent", _("Percent")), ("none", _("None"))]
    )
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=14, decimal_places=2, required=False)


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    method = forms.ChoiceField(label=_("Method"), choices=PaymentMethod.choices)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)


class AllowanceForm(forms.Form):
    """A price reduction after the sale (no goods or visit returned): how much, why, and how money goes back."""

    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=300, help_text=_("For example: compensation for a defect"))
    refund_method = forms.ChoiceField(
        label=_("Pay back by"),
        choices=[("", _("The method of the payment")), *PaymentMethod.choices],
        required=False,
        help_text=_("Only what was already paid beyond the new price goes back"),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100)
