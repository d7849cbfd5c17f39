"""Orders API: the permission matrix of every route (nothing changes on refusal), the 409s (refused status with
the allowed ones, stale version, lost claim), creation with items, and the reminder command."""

import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command

from staffroom.core.testing import database_fingerprint
from staffroom.orders import services
from staffroom.orders.models import Order, OrderAction

from .factories import make_product


@dataclass
class Route:
    method: str
    path: str  # may contain {order}, {task}, {item}, {product}, {client}, {manager}
    lacking: str | None  # a persona refused with 403
    body: dict = field(default_factory=dict)
    success: int = 200


ROUTES = [
    Route("get", "/api/v1/orders", "specialist"),
    Route("get", "/api/v1/orders/{order}", "specialist"),
    Route("get", "/api/v1/orders/export.csv", "manager"),
    Route(
        "post",
        "/api/v1/orders",
        "specialist",
        {"client_id": "{client}", "items": [{"product_id": "{product}", "quantity": 1}]},
        201,
    ),
    Route("patch", "/api/v1/orders/{order}", "colleague", {"expected_version": 1, "comment": "changed"}),
    Route("post", "/api/v1/orders/{order}/status", "colleague", {"status": "in_progress"}),
    Route("post", "/api/v1/orders/{queued}/claim", "administrator", {}),
    Route("post", "/api/v1/orders/{order}/reassign", "manager", {"responsible_id": "{colleague}"}),
    Route("post", "/api/v1/orders/{order}/payments", "manager", {"amount": "10.00", "method": "cash"}, 201),
    Route("get", "/api/v1/orders/{order}/log", "colleague"),
    Route("get", "/api/v1/orders/{order}/tasks", "specialist"),
    Route("post", "/api/v1/orders/{order}/tasks", "colleague", {"title": "Call", "assignee_id": "{manager}"}, 201),
    Route("get", "/api/v1/tasks", "specialist"),
    Route("patch", "/api/v1/tasks/{task}", "colleague", {"title": "Call again"}),
    Route("post", "/api/v1/tasks/{task}/done", "colleague"),
    Route("post", "/api/v1/tasks/{task}/reopen", "colleague"),
    Route("get", "/api/v1/products", "specialist"),
    Route("post", "/api/v1/products", "manager", {"name": "Comb", "sku": "C-1", "price": "5.00"}, 201),
    Route("patch", "/api/v1/products/{product}", "manager", {"name": "Brush", "sku": "B-1", "price": "6.00"}),
    Route("get", "/api/v1/reports/sales-by-manager", "specialist"),
    Route("get", "/api/v1/reports/sales-by-manager.csv", "manager"),
]
ROUTE_IDS = [f"{route.method.upper()} {route.path}" for route in ROUTES]


@pytest.fixture
def targets(business, owner, manager, colleague, own_order, queued_order, a_client):
    task = services.order_task_create(actor=manager, order=own_order, title="Call", assignee=manager)
    return {
        "order": own_order.pk,
        "queued": queued_order.pk,
        "task": task.pk,
        "product": make_product(business).pk,
        "client": a_client.pk,
        "manager": manager.pk,
        "colleague": colleague.pk,
    }


def _fill(value, targets):
    if isinstance(value, str):
        filled = value.format(**targets)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {key: _fill(item, targets) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, targets) for item in value]
    return value


def _call(client, route, targets):
    path = route.path.format(**targets)
    if route.method == "get":
        return client.get(path)
    return getattr(client, route.method)(
        path, data=json.dumps(_fill(route.body, targets)), content_type="application/json"
    )


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_anonymous_gets_401_and_nothing_changes(route, targets, anonymous):
    before = database_fingerprint()
    assert _call(anonymous, route, targets).status_code == 401
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if "{" in r.path],
    ids=[i for r, i in zip(ROUTES, ROUTE_IDS, strict=True) if "{" in r.path],
)
def test_other_business_gets_404_and_nothing_changes(route, targets, outsider, api_for):
    client = api_for(outsider)
    before = database_fingerprint()
    response = _call(client, route, targets)
    assert response.status_code == 404, response.content
    assert database_fingerprint() == before


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_employee_without_the_right_gets_403_and_nothing_changes(route, targets, request, api_for):
    client = api_for(request.getfixturevalue(route.lacking))
    before = database_fingerprint()
    response = _call(client, route, targets)
    assert response.status_code == 403, response.content
    assert database_fingerprint() == before


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_owner_succeeds(route, targets, owner, api_for):
    response = _call(api_for(owner), route, targets)
    assert response.status_code == route.success, response.content


def _post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_refused_status_change_answers_409_with_the_allowed_ones(api_for, manager, own_order):
    response = _post(api_for(manager), f"/api/v1/orders/{own_order.pk}/status", {"status": "shipped"})
    assert response.status_code == 409
    body = response.json()
    assert body["allowed_transitions"] == ["in_progress", "cancelled"]
    assert body["current_status"] == "new"


