"""The webhook form of the settings pages; URL and events are checked by the services, with the API's messages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import WebhookEvent


class EventsField(forms.MultipleChoiceField):
    """Ticked events; which are known and that one is needed is the service's rule (the API's messages)."""

    def validate(self, value):
        pass


class WebhookSubscriptionForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=500,
        widget=forms.TextInput(attrs={"inputmode": "url", "placeholder": "https://", "autocomplete": "off"}),
        help_text=_("Where the events are sent: https:// to a public address."),
    )
    events = EventsField(
        label=_("Events"), choices=WebhookEvent.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
