"""App configuration for payments."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "staffroom.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        # The savings advisor asks each app that knows who used their paid rights.
        from staffroom.billing.activity import register_activity_source

        from .selectors import employees_who_took_payments

        register_activity_source("payments", employees_who_took_payments)

        # Scheduling is below payments: a visit's page, cancellation and discount ask what it has been paid here.
        from staffroom.scheduling import hooks as scheduling_hooks

        from .selectors import allowances_of_appointment, appointment_allowance_amount, appointment_paid_amount

        scheduling_hooks.paid_amount.register(appointment_paid_amount)
        scheduling_hooks.allowance_amount.register(appointment_allowance_amount)
        scheduling_hooks.allowances.register(allowances_of_appointment)

        # Clients are below payments: the client card shows what was paid, a merge moves the payments.
        from staffroom.clients import hooks as clients_hooks

        from .client_hooks import client_card_money, client_merged_move_payments

        clients_hooks.client_card_filled.register(client_card_money)
        clients_hooks.client_merged.register(client_merged_move_payments)