def test_stale_edit_through_the_api_gets_409(api_for, manager, own_order):
    client = api_for(manager)
    path = f"/api/v1/orders/{own_order.pk}"
    first = client.patch(
        path, data=json.dumps({"expected_version": 1, "comment": "A"}), content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    second = client.patch(
        path, data=json.dumps({"expected_version": 1, "comment": "B"}), content_type="application/json"
    )
    assert second.status_code == 409
    assert Order.objects.for_business(own_order.business).get(pk=own_order.pk).comment == "A"


def test_the_second_claim_gets_409(api_for, manager, colleague, queued_order):
    assert _post(api_for(manager), f"/api/v1/orders/{queued_order.pk}/claim", {}).status_code == 200
    lost = _post(api_for(colleague), f"/api/v1/orders/{queued_order.pk}/claim", {})
    assert lost.status_code == 409
    assert OrderAction.objects.for_business(queued_order.business).filter(kind="responsible").count() == 1


def test_create_with_products_and_services_and_field_errors(business, api_for, manager, a_client, other_business):
    from .factories import make_service

    product = make_product(business, price="10.50")
    service = make_service(business, price="1000.00")
    client = api_for(manager)
    body = {
        "client_id": a_client.pk,
        "items": [
            {"product_id": product.pk, "quantity": 2, "discount_amount": "1.00"},
            {"service_id": service.pk, "quantity": 1},
        ],
        "fulfilment": "delivery",
        "delivery_address": "5 Main St",
    }
    response = _post(client, "/api/v1/orders", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["total"] == "1020.00" and created["responsible"]["id"] == manager.pk
    assert [item["kind"] for item in created["items"]] == ["product", "service"]

    before = database_fingerprint()
    foreign = make_product(other_business)
    bad = _post(client, "/api/v1/orders", {**body, "items": [{"product_id": foreign.pk, "quantity": 1}]})
    assert bad.status_code == 422 and "items.0.product_id" in bad.json()["errors"]
    missing_address = _post(client, "/api/v1/orders", {**body, "delivery_address": ""})
    assert missing_address.status_code == 422 and "delivery_address" in missing_address.json()["errors"]
    assert database_fingerprint()["orders.order"] == before["orders.order"]


def test_payment_through_the_api_uses_the_payments_module(business, api_for, administrator, own_order):
    response = _post(
        api_for(administrator), f"/api/v1/orders/{own_order.pk}/payments", {"amount": "190.00", "method": "card"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["order"]["balance"] == "0.00"
    too_much = _post(
        api_for(administrator), f"/api/v1/orders/{own_order.pk}/payments", {"amount": "0.01", "method": "card"}
    )
    assert too_much.status_code == 422


def test_reminder_command_is_idempotent(django_capture_on_commit_callbacks, manager, own_order):
    import datetime as dt

    from django.utils import timezone

    services.order_task_create(
        actor=manager,
        order=own_order,
        title="Due now",
        assignee=manager,
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("orders_task_reminders")
        call_command("orders_task_reminders")
    assert len(mail.outbox) == 1
    assert "Due now" in mail.outbox[0].subject


def test_sales_by_manager_totals_equal_the_sum_of_the_orders(business, administrator, manager, colleague, a_client):
    from staffroom.orders.selectors import sales_by_manager
    from staffroom.orders.services import ItemInput, ReturnInput

    from .factories import make_order

    def sell(owner_of, quantity, discount, returned=0):
        product = make_product(business, price="99.99")
        order = make_order(
            owner_of, client=a_client, items=[ItemInput(product=product, quantity=quantity, discount_amount=discount)]
        )
        services.order_status_change(actor=administrator, order=order, status="in_progress")
        order.refresh_from_db()
        services.order_payment_take(actor=administrator, order=order, amount=order.total, method="cash")
        services.order_status_change(actor=administrator, order=order, status="paid")
        if returned:
            services.order_return_register(
                actor=administrator, order=order, lines=[ReturnInput(order.items.get(), returned)], reason="Back"
            )
        order.refresh_from_db()
        return order

    sold = [
        sell(manager, 3, Decimal("5.00")),
        sell(manager, 1, Decimal("0"), returned=1),
        sell(colleague, 7, Decimal("12.34"), returned=2),
    ]
    make_order(manager, client=a_client)  # not sold: not counted
    today = sold[0].sold_at.astimezone(business.zone).date()
    report = sales_by_manager(business, viewer=administrator, date_from=today, date_to=today)
    rows = {row["manager"]["id"]: row for row in report["rows"]}
    for employee in (manager, colleague):
        mine = [order for order in sold if order.responsible_id == employee.pk]
        row = rows[employee.pk]
        assert row["orders"] == len(mine)
        assert row["gross"] == sum(order.gross_amount for order in mine)
        assert row["discounts"] == sum(order.discount_amount for order in mine)
        assert row["returns"] == sum(order.returned_amount for order in mine)
        assert row["net"] == row["gross"] - row["returns"] - row["discounts"]
        assert row["net"] == sum(order.total - order.returned_amount for order in mine)
    assert report["totals"]["net"] == sum(order.total - order.returned_amount for order in sold)
    only = sales_by_manager(business, viewer=administrator, date_from=today, date_to=today, manager=colleague)
    assert [row["manager"]["id"] for row in only["rows"]] == [colleague.pk]
