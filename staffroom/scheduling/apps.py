"""App configuration for schedules and calendar."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "staffroom.scheduling"
    label = "scheduling"
    verbose_name = _("Schedules and calendar")

    def ready(self):
        # The savings advisor asks each app that knows who used their paid rights.
        from staffroom.billing.activity import register_activity_source

        from .selectors import employees_active_in_calendar

        register_activity_source("calendar", employees_active_in_calendar)

        # Clients are below scheduling: the client card shows the visits, a merge moves them.
        from staffroom.clients import hooks as clients_hooks

        from .client_hooks import client_card_visits, client_merged_move_appointments

        clients_hooks.client_card_filled.register(client_card_visits)
        clients_hooks.client_merged.register(client_merged_move_appointments)
