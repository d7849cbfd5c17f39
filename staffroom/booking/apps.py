"""App configuration for online booking by clients and client notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "staffroom.booking"
    label = "booking"
    verbose_name = _("Online booking")
