"""Fixtures for the orders tests: two managers, a client, products, and an order of each manager."""

import pytest

from staffroom.orders.services import ItemInput
from staffroom.staff.tests.factories import make_employee

from .factories import make_client, make_order, make_product


@pytest.fixture
def colleague(business):
    """A second manager: `manager`'s colleague."""
    return make_employee(business, "manager", full_name="Cora Colleague")


@pytest.fixture
def a_client(business):
    return make_client(business, full_name="Carla Client", phone="+79161234567", email="carla@example.test")


@pytest.fixture
def own_order(manager, a_client):
    return make_order(manager, client=a_client, delivery_address="1 Secret Lane", fulfilment="delivery")


@pytest.fixture
def colleague_order(colleague, business):
    return make_order(
        colleague,
        client=make_client(business, full_name="Hidden Harriet", phone="+79169876543", email="harriet@example.test"),
        items=[ItemInput(product=make_product(business, price="777.77"), quantity=3)],
        fulfilment="delivery",
        delivery_address="9 Hidden Road",
    )


@pytest.fixture
def queued_order(administrator, business):
    return make_order(administrator, client=make_client(business, full_name="Quentin Queue"))
