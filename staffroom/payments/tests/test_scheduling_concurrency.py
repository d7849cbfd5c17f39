"""Real threads against PostgreSQL: the database decides who gets a slot and which payment a key makes."""

from decimal import Decimal

import pytest

from staffroom.core.errors import Conflict
from staffroom.core.testing import run_at_once
from staffroom.payments import services as payments
from staffroom.payments.models import Payment
from staffroom.scheduling import services
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_client

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_bookings_of_one_slot_accept_exactly_one(
    business, administrator, working_specialist, branch, haircut, tomorrow
):
    clients = [make_client(business) for _ in range(20)]
    when = local(business, tomorrow, 10)

    def attempt(index):
        return services.appointment_create(
            actor=administrator,
            client=clients[index],
            specialist=working_specialist,
            branch=branch,
            starts_at=when,
            services=[haircut],
        )

    outcomes = run_at_once(20, attempt)
    accepted = [o for o in outcomes if isinstance(o, Appointment)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(accepted) == 1, outcomes
    assert len(refused) == 19, outcomes
    assert all(o.extra["conflicting_appointment"]["id"] == accepted[0].pk for o in refused)
    assert Appointment.objects.for_business(business).count() == 1


def test_the_database_refuses_an_overlap_the_service_did_not_check(
    business, administrator, working_specialist, branch, tomorrow
):
    from django.db import IntegrityError

    from staffroom.scheduling.tests.factories import make_appointment

    client = make_client(business)
    make_appointment(
        business, specialist=working_specialist, client=client, branch=branch, starts_at=local(business, tomorrow, 10)
    )
    with pytest.raises(IntegrityError):
        make_appointment(
            business,
            specialist=working_specialist,
            client=client,
            branch=branch,
            starts_at=local(business, tomorrow, 10, 30),
        )


def test_concurrent_payments_with_one_idempotency_key_make_one_payment(
    business, administrator, working_specialist, branch, haircut, tomorrow
):
    visit = services.appointment_create(
        actor=administrator,
        client=make_client(business),
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )

    def attempt(_index):
        return payments.payment_take(
            actor=administrator, appointment=visit, amount=Decimal("100"), method="cash", idempotency_key="same"
        )

    outcomes = run_at_once(8, attempt)
    assert all(isinstance(o, Payment) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert Payment.objects.for_business(business).count() == 1


def test_concurrent_partial_payments_never_overpay_a_visit(
    business, administrator, working_specialist, branch, haircut, tomorrow
):
    from staffroom.core.errors import ValidationFailed
    from staffroom.payments.selectors import appointment_balance

    visit = services.appointment_create(
        actor=administrator,
        client=make_client(business),
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )  # 1500.00

    def attempt(_index):
        return payments.payment_take(actor=administrator, appointment=visit, amount=Decimal("500"), method="card")

    outcomes = run_at_once(5, attempt)
    assert sum(isinstance(o, Payment) for o in outcomes) == 3, outcomes
    assert sum(isinstance(o, ValidationFailed) for o in outcomes) == 2, outcomes
    assert appointment_balance(visit) == Decimal("0.00")


def test_concurrent_reschedules_onto_one_slot_accept_exactly_one(
    business, administrator, working_specialist, branch, haircut, tomorrow
):
    movers = [
        services.appointment_create(
            actor=administrator,
            client=make_client(business),
            specialist=working_specialist,
            branch=branch,
            starts_at=local(business, tomorrow, 9 + index),
            services=[haircut],
        )
        for index in range(4)
    ]
    target = local(business, tomorrow, 15)

    def attempt(index):
        return services.appointment_reschedule(actor=administrator, appointment=movers[index], starts_at=target)

    outcomes = run_at_once(4, attempt)
    assert sum(isinstance(o, Appointment) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 3, outcomes
