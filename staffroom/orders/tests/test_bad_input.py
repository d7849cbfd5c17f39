"""Bad input to the orders API gets a 4xx and changes nothing, never a 500: huge ids and pages, dates outside the
calendar, amounts beyond the column, NUL characters (PostgreSQL refuses them in text)."""

import json

import pytest

from staffroom.core.testing import database_fingerprint

from .factories import make_product


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/99999999999999999999999",
        "/api/v1/orders?page=99999999999999999999",
        "/api/v1/orders?page=-5&page_size=0",
        "/api/v1/orders?q=%00%27%22",
        "/api/v1/orders?scope=nonsense",
        "/api/v1/reports/sales-by-manager?date_from=0001-01-01&date_to=0001-01-02",
        "/api/v1/reports/sales-by-manager?date_from=9999-12-30&date_to=9999-12-31",
        "/api/v1/reports/sales-by-manager?manager_id=99999999999999999999999",
    ],
)
def test_odd_reads_answer_without_a_server_error(path, api_for, owner, own_order):
    response = api_for(owner).get(path)
    assert response.status_code < 500, response.content


def _post(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def test_odd_writes_are_refused_and_change_nothing(business, api_for, owner, own_order, a_client):
    product = make_product(business)
    client = api_for(owner)
    before = database_fingerprint()
    attempts = [
        ("post", "/api/v1/orders", {"client_id": a_client.pk, "items": [{"product_id": product.pk, "quantity": 100000, "unit_price": "9999999999.99"}]}),
        ("post", "/api/v1/orders", {"client_id": 99999999999999999999999, "items": [{"product_id": product.pk, "quantity": 1}]}),
        ("post", "/api/v1/orders", {"client_id": a_client.pk, "items": [{"product_id": product.pk, "quantity": 0}]}),
        ("post", f"/api/v1/orders/{own_order.pk}/tasks", {"title": "x", "assignee_id": owner.pk, "due_at": "2030-01-01T10:00:00"}),
        ("post", f"/api/v1/orders/{own_order.pk}/status", {"status": "teleported"}),
        ("post", f"/api/v1/orders/{own_order.pk}/payments", {"amount": "-1", "method": "cash"}),
        ("post", f"/api/v1/orders/{own_order.pk}/payments", {"amount": "1.00", "method": "barter"}),
        ("patch", f"/api/v1/orders/{own_order.pk}", {"expected_version": 1, "fulfilment": "teleport"}),
    ]  # fmt: skip
    for method, path, body in attempts:
        response = _post(client, method, path, body)
        assert 400 <= response.status_code < 500, (path, response.content)
    assert database_fingerprint() == before


def test_nul_characters_are_refused_with_a_field_error(api_for, owner, own_order):
    client = api_for(owner)
    before = database_fingerprint()
    response = _post(client, "patch", f"/api/v1/orders/{own_order.pk}", {"expected_version": 1, "comment": "a\x00b"})
    assert response.status_code == 422, response.content
    assert "comment" in response.json()["errors"]
    response = _post(
        client, "post", f"/api/v1/orders/{own_order.pk}/tasks", {"title": "x\x00", "assignee_id": owner.pk}
    )
    assert response.status_code == 422 and "title" in response.json()["errors"]
    assert database_fingerprint() == before
