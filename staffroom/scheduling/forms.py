"""Calendar forms: booking, rescheduling, cancelling; choices are always the current business's."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.catalog.models import Service
from staffroom.tenancy.models import Branch

from .selectors import specialists_for_business


class BookingForm(forms.Form):
    client_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    new_client_name = forms.CharField(label=_("New client: name"), max_length=200, required=False)
    new_client_phone = forms.CharField(label=_("New client: phone"), max_length=40, required=False)
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Branch.objects.none())
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    services = forms.ModelMultipleChoiceField(
        label=_("Services"), queryset=Service.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists_for_business(business)
        self.fields["branch"].queryset = Branch.objects.for_business(business).filter(is_active=True)
        self.fields["services"].queryset = Service.objects.for_business(business).filter(is_active=True)

    def clean(self):
        data = super().clean()
        if not data.get("client_id") and not (data.get("new_client_name") or "").strip():
            self.add_error("new_client_name", _("Choose a client or enter a new client's name."))
        return data


class RescheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Branch.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists_for_business(business)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


def combine_local(business, date: dt.date, time: dt.time) -> dt.datetime:
    from .calculations import local_to_utc

    return local_to_utc(date, time, business.zone)
