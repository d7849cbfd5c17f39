"""Forms of the booking pages: the client's contact step, cancelling by link, and the staff settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ConfirmationChannel

SETTINGS_NUMBERS = (
    "days_ahead",
    "minimum_notice_minutes",
    "slot_step_minutes",
    "change_window_hours",
    "reminder_hours_before",
    "attempts_per_contact_per_day",
    "attempts_per_ip_per_hour",
    "attempts_per_device_per_day",
    "no_shows_for_review",
    "screened_for_review",
    "rare_arrival_percent",
)
SETTINGS_FLAGS = ("is_enabled", "offers_any_specialist", "requires_phone", "requires_email")


class ContactForm(forms.Form):
    full_name = forms.CharField(label=_("Your name"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    accepts_messages = forms.BooleanField(label=_("Send me reminders and news about my visits"), required=False)
    # The honeypot: hidden from people by CSS, filled in by form-filling bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, settings, **kwargs):
        super().__init__(*args, **kwargs)
        needs_phone = settings.requires_phone or settings.confirmation_channel == ConfirmationChannel.SMS
        needs_email = settings.requires_email or settings.confirmation_channel == ConfirmationChannel.EMAIL
        self.fields["phone"].required = needs_phone
        self.fields["email"].required = needs_email
        self.fields["phone"].widget.attrs.update(autocomplete="tel", inputmode="tel")
        self.fields["email"].widget.attrs.update(autocomplete="email")
        self.fields["full_name"].widget.attrs.update(autocomplete="name")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why do you cancel?"), max_length=300)


class BranchBookingForm(forms.Form):
    slug = forms.SlugField(label=_("Address"), max_length=60)
    is_enabled = forms.BooleanField(label=_("Takes online bookings"), required=False)


class BookingSettingsForm(forms.Form):
    slug = forms.SlugField(label=_("Address of the booking page"), max_length=60)
    is_enabled = forms.BooleanField(label=_("Online booking is on"), required=False)
    bookable_service_ids = forms.MultipleChoiceField(
        label=_("Bookable services (none chosen: all)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    bookable_specialist_ids = forms.MultipleChoiceField(
        label=_("Bookable specialists (none chosen: all)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    days_ahead = forms.IntegerField(label=_("How many days ahead"), min_value=1, max_value=365)
    minimum_notice_minutes = forms.IntegerField(label=_("Minimum notice, minutes"), min_value=0)
    slot_step_minutes = forms.IntegerField(label=_("Slot step, minutes"), min_value=5, max_value=240)
    change_window_hours = forms.IntegerField(label=_("Cancel or reschedule up to, hours before"), min_value=0)
    offers_any_specialist = forms.BooleanField(label=_('Offer "any specialist"'), required=False)
    requires_phone = forms.BooleanField(label=_("Phone required"), required=False)
    requires_email = forms.BooleanField(label=_("E-mail required"), required=False)
    client_text = forms.CharField(
        label=_("Text for the client"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirmation_channel = forms.ChoiceField(label=_("Confirmation channel"), choices=ConfirmationChannel.choices)
    reminder_hours_before = forms.IntegerField(label=_("Reminder, hours before (0: none)"), min_value=0)
    attempts_per_contact_per_day = forms.IntegerField(label=_("Attempts per contact a day"), min_value=1)
    attempts_per_ip_per_hour = forms.IntegerField(label=_("Attempts per IP address an hour"), min_value=1)
    attempts_per_device_per_day = forms.IntegerField(label=_("Attempts per device a day"), min_value=1)
    no_shows_for_review = forms.IntegerField(label=_("No-shows that send a client to review"), min_value=1)
    screened_for_review = forms.IntegerField(label=_("Screened attempts that send a contact to review"), min_value=1)
    rare_arrival_percent = forms.IntegerField(
        label=_("Flag sources whose bookings arrive less often than, %"), min_value=0, max_value=100
    )

    def __init__(self, *args, instance_settings, business, **kwargs):
        from staffroom.catalog.models import Service
        from staffroom.scheduling.selectors import specialists_for_business

        initial = {name: getattr(instance_settings, name) for name in (*SETTINGS_NUMBERS, *SETTINGS_FLAGS)}
        initial.update(
            slug=instance_settings.slug,
            client_text=instance_settings.client_text,
            confirmation_channel=instance_settings.confirmation_channel,
            bookable_service_ids=[str(pk) for pk in instance_settings.bookable_service_ids],
            bookable_specialist_ids=[str(pk) for pk in instance_settings.bookable_specialist_ids],
        )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["bookable_service_ids"].choices = [
            (str(service.pk), service.name)
            for service in Service.objects.for_business(business).filter(is_active=True).order_by("name", "id")
        ]
        self.fields["bookable_specialist_ids"].choices = [
            (str(employee.pk), employee.full_name) for employee in specialists_for_business(business)
        ]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["bookable_service_ids"] = [int(pk) for pk in data["bookable_service_ids"]]
        data["bookable_specialist_ids"] = [int(pk) for pk in data["bookable_specialist_ids"]]
        return data
