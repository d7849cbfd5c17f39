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


class NewClientForm(forms.Form):
    """The inline "new client" of the pages that book or order for a client (the booking form, the new-order page):
    a name and a phone however typed, next to the search picker whose radio is `picked_client_field`. Nothing is
    created here: the page hands `new_client()` to `clients.services.with_new_client`, which creates the client
    through `client_create` in the same transaction as the booking or the order, so a refusal leaves no client.

    A typed name wins over the picked radio: the picker checks its first match by itself, while a typed name is
    always the employee's own choice (the worst outcome is a duplicate to merge, never a visit or order for the
    wrong person)."""

    picked_client_field = "client_id"
    new_client_name = forms.CharField(label=_("New client: name"), max_length=200, required=False)
    new_client_phone = forms.CharField(label=_("New client: phone"), max_length=40, required=False)

    def new_client(self) -> dict | None:
        """`client_create`'s fields for the typed new client, or None when a client was picked instead."""
        name = (self.cleaned_data.get("new_client_name") or "").strip()
        if not name:
            return None
        return {"full_name": name, "phone": self.cleaned_data.get("new_client_phone") or ""}

    def clean(self):
        data = super().clean()
        if self.new_client() is not None:
            data[self.picked_client_field] = None
        elif not data.get(self.picked_client_field) and self.picked_client_field not in self.errors:
            self.add_error("new_client_name", _("Choose a client or enter a new client's name."))
        return data


# Where `client_create`'s field errors show on a form with the inline new client.
NEW_CLIENT_ERROR_FIELDS = {"full_name": "new_client_name", "phone": "new_client_phone"}


class MergeForm(forms.Form):
    duplicate_id = forms.IntegerField(label=_("Duplicate client number"), min_value=1)
