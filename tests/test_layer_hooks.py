"""The apps above register with the hooks of the apps below when Django is ready (docs/architecture.md, "Shape").

Behaviour through the hooks is tested in each app (the client card and merge, a paid visit's cancellation, API
tokens); this checks the wiring itself: exactly the owning app's function answers each provider hook.
"""

from staffroom.clients import hooks as clients_hooks
from staffroom.core.api import api_token_lookup, operator_token_lookup, person_has_second_factor
from staffroom.identity.selectors import api_token_resolve, operator_token_resolve
from staffroom.payments import client_hooks as payments_client_hooks
from staffroom.payments import selectors as payments_selectors
from staffroom.scheduling import client_hooks as scheduling_client_hooks
from staffroom.scheduling import hooks as scheduling_hooks
from staffroom.security.authentication import has_second_factor


def test_provider_hooks_are_answered_by_the_owning_app():
    assert api_token_lookup.registered() == [api_token_resolve]
    assert operator_token_lookup.registered() == [operator_token_resolve]
    assert person_has_second_factor.registered() == [has_second_factor]
    assert scheduling_hooks.paid_amount.registered() == [payments_selectors.appointment_paid_amount]
    assert scheduling_hooks.allowance_amount.registered() == [payments_selectors.appointment_allowance_amount]
    assert scheduling_hooks.allowances.registered() == [payments_selectors.allowances_of_appointment]


def test_client_hooks_hear_scheduling_then_payments():
    assert clients_hooks.client_card_filled.registered() == [
        scheduling_client_hooks.client_card_visits,
        payments_client_hooks.client_card_money,
    ]
    assert clients_hooks.client_merged.registered() == [
        scheduling_client_hooks.client_merged_move_appointments,
        payments_client_hooks.client_merged_move_payments,
    ]
