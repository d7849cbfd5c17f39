"""Forms of the services catalogue."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.staff.selectors import specialists_for_business

from .models import ServiceCategory


class ServiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=ServiceCategory.objects.none(), required=False)
    new_category = forms.CharField(label=_("Or a new category"), max_length=120, required=False)
    duration_minutes = forms.IntegerField(label=_("Duration, minutes"), min_value=1, max_value=1440)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=14, decimal_places=2)
    specialists = forms.ModelMultipleChoiceField(
        label=_("Provided by"),
        queryset=ServiceCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.for_business(business)
        self.fields["specialists"].queryset = specialists_for_business(business)
