"""The new-order page picks the client with the clients app's search (phone matched however typed), not a list of
every client; another business's client is never found and never accepted."""

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.orders.models import Order

from .factories import make_client, make_product


@pytest.fixture
def russian(business):
    business.country = "RU"
    business.save(update_fields=["country"])
    return business


def test_the_new_order_page_has_the_search_not_a_list_of_clients(client_for, manager, a_client):
    page = client_for(manager).get("/orders/new/").content.decode()
    assert 'id="client-search"' in page
    assert "/clients/picker/?field=client" in page
    assert a_client.full_name not in page  # no dropdown of every client


@pytest.mark.parametrize("typed", ["8 (916) 123", "+7 916 123-45-67", "1234567"])
def test_the_manager_finds_the_client_by_part_of_the_phone(russian, client_for, manager, a_client, typed):
    page = client_for(manager).get("/clients/picker/", {"q": typed, "field": "client"}).content.decode()
    assert f'name="client" value="{a_client.pk}"' in page
    assert a_client.full_name in page


def test_the_picker_keeps_the_booking_field_name_by_default(client_for, manager, a_client):
    page = client_for(manager).get("/clients/picker/", {"q": "Carla", "field": "anything"}).content.decode()
    assert f'name="client_id" value="{a_client.pk}"' in page


def test_another_business_client_is_never_found(russian, client_for, manager, other_business):
    stranger = make_client(other_business, full_name="Stella Stranger", phone="+79165550000")
    browser = client_for(manager)
    for typed in ("Stella", "916 555", "+79165550000"):
        page = browser.get("/clients/picker/", {"q": typed, "field": "client"}).content.decode()
        assert stranger.full_name not in page
        assert f'value="{stranger.pk}"' not in page


def test_a_role_without_client_access_cannot_search(client_for, accountant, a_client):
    response = client_for(accountant).get("/clients/picker/", {"q": "Carla", "field": "client"})
    assert response.status_code == 403
    assert a_client.full_name not in response.content.decode()


def test_another_business_client_is_refused_and_nothing_changes(business, client_for, manager, other_business):
    stranger = make_client(other_business, full_name="Stella Stranger")
    product = make_product(business, price="10.00")
    before = database_fingerprint()
    response = client_for(manager).post(
        "/orders/new/",
        {"client": stranger.pk, "fulfilment": "pickup", "item_0": f"product:{product.pk}", "quantity_0": 1},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "field-error" in page
    assert stranger.full_name not in page
    assert database_fingerprint() == before
    assert not Order.objects.for_business(business).exists()


def test_a_refused_form_keeps_the_picked_client(business, client_for, manager, a_client):
    response = client_for(manager).post("/orders/new/", {"client": a_client.pk, "fulfilment": "pickup"})
    assert response.status_code == 200
    assert f'name="client" value="{a_client.pk}" checked' in response.content.decode()


def test_the_edit_page_shows_the_order_client_picked(client_for, manager, own_order):
    page = client_for(manager).get(f"/orders/{own_order.pk}/edit/").content.decode()
    assert f'name="client" value="{own_order.client_id}" checked' in page
