"""Forms of the payroll pages: a run's period, a pay scheme with its rule rows, and an assignment."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.catalog.models import ServiceCategory
from staffroom.core.widgets import DateInput
from staffroom.staff.models import Employee, Role
from staffroom.tenancy.models import Branch

from .choices import KpiMetric, RuleKind
from .models import PayScheme

RULE_ROWS = 6


class RunForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False, empty_label=_("All branches")
    )

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["branch"].queryset = Branch.objects.for_business(business)


def parse_tiers(text: str) -> list[dict]:
    """ "100=3000; 150=6000; 200=10%" → steps: at 100 pay 3 000, at 150 pay 6 000, at 200 pay 10 % of earnings."""
    tiers = []
    for part in (text or "").replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        threshold, _sep, pays = part.partition("=")
        try:
            if pays.strip().endswith("%"):
                tiers.append({"threshold": Decimal(threshold.strip()), "percent": Decimal(pays.strip()[:-1])})
            else:
                tiers.append({"threshold": Decimal(threshold.strip()), "amount": Decimal(pays.strip())})
        except InvalidOperation as error:
            raise forms.ValidationError(_("Write steps as target=amount or target=percent%, separated by ;")) from error
    return tiers


class SchemeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        categories = ServiceCategory.objects.for_business(business)
        kinds = [("", "—")] + [(k, label) for k, label in RuleKind.choices if k != RuleKind.CORRECTION]
        for index in range(RULE_ROWS):
            self.fields[f"rule_{index}_kind"] = forms.ChoiceField(label=_("Rule"), choices=kinds, required=False)
            self.fields[f"rule_{index}_amount"] = forms.DecimalField(label=_("Amount"), required=False, min_value=0)
            self.fields[f"rule_{index}_percent"] = forms.DecimalField(
                label=_("Percent"), required=False, min_value=0, max_value=100
            )
            self.fields[f"rule_{index}_category"] = forms.ModelChoiceField(
                label=_("Service category"), queryset=categories, required=False, empty_label=_("All")
            )
            self.fields[f"rule_{index}_only_arrived"] = forms.BooleanField(
                label=_("Only visits that arrived"), required=False
            )
            self.fields[f"rule_{index}_metric"] = forms.ChoiceField(
                label=_("KPI"), choices=[("", "—"), *KpiMetric.choices], required=False
            )
            self.fields[f"rule_{index}_tiers"] = forms.CharField(
                label=_("Bonus steps"), required=False, help_text=_("e.g. 100=3000; 150=6000; 200=10%")
            )

    def rule_rows(self):
        return [
            [
                self[f"rule_{index}_{name}"]
                for name in ("kind", "amount", "percent", "category", "only_arrived", "metric", "tiers")
            ]
            for index in range(RULE_ROWS)
        ]

    def rules(self) -> list[dict]:
        rules = []
        for index in range(RULE_ROWS):
            kind = self.cleaned_data.get(f"rule_{index}_kind")
            if not kind:
                continue
            category = self.cleaned_data.get(f"rule_{index}_category")
            try:
                tiers = parse_tiers(self.cleaned_data.get(f"rule_{index}_tiers", ""))
            except forms.ValidationError as error:
                self.add_error(f"rule_{index}_tiers", error)
                tiers = []
            rules.append(
                {
                    "kind": kind,
                    "amount": self.cleaned_data.get(f"rule_{index}_amount") or 0,
                    "percent": self.cleaned_data.get(f"rule_{index}_percent") or 0,
                    "category_id": category.pk if category else None,
                    "only_arrived": self.cleaned_data.get(f"rule_{index}_only_arrived"),
                    "metric": self.cleaned_data.get(f"rule_{index}_metric"),
                    "tiers": tiers,
                }
            )
        return rules


class AssignmentForm(forms.Form):
    scheme = forms.ModelChoiceField(label=_("Pay scheme"), queryset=PayScheme.objects.none())
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=Employee.objects.none(), required=False)
    role = forms.ModelChoiceField(label=_("or role"), queryset=Role.objects.none(), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=DateInput())

    def __init__(self, data=None, *, business, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["scheme"].queryset = PayScheme.objects.for_business(business)
        self.fields["employee"].queryset = Employee.objects.for_business(business).order_by("full_name")
        self.fields["role"].queryset = Role.objects.for_business(business)
