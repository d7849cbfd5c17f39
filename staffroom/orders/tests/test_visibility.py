"""The visibility matrix: owner / administrator / manager on own order / manager on a colleague's order /
specialist / outsider, across the list, the card, search and CSV export, in pages and in the API.

A colleague's order is shown in the limited form: the hidden keys are absent (not blank) and none of the hidden
values (client name, phone, e-mail, address, amounts) appears anywhere in the response.
"""

import csv
import io
import json

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.orders import services
from staffroom.orders.selectors import LIMITED_FIELDS
from staffroom.security.tests.helpers import reauthenticated
from staffroom.staff.catalogue import Perm

HIDDEN_VALUES = ("Hidden Harriet", "9169876543", "harriet@example.test", "9 Hidden Road", "2333.31", "777.77")
LIMITED = set(LIMITED_FIELDS)


@pytest.fixture
def exporters(manager, colleague, administrator):
    """Give the Manager and Administrator roles `orders.export`, so export is tested for them too."""
    for role in {manager.role, administrator.role}:
        role.permissions = sorted({*role.permissions, Perm.ORDERS_EXPORT})
        role.save()


# persona -> which order they look at, and what they should get: "full", "limited", 403 or 404.
MATRIX = [
    ("owner", "colleague_order", "full"),
    ("administrator", "colleague_order", "full"),
    ("manager", "own_order", "full"),
    ("manager", "colleague_order", "limited"),
    ("specialist", "colleague_order", 403),
    ("outsider", "colleague_order", 404),
]
IDS = [f"{persona}-{order}" for persona, order, _expected in MATRIX]


@pytest.fixture
def setup(request, exporters, own_order, colleague_order):
    def make(persona, order_name):
        return request.getfixturevalue(persona), request.getfixturevalue(order_name)

    return make


def assert_hidden_absent(text: str) -> None:
    for value in HIDDEN_VALUES:
        assert value not in text, value


@pytest.mark.parametrize(("persona", "order_name", "expected"), MATRIX, ids=IDS)
def test_api_card(setup, api_for, persona, order_name, expected):
    employee, order = setup(persona, order_name)
    response = api_for(employee).get(f"/api/v1/orders/{order.pk}")
    if expected in (403, 404):
        assert response.status_code == expected
        assert_hidden_absent(response.content.decode())
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["access"] == expected
    if expected == "limited":
        assert set(body) == LIMITED
        assert body["number"] == order.number and body["item_count"] == 3
        assert body["responsible"]["full_name"] == "Cora Colleague"
        assert_hidden_absent(response.content.decode())
    else:
        assert {"client", "total", "items", "payments", "delivery_address", "version"} <= set(body)
        assert body["client"]["full_name"] == order.client.full_name


@pytest.mark.parametrize(("persona", "order_name", "expected"), MATRIX, ids=IDS)
def test_api_list_and_search(setup, api_for, persona, order_name, expected):
    employee, order = setup(persona, order_name)
    client = api_for(employee)
    for path in ("/api/v1/orders", f"/api/v1/orders?q={order.number}", "/api/v1/orders?scope=all&page_size=50"):
        response = client.get(path)
        if expected == 403:
            assert response.status_code == 403
            continue
        assert response.status_code == 200, response.content
        rows = {row["id"]: row for row in response.json()["results"]}
        if expected == 404:
            assert order.pk not in rows
            assert_hidden_absent(response.content.decode())
            continue
        row = rows[order.pk]
        assert row["access"] == expected
        if expected == "limited":
            assert set(row) == LIMITED
            assert_hidden_absent(response.content.decode())
        else:
            assert row["client"]["full_name"] == order.client.full_name and "total" in row


@pytest.mark.parametrize(("persona", "order_name", "expected"), MATRIX, ids=IDS)
def test_search_by_client_finds_only_orders_seen_in_full(setup, api_for, client_for, persona, order_name, expected):
    employee, order = setup(persona, order_name)
    name = order.client.full_name.split()[0]
    response = api_for(employee).get(f"/api/v1/orders?q={name}")
    if expected == 403:
        assert response.status_code == 403
        return
    found = {row["id"] for row in response.json()["results"]}
    assert (order.pk in found) == (expected == "full")
    page = client_for(employee).get(f"/orders/?q={name}")
    assert page.status_code == 200
    assert (f'data-order="{order.number}"' in page.content.decode()) == (expected == "full")


