"""App configuration for online booking by clients and client notifications."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingConfig(AppConfig):
    name = "staffroom.booking"
    label = "booking"
    verbose_name = _("Online booking")

    def ready(self):
        # Scheduling announces staff changes of appointments; the client hears of them from here.
        from staffroom.scheduling.services import register_appointment_listener

        from .notifications import on_staff_appointment_change

        register_appointment_listener(on_staff_appointment_change)
