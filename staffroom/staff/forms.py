"""Employee and role forms; choices are always the current business's."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from staffroom.core.widgets import DateInput
from staffroom.tenancy.models import Branch

from .catalogue import CATALOGUE
from .models import Role


class EmployeeForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    login_email = forms.EmailField(
        label=_("Login e-mail"),
        required=False,
        help_text=_("Leave empty for an employee who does not sign in"),
    )
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Optional: without it the employee sets one through 'Forgot password'"),
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("Contact e-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=120, required=False)
    provides_services = forms.BooleanField(label=_("Provides services"), required=False)
    hire_date = forms.DateField(
        label=_("Hire date"),
        required=False,
        widget=DateInput(),
        help_text=_("The first day employed; payroll pays nothing for time before it"),
    )
    leave_date = forms.DateField(
        label=_("Leave date"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day employed; empty while the employee stays"),
    )
    role = forms.ModelChoiceField(label=_("Role"), queryset=Role.objects.none())
    branches = forms.ModelMultipleChoiceField(
        label=_("Works in branches"),
        queryset=Branch.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    role_branches = forms.ModelMultipleChoiceField(
        label=_("Role limited to branches"),
        queryset=Branch.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the role applies in every branch"),
    )
    calendar_colour = forms.CharField(
        label=_("Calendar colour"),
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "#3366cc", "pattern": "#[0-9a-fA-F]{6}"}),
        help_text=_("Empty: the calendar picks one"),
    )
    calendar_position = forms.IntegerField(
        label=_("Position in the calendar"),
        min_value=0,
        max_value=32767,
        required=False,
        help_text=_("Columns of the branch day go from small to large"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        hire_date, leave_date = cleaned.get("hire_date"), cleaned.get("leave_date")
        if hire_date and leave_date and leave_date < hire_date:
            self.add_error("leave_date", _("The leave date cannot be before the hire date."))
        return cleaned

    def __init__(self, *args, business, is_new: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Role.objects.for_business(business)
        branches = Branch.objects.for_business(business).filter(is_active=True)
        self.fields["branches"].queryset = branches
        self.fields["role_branches"].queryset = branches
        if is_new:
            self.fields["hire_date"].initial = timezone.now().astimezone(business.zone).date()
            # Set on the employee's page once they exist.
            del self.fields["calendar_colour"]
            del self.fields["calendar_position"]
        else:
            del self.fields["login_email"]
            del self.fields["password"]

    def clean_calendar_position(self):
        return self.cleaned_data.get("calendar_position") or 0


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        choices=[(info.code, info.label) for info in CATALOGUE],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
