"""Forms of business settings and branches."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from staffroom.core.money import CURRENCY_CHOICES

TIME_ZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class BusinessSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=TIME_ZONE_CHOICES)
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    country = forms.CharField(label=_("Country (ISO code)"), min_length=2, max_length=2)


class BranchForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