@pytest.mark.parametrize(("persona", "order_name", "expected"), MATRIX, ids=IDS)
def test_pages_list_and_card(setup, client_for, persona, order_name, expected):
    employee, order = setup(persona, order_name)
    browser = client_for(employee)
    listing = browser.get("/orders/?scope=all")
    card = browser.get(f"/orders/{order.pk}/")
    if expected == 403:
        assert listing.status_code == 403 and card.status_code == 403
        return
    assert listing.status_code == 200
    text = listing.content.decode()
    if expected == 404:
        assert card.status_code == 404
        assert f"/orders/{order.pk}/" not in text
        assert_hidden_absent(text + card.content.decode())
        return
    assert card.status_code == 200
    assert f'data-order="{order.number}" data-access="{expected}"' in text
    if expected == "limited":
        assert_hidden_absent(text)
        assert_hidden_absent(card.content.decode())
        assert "Cora Colleague" in card.content.decode()
    else:
        assert order.client.full_name in text
        assert order.client.full_name in card.content.decode()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode())))


@pytest.mark.parametrize(("persona", "order_name", "expected"), MATRIX, ids=IDS)
def test_csv_export_in_api_and_page(setup, api_for, client_for, persona, order_name, expected):
    employee, order = setup(persona, order_name)
    for response in (
        api_for(employee).get("/api/v1/orders/export.csv"),
        reauthenticated(client_for(employee)).get("/orders/export.csv"),
    ):
        if expected == 403:
            assert response.status_code == 403
            continue
        assert response.status_code == 200
        rows = _csv_rows(response.content)
        header, body = rows[0], rows[1:]
        by_id = {row[0]: row for row in body}
        if expected == 404:
            assert str(order.pk) not in by_id
            continue
        row = by_id[str(order.pk)]
        if expected == "limited":
            assert len(row) == len(LIMITED_FIELDS)  # the hidden cells are absent, not empty
            assert row[header.index("access")] == "limited"
            assert_hidden_absent(response.content.decode())
        else:
            assert len(row) == len(header)
            assert row[header.index("client")] == order.client.full_name


def test_writes_to_a_colleagues_order_through_the_api_are_refused(api_for, manager, colleague_order, exporters):
    client = api_for(manager)
    before = database_fingerprint()
    attempts = [
        ("patch", f"/api/v1/orders/{colleague_order.pk}", {"expected_version": 1, "comment": "mine"}),
        ("post", f"/api/v1/orders/{colleague_order.pk}/status", {"status": "in_progress"}),
        ("post", f"/api/v1/orders/{colleague_order.pk}/tasks", {"title": "Call", "assignee_id": manager.pk}),
        ("post", f"/api/v1/orders/{colleague_order.pk}/returns", {"lines": [], "reason": "x"}),
        ("get", f"/api/v1/orders/{colleague_order.pk}/log", None),
    ]
    for method, path, body in attempts:
        call = getattr(client, method)
        response = call(path) if body is None else call(path, data=json.dumps(body), content_type="application/json")
        assert response.status_code in (403, 422), (path, response.content)
        assert_hidden_absent(response.content.decode())
    assert database_fingerprint() == before


def test_writes_to_a_colleagues_order_through_pages_are_refused(client_for, manager, colleague_order):
    browser = client_for(manager)
    before = database_fingerprint()
    assert browser.get(f"/orders/{colleague_order.pk}/edit/").status_code == 403
    assert browser.post(f"/orders/{colleague_order.pk}/edit/", {"comment": "mine", "version": 1}).status_code == 403
    response = browser.post(f"/orders/{colleague_order.pk}/status/", {"status": "in_progress", "version": 1})
    assert response.status_code == 403
    response = browser.post(f"/orders/{colleague_order.pk}/tasks/", {"title": "Call", "assignee": manager.pk})
    assert response.status_code == 403
    assert database_fingerprint() == before


def test_a_task_on_a_colleagues_order_shows_the_order_limited(api_for, administrator, manager, colleague_order):
    services.order_task_create(actor=administrator, order=colleague_order, title="Help Cora", assignee=manager)
    response = api_for(manager).get("/api/v1/tasks?scope=mine")
    assert response.status_code == 200
    (task,) = response.json()
    assert task["title"] == "Help Cora"
    assert set(task["order"]) == LIMITED
    assert_hidden_absent(response.content.decode())


def test_sales_report_shows_a_manager_only_their_own_line(api_for, administrator, manager, colleague, own_order):
    response = api_for(manager).get("/api/v1/reports/sales-by-manager")
    assert response.status_code == 200
    managers = {row["manager"]["id"] for row in response.json()["rows"] if row["manager"]}
    assert managers <= {manager.pk}


def test_the_sql_and_python_forms_of_the_rule_agree(
    owner, administrator, manager, colleague, own_order, colleague_order, queued_order
):
    from staffroom.orders.permissions import order_access
    from staffroom.orders.selectors import order_view, orders_visible_to

    for viewer in (owner, administrator, manager, colleague):
        for order in orders_visible_to(viewer):
            assert ("full" if order.has_full_access else "limited") == order_access(viewer, order)
            # An annotation decided for one viewer is never used for another.
            for other in (owner, manager, colleague):
                assert order_view(order, viewer=other)["access"] == order_access(other, order)
