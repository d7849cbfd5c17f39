"""Calendar forms: booking, rescheduling, cancelling; choices are always the current business's."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.catalog.models import Service
from staffroom.clients.forms import NewClientForm
from staffroom.core.widgets import DateInput, TimeInput
from staffroom.tenancy.models import Branch

from .selectors import EARLIEST_DATE, LATEST_DATE, specialists_for_business


def _clean_calendar_date(form):
    date = form.cleaned_data["date"]
    if not EARLIEST_DATE <= date <= LATEST_DATE:
        raise forms.ValidationError(_("Choose a date between 2000 and 2199."))
    return date


OUTSIDE_HOURS_LABEL = _("Yes, book outside the working hours this time")


def offers_outside_hours(form) -> bool:
    """Show the override checkbox once the service said this booking needs it (or when it is already ticked)."""
    return "confirm_outside_hours" in form.errors or bool(form.data.get("confirm_outside_hours"))


class BookingForm(NewClientForm):
    client_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Branch.objects.none())
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput(attrs={"step": 300}))
    services = forms.ModelMultipleChoiceField(
        label=_("Services"), queryset=Service.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirm_outside_hours = forms.BooleanField(label=OUTSIDE_HOURS_LABEL, required=False)

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists_for_business(business)
        self.fields["branch"].queryset = Branch.objects.for_business(business).filter(is_active=True)
        self.fields["services"].queryset = Service.objects.for_business(business).filter(is_active=True)

    clean_date = _clean_calendar_date


class RescheduleForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    time = forms.TimeField(label=_("Time"), widget=TimeInput(attrs={"step": 300}))
    specialist = forms.ModelChoiceField(label=_("Specialist"), queryset=Branch.objects.none())
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Hidden until the service asks for the confirmation of this very move (see `offer_confirmation`).
    confirm_outside_hours = forms.BooleanField(label=OUTSIDE_HOURS_LABEL, required=False, widget=forms.HiddenInput)

    clean_date = _clean_calendar_date

    def offer_confirmation(self) -> None:
        self.fields["confirm_outside_hours"].widget = forms.CheckboxInput()

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["specialist"].queryset = specialists_for_business(business)
        self.fields["branch"].queryset = Branch.objects.for_business(business).filter(is_active=True)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
    version = forms.IntegerField(widget=forms.HiddenInput)


def combine_local(business, date: dt.date, time: dt.time) -> dt.datetime:
    from .calculations import local_to_utc

    return local_to_utc(date, time, business.zone)


class WeeklyScheduleForm(forms.Form):
    """Per weekday: a branch and up to two intervals (two make a break). Empty times: a day off."""

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import Weekday

        branches = Branch.objects.for_business(business).filter(is_active=True)
        for weekday in Weekday:
            self.fields[f"branch_{weekday.value}"] = forms.ModelChoiceField(
                label=weekday.label, queryset=branches, required=False
            )
            for part in ("from1", "to1", "from2", "to2"):
                self.fields[f"{part}_{weekday.value}"] = forms.TimeField(
                    required=False, widget=TimeInput(attrs={"step": 900})
                )

    def rows(self):
        from .choices import Weekday

        return [
            {
                "label": weekday.label,
                "branch": self[f"branch_{weekday.value}"],
                "times": [self[f"{part}_{weekday.value}"] for part in ("from1", "to1", "from2", "to2")],
            }
            for weekday in Weekday
        ]

    def intervals(self):
        result = []
        for weekday in range(7):
            branch = self.cleaned_data.get(f"branch_{weekday}")
            for number in (1, 2):
                start = self.cleaned_data.get(f"from{number}_{weekday}")
                end = self.cleaned_data.get(f"to{number}_{weekday}")
                if start is None and end is None:
                    continue
                if branch is None:
                    self.add_error(f"branch_{weekday}", _("Choose the branch for this day."))
                    continue
                if start is None or end is None or start >= end:
                    self.add_error(f"branch_{weekday}", _("Each interval needs a start before its end."))
                    continue
                result.append((weekday, branch, start, end))
        return result


class ScheduleExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    clean_date = _clean_calendar_date
    day_off = forms.BooleanField(label=_("Day off"), required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)
    starts_at = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    ends_at = forms.TimeField(label=_("To"), required=False, widget=TimeInput())

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = Branch.objects.for_business(business).filter(is_active=True)


class OpeningHoursForm(forms.Form):
    """A branch's opening hours per weekday; empty times: closed that day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .choices import Weekday

        for weekday in Weekday:
            for part in ("opens", "closes"):
                self.fields[f"{part}_{weekday.value}"] = forms.TimeField(
                    label=weekday.label, required=False, widget=TimeInput(attrs={"step": 900})
                )

    def rows(self):
        from .choices import Weekday

        return [
            {"label": day.label, "opens": self[f"opens_{day.value}"], "closes": self[f"closes_{day.value}"]}
            for day in Weekday
        ]

    def hours(self):
        result = {}
        for weekday in range(7):
            opens = self.cleaned_data.get(f"opens_{weekday}")
            closes = self.cleaned_data.get(f"closes_{weekday}")
            if opens is None and closes is None:
                result[weekday] = None
            elif opens is None or closes is None or opens >= closes:
                self.add_error(f"opens_{weekday}", _("Give an opening time before the closing time."))
            else:
                result[weekday] = (opens, closes)
        return result
