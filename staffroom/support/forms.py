"""Forms of the support desk pages (business side and agent console)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from staffroom.core.widgets import DateInput

from .models import TicketPriority, TicketStatus, TicketType


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
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To (inclusive)"), widget=DateInput())
    by = forms.ChoiceField(
        label=_("Per"),
        choices=[("ticket_type", _("Type")), ("plan", _("Plan")), ("assignee", _("Agent"))],
        initial="ticket_type",
    )
