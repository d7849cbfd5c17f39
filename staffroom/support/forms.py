"""Forms of the support desk pages (business side and agent console)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.core.widgets import DateInput, TimeInput

from .models import (
    AbuseDecision,
    CandidateSource,
    SlaTarget,
    SupportPlan,
    TicketPriority,
    TicketStatus,
    TicketType,
    TrainingLevel,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files in one input; the service checks their size and type."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(AttachmentsField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class TicketForm(forms.Form):
    ticket_type = forms.ChoiceField(label=_("Type"), choices=TicketType.choices, initial=TicketType.BUG)
    priority = forms.ChoiceField(label=_("Priority"), choices=TicketPriority.choices, initial=TicketPriority.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    attachments = AttachmentsField(label=_("Attachments"), required=False)
    # Training requests only: the requirements the operator prices the training from.
    role_to_train = forms.CharField(
        label=_("Role to train"), max_length=120, required=False, help_text=_("Training requests only.")
    )
    level = forms.ChoiceField(label=_("Level to reach"), choices=[("", "—"), *TrainingLevel.choices], required=False)
    workplace = forms.CharField(label=_("Workplace"), max_length=200, required=False)
    candidate_source = forms.ChoiceField(
        label=_("Candidate comes from"), choices=[("", "—"), *CandidateSource.choices], required=False
    )
    deadline = forms.DateField(label=_("Trained by"), required=False, widget=DateInput())

    TRAINING_FIELDS = ("role_to_train", "level", "workplace", "candidate_source", "deadline")

    def training(self) -> dict | None:
        data = self.cleaned_data
        if data.get("ticket_type") != TicketType.TRAINING:
            return None
        return {name: data.get(name) for name in self.TRAINING_FIELDS}


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))
    attachments = AttachmentsField(label=_("Attachments"), required=False)


class AgentReplyForm(ReplyForm):
    is_internal = forms.BooleanField(label=_("Internal note (never shown to the business)"), required=False)
    wait_for_customer = forms.BooleanField(label=_("Wait for the customer (pauses the SLA clock)"), required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)


class EstimateForm(forms.Form):
    effort_hours = forms.DecimalField(label=_("Effort (hours)"), min_value=0, max_digits=8, decimal_places=2)
    price = forms.DecimalField(label=_("Price"), min_value=0, max_digits=12, decimal_places=2)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class SpecificationForm(forms.Form):
    specification = forms.CharField(label=_("Specification"), widget=forms.Textarea(attrs={"rows": 5}))


class ProgressForm(forms.Form):
    body = forms.CharField(label=_("Progress update"), widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(forms.Form):
    note = forms.CharField(label=_("What was delivered"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AbuseDecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=AbuseDecision.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note to the agent"), widget=forms.Textarea(attrs={"rows": 2}))
    restricted_days = forms.IntegerField(
        label=_("Days restricted to bug reports"), min_value=1, max_value=365, required=False
    )


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (inclusive)"), widget=DateInput())
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[("ticket_type", _("Type")), ("plan", _("Plan")), ("assignee", _("Agent"))],
        initial="ticket_type",
    )


WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class SlaRuleForm(forms.Form):
    plan = forms.ChoiceField(label=_("Plan"), choices=SupportPlan.choices)
    ticket_type = forms.ChoiceField(label=_("Ticket type"), choices=TicketType.choices)
    target = forms.ChoiceField(label=_("Target"), choices=SlaTarget.choices)
    working_hours = forms.DecimalField(
        label=_("Working hours"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("Empty: the deadline is the due date of the estimate the customer accepts."),
    )
    same_day_cutoff = forms.TimeField(label=_("Same-day cut-off"), required=False, widget=TimeInput())


class CalendarForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    time_zone = forms.CharField(label=_("Time zone"), max_length=64, help_text=_("For example Europe/Moscow."))
    country = forms.CharField(
        label=_("Public holidays of country"), max_length=2, required=False, help_text=_("Two letters, e.g. RU.")
    )
    subdivision = forms.CharField(label=_("Region for holidays"), max_length=10, required=False)
    working_weekdays = forms.TypedMultipleChoiceField(
        label=_("Working weekdays"), choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple
    )
    day_starts_at = forms.TimeField(label=_("Day starts at"), widget=TimeInput())
    day_ends_at = forms.TimeField(label=_("Day ends at"), widget=TimeInput())
    is_default = forms.BooleanField(label=_("Default calendar"), required=False)


class CalendarDayForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    is_working_day = forms.BooleanField(label=_("Extra working day (otherwise a day off)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
