"""The client card (clients API) shows what payments and the calendar add to it through the clients hooks."""

from decimal import Decimal

from staffroom.payments.services import payment_take
from staffroom.scheduling import services as scheduling
from staffroom.scheduling.tests.factories import local


def test_card_balance_counts_visits_that_took_place(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow, api_for
):
    visit = scheduling.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )
    api = api_for(administrator)
    assert api.get(f"/api/v1/clients/{a_client.pk}").json()["balance_due"] == "0.00"  # booked, not yet due
    scheduling.appointment_status_set(actor=administrator, appointment=visit, status="arrived")
    payment_take(actor=administrator, appointment=visit, amount=Decimal("500"), method="cash")
    card = api.get(f"/api/v1/clients/{a_client.pk}").json()
    assert (card["balance_due"], card["paid_total"]) == ("1000.00", "500.00")
