"""The new-order page creates a client inline, like the booking form: name and phone (however typed, stored E.164)
through `client_create`, in the order's transaction, for roles that may add clients; a role that may not is refused
with the right named, and a refusal of either the client or the order leaves nothing behind."""

import pytest

from staffroom.clients.models import Client
from staffroom.core.errors import PermissionDenied
from staffroom.core.testing import database_fingerprint
from staffroom.orders import services
from staffroom.orders.models import Order
from staffroom.scheduling.services import appointment_create_for_new_client
from staffroom.security.models import SecurityEvent
from staffroom.staff.models import Employee, Role

from .factories import make_client, make_product

ORDER_TAKER = ["orders.create", "clients.view", "clients.view_contacts"]


def _role(business, name, permissions):
    return Role.objects.create(business=business, name=name, permissions=permissions)


@pytest.fixture
def clerk(business, other_business):
    """One person in two businesses: in A a clerk who may add clients (the least a new-order-with-client needs), in
    B an order taker who may not."""
    from staffroom.staff.tests.factories import make_employee

    in_a = make_employee(business, role=_role(business, "Clerk", [*ORDER_TAKER, "clients.edit"]), full_name="Cleo A")
    in_b = Employee.objects.create(
        business=other_business,
        person=in_a.person,
        full_name="Cleo B",
        role=_role(other_business, "Order taker", ORDER_TAKER),
    )
    return in_a, in_b


def _new_order(product, **fields):
    return {"fulfilment": "pickup", "item_0": f"product:{product.pk}", "quantity_0": 2, **fields}


def test_the_new_order_page_offers_the_inline_new_client_not_a_link(client_for, clerk):
    in_a, in_b = clerk
    page = client_for(in_a).get("/orders/new/").content.decode()
    assert 'name="new_client_name"' in page and 'name="new_client_phone"' in page
    assert 'href="/clients/new/"' not in page
    refused = client_for(in_b).get("/orders/new/").content.decode()
    assert 'name="new_client_name"' not in refused
    assert "Your role cannot add clients" in refused


def test_a_new_client_is_created_with_the_order_phone_in_e164(business, other_business, client_for, clerk):
    in_a, _in_b = clerk
    product = make_product(business, price="150.00")
    response = client_for(in_a).post(
        "/orders/new/",
        _new_order(product, new_client_name="  Nina New ", new_client_phone="8 (916) 555-12-34", idempotency_key="k1"),
    )
    order = Order.objects.for_business(business).get()
    assert response.status_code == 302 and response["Location"] == f"/orders/{order.pk}/"
    assert (order.client.full_name, order.client.phone) == ("Nina New", "+79165551234")
    assert order.client.business == business and order.client.created_by == in_a
    assert SecurityEvent.objects.for_business(business).filter(event_type="client.created").count() == 1
    assert not Client.objects.for_business(other_business).filter(full_name="Nina New").exists()


def test_the_same_person_in_the_other_business_is_refused_with_the_right_named(
    business, other_business, client_for, clerk
):
    _in_a, in_b = clerk
    product = make_product(other_business, price="150.00")
    before = database_fingerprint()
    response = client_for(in_b).post(
        "/orders/new/", _new_order(product, new_client_name="Nina New", new_client_phone="+79165551234")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Create and edit clients" in page and "field-error" in page
    assert database_fingerprint() == before


def test_a_typed_new_client_wins_over_the_first_search_match(business, client_for, clerk):
    in_a, _in_b = clerk
    found = make_client(business, full_name="Nina Old", phone="+79160000001")
    product = make_product(business)
    client_for(in_a).post("/orders/new/", _new_order(product, client=found.pk, new_client_name="Nina New"))
    order = Order.objects.for_business(business).get()
    assert order.client.full_name == "Nina New" and order.client != found


def test_neither_a_client_nor_a_new_one_is_a_field_error(business, client_for, clerk):
    in_a, _in_b = clerk
    product = make_product(business)
    before = database_fingerprint()
    response = client_for(in_a).post("/orders/new/", _new_order(product))
    assert "Choose a client or enter a new client&#x27;s name." in response.content.decode()
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"new_client_name": "Nina New", "new_client_phone": "12"}, "Enter a valid phone number."),
        ({"new_client_name": "Nina New", "new_client_phone": "+79165551234", "item_0": ""}, "This field is required."),
        ({"new_client_name": "Nina New", "fulfilment": "delivery"}, "delivery address"),
    ],
)
def test_a_refused_client_or_order_leaves_neither(business, client_for, clerk, fields, message):
    in_a, _in_b = clerk
    product = make_product(business)
    before = database_fingerprint()
    response = client_for(in_a).post("/orders/new/", _new_order(product, **fields))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'value="Nina New"' in page  # the typed client stays on the page to correct and resend
    assert database_fingerprint() == before


def test_a_repeated_submission_makes_one_order_and_one_client(business, clerk):
    in_a, _in_b = clerk
    product = make_product(business)
    arguments = {
        "actor": in_a,
        "client_fields": {"full_name": "Nina New", "phone": "+7 916 555 12 34"},
        "items": [services.ItemInput(product=product, quantity=1)],
        "idempotency_key": "same-key",
    }
    first = services.order_create_for_new_client(**arguments)
    again = services.order_create_for_new_client(**arguments)
    assert again.pk == first.pk
    assert Order.objects.for_business(business).count() == 1
    assert Client.objects.for_business(business).filter(full_name="Nina New").count() == 1


def test_the_booking_form_goes_through_the_same_refusal(clerk):
    _in_a, in_b = clerk
    with pytest.raises(PermissionDenied) as refused:
        appointment_create_for_new_client(actor=in_b, client_fields={"full_name": "Nina New"})
    assert "Create and edit clients" in refused.value.errors["full_name"][0]
