"""Client forms."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClientForm(forms.Form):
    full_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    tags = forms.CharField(label=_("Tags"), max_length=500, required=False, help_text=_("Separated by commas"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    accepts_messages = forms.BooleanField(label=_("Consents to messages"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, can_edit_contacts: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_contacts:
            # Hidden contacts are neither shown nor accepted (SECURITY.md 16).
            del self.fields["phone"]
            del self.fields["email"]

    def clean_tags(self):
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class MergeForm(forms.Form):
    duplicate_id = forms.IntegerField(label=_("Duplicate client number"), min_value=1)
