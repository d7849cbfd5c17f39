"""Real threads on PostgreSQL: of many managers claiming one order at once exactly one wins; concurrent edits of
one order with the same version: exactly one is saved, the others get a conflict."""

import pytest

from staffroom.core.errors import Conflict
from staffroom.core.testing import run_at_once
from staffroom.orders import services
from staffroom.orders.models import Order, OrderAction
from staffroom.staff.tests.factories import make_employee

from .factories import make_order

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_claims_of_one_order_have_exactly_one_winner(business, administrator):
    managers = [make_employee(business, "manager", full_name=f"Manager {index}") for index in range(8)]
    order = make_order(administrator)
    assert order.responsible is None

    outcomes = run_at_once(len(managers), lambda index: services.order_claim(actor=managers[index], order=order))

    winners = [outcome for outcome in outcomes if isinstance(outcome, Order)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert len(winners) == 1, outcomes
    assert len(losers) == len(managers) - 1
    order.refresh_from_db()
    assert order.responsible_id == winners[0].responsible_id
    assert OrderAction.objects.for_business(business).filter(order=order, kind="responsible").count() == 1


def test_concurrent_edits_with_one_version_save_once(business, manager):
    order = make_order(manager)
    version = order.version

    outcomes = run_at_once(
        6,
        lambda index: services.order_update(
            actor=manager, order=order, expected_version=version, comment=f"edit {index}"
        ),
    )

    saved = [outcome for outcome in outcomes if isinstance(outcome, Order)]
    assert len(saved) == 1, outcomes
    assert all(isinstance(outcome, Conflict) for outcome in outcomes if not isinstance(outcome, Order))
    order.refresh_from_db()
    assert order.version == version + 1
    assert order.comment == saved[0].comment


def test_concurrent_order_creation_numbers_never_repeat(business, manager):
    make_order(manager)  # the counter row exists
    outcomes = run_at_once(6, lambda index: make_order(manager))
    numbers = sorted(outcome.number for outcome in outcomes)
    assert numbers == list(range(2, 8)), outcomes
