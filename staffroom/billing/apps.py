"""App configuration for subscription billing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "staffroom.billing"
    label = "billing"
    verbose_name = _("Subscription billing")
