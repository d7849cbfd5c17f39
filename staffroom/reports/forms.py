"""Filter forms of the sales report and the KPI page, and the KPI target form."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.catalog.models import ServiceCategory
from staffroom.core.widgets import DateInput
from staffroom.reports.choices import KpiMetric
from staffroom.staff.models import Employee, Role
from staffroom.tenancy.models import Branch

from .calculations import GROUPINGS

GROUP_CHOICES = [
    ("period", _("Period")),
    ("branch", _("Branch")),
    ("employee", _("Employee")),
    ("category", _("Service category")),
]
GROUPING_CHOICES = [("day", _("Day")), ("week", _("Week")), ("month", _("Month"))]
assert [code for code, _label in GROUPING_CHOICES] == list(GROUPINGS)


def this_month(business) -> tuple[dt.date, dt.date]:
    today = timezone.now().astimezone(business.zone).date()
    return today.replace(day=1), today


def last_complete_month(business) -> tuple[dt.date, dt.date]:
    """The default report period: the last whole calendar month (month-to-date is empty early in a month)."""
    today = timezone.now().astimezone(business.zone).date()
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


def quick_ranges(business) -> list[tuple[str, dt.date, dt.date]]:
    """One-click periods for the report filters, as local business dates."""
    today = timezone.now().astimezone(business.zone).date()
    monday = today - dt.timedelta(days=today.weekday())
    last_month = last_complete_month(business)
    return [
        (_("Yesterday"), today - dt.timedelta(days=1), today - dt.timedelta(days=1)),
        (_("Last week"), monday - dt.timedelta(days=7), monday - dt.timedelta(days=1)),
        (_("Last month"), *last_month),
        (_("Last 30 days"), today - dt.timedelta(days=30), today - dt.timedelta(days=1)),
        (_("This month so far"), *this_month(business)),
    ]


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)

    def __init__(self, data=None, *, business, **kwargs):
        start, end = last_complete_month(business)
        if data is None or "start" not in data:
            data = None
        super().__init__(
            data, initial={"start": start, "end": end, "grouping": "day", "group_by": ["period"]}, **kwargs
        )
        self.business = business
        self.fields["branch"].queryset = Branch.objects.for_business(business)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("The end cannot be before the start."))
        return cleaned

    def values(self) -> dict:
        """The cleaned values, or the defaults when the form was not submitted."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data
        return {name: self.initial.get(name) for name in self.fields}


class SalesFilterForm(PeriodForm):
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("Service category"), queryset=ServiceCategory.objects.none(), required=False
    )
    group_by = forms.MultipleChoiceField(
        label=_("Rows by"), choices=GROUP_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    grouping = forms.ChoiceField(label=_("Periods"), choices=GROUPING_CHOICES)

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, business=business, **kwargs)
        self.fields["employee"].queryset = Employee.objects.for_business(business).order_by("full_name")
        self.fields["category"].queryset = ServiceCategory.objects.for_business(business)


class KpiTargetForm(forms.Form):
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none())
    metric = forms.ChoiceField(label=_("KPI"), choices=KpiMetric.choices)
    target = forms.DecimalField(
        label=_("Target per month"),
        required=False,
        max_digits=14,
        decimal_places=2,
        help_text=_("Leave empty to remove the target."),
    )

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["role"].queryset = Role.objects.for_business(business)
