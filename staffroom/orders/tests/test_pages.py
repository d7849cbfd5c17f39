"""Order pages: anonymous is sent to sign in, another business gets 404, a role without the right gets 403 — and
nothing changes; the owner can use each page. Plus the page flows: create, edit with a stale version, return."""

from decimal import Decimal

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.orders import services
from staffroom.orders.models import Order

from .factories import make_product

# (method, path, persona refused with 403, form data)
PAGES = [
    ("get", "/orders/", "specialist", {}),
    ("get", "/orders/new/", "specialist", {}),
    ("get", "/orders/export.csv", "manager", {}),
    ("get", "/orders/{order}/", "specialist", {}),
    ("get", "/orders/{order}/edit/", "colleague", {}),
    ("post", "/orders/{order}/edit/", "colleague", {"comment": "x", "version": 1}),
    ("post", "/orders/{queued}/claim/", "administrator", {}),
    ("post", "/orders/{order}/status/", "colleague", {"status": "in_progress", "version": 1}),
    ("post", "/orders/{order}/reassign/", "manager", {"responsible": "{colleague}"}),
    ("post", "/orders/{order}/payments/", "manager", {"amount": "10.00", "method": "cash"}),
    ("post", "/orders/{order}/returns/", "colleague", {"reason": "x"}),
    ("post", "/orders/{order}/tasks/", "colleague", {"title": "Call", "assignee": "{manager}"}),
    ("get", "/orders/products/", "manager", {}),
    ("post", "/orders/products/", "manager", {"name": "Comb", "sku": "C-1", "price": "5.00", "is_active": "on"}),
    ("post", "/orders/products/{product}/", "manager", {"name": "Brush", "sku": "B-1", "price": "6.00"}),
    ("get", "/tasks/", "specialist", {}),
    ("post", "/tasks/{task}/done/", "colleague", {}),
    ("get", "/reports/sales-by-manager/", "specialist", {}),
    ("get", "/reports/sales-by-manager/?format=csv", "manager", {}),
]
IDS = [f"{method.upper()} {path}" for method, path, _persona, _data in PAGES]


@pytest.fixture
def targets(manager, colleague, own_order, queued_order):
    task = services.order_task_create(actor=manager, order=own_order, title="Call", assignee=manager)
    return {
        "order": own_order.pk,
        "queued": queued_order.pk,
        "task": task.pk,
        "manager": manager.pk,
        "colleague": colleague.pk,
        "product": own_order.items.get().product_id,
    }


def _request(client, method, path, data, targets):
    path = path.format(**targets)
    data = {key: str(value).format(**targets) for key, value in data.items()}
    return client.get(path) if method == "get" else client.post(path, data)


@pytest.mark.parametrize(("method", "path", "persona", "data"), PAGES, ids=IDS)
def test_anonymous_is_sent_to_sign_in(method, path, persona, data, targets, anonymous):
    before = database_fingerprint()
    response = _request(anonymous, method, path, data, targets)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    ("method", "path", "persona", "data"),
    [page for page in PAGES if "{" in page[1]],
    ids=[i for page, i in zip(PAGES, IDS, strict=True) if "{" in page[1]],
)
def test_other_business_gets_404(method, path, persona, data, targets, outsider, client_for):
    client = client_for(outsider)
    before = database_fingerprint()
    response = _request(client, method, path, data, targets)
    assert response.status_code == 404
    assert database_fingerprint() == before


@pytest.mark.parametrize(("method", "path", "persona", "data"), PAGES, ids=IDS)
def test_without_the_right_403_and_nothing_changes(method, path, persona, data, targets, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    before = database_fingerprint()
    response = _request(client, method, path, data, targets)
    assert response.status_code == 403, response.content[:300]
    assert database_fingerprint() == before


@pytest.mark.parametrize(("method", "path", "persona", "data"), PAGES, ids=IDS)
def test_the_owner_may(method, path, persona, data, targets, owner, client_for):
    response = _request(client_for(owner), method, path, data, targets)
    assert response.status_code in (200, 302), response.content[:300]


def test_create_an_order_in_the_page(business, client_for, manager, a_client):
    product = make_product(business, price="250.00")
    browser = client_for(manager)
    form = {
        "client": a_client.pk,
        "fulfilment": "pickup",
        "item_0": f"product:{product.pk}",
        "quantity_0": 2,
        "discount_0": "20.00",
        "idempotency_key": "page-1",
    }
    response = browser.post("/orders/new/", form)
    assert response.status_code == 302
    order = Order.objects.for_business(business).get()
    assert (order.total, order.responsible) == (Decimal("480.00"), manager)
    assert browser.post("/orders/new/", form).status_code == 302  # a double submit makes no second order
    assert Order.objects.for_business(business).count() == 1
    refused = browser.post("/orders/new/", {**form, "item_0": "", "idempotency_key": "page-2"})
    assert refused.status_code == 200
    assert "field-error" in refused.content.decode() or "form-error" in refused.content.decode()


def _edit_form(order, **changes):
    item = order.items.get()
    return {
        "client": order.client_id,
        "fulfilment": order.fulfilment,
        "delivery_address": order.delivery_address,
        "comment": order.comment,
        "version": order.version,
        "item_0": f"product:{item.product_id}",
        "quantity_0": item.quantity,
        "discount_0": item.discount_amount,
        "price_0": item.unit_price,
        **changes,
    }


def test_a_stale_page_edit_shows_the_conflict(client_for, manager, own_order):
    browser = client_for(manager)
    form = _edit_form(own_order, comment="mine")
    services.order_update(actor=manager, order=own_order, comment="someone else")
    response = browser.post(f"/orders/{own_order.pk}/edit/", form)
    assert response.status_code == 200
    assert "changed this order in the meantime" in response.content.decode()
    own_order.refresh_from_db()
    assert own_order.comment == "someone else"


def test_page_edit_keeps_the_sold_price_and_changes_items(business, client_for, manager, own_order):
    from staffroom.orders.models import Product

    product = own_order.items.get().product
    Product.objects.for_business(business).filter(pk=product.pk).update(price=Decimal("999.00"))
    browser = client_for(manager)
    response = browser.post(f"/orders/{own_order.pk}/edit/", _edit_form(own_order, quantity_0=3))
    assert response.status_code == 302
    own_order.refresh_from_db()
    assert own_order.total == Decimal("290.00")  # 3 x 100.00 (the price it was sold at) - 10.00
    other = make_product(business, price="5.00")
    response = browser.post(
        f"/orders/{own_order.pk}/edit/",
        _edit_form(own_order, item_0=f"product:{other.pk}", quantity_0=1, discount_0="0"),
    )
    assert response.status_code == 302
    own_order.refresh_from_db()
    assert own_order.total == Decimal("5.00")  # new goods take the catalogue price
    assert own_order.actions.filter(kind="items").count() == 2


def test_partial_return_in_the_page(client_for, administrator, own_order):
    services.order_status_change(actor=administrator, order=own_order, status="in_progress")
    services.order_payment_take(actor=administrator, order=own_order, amount=Decimal("190.00"), method="card")
    services.order_status_change(actor=administrator, order=own_order, status="paid")
    item = own_order.items.get()
    response = client_for(administrator).post(
        f"/orders/{own_order.pk}/returns/", {f"return_{item.pk}": "1", "reason": "Damaged box"}
    )
    assert response.status_code == 302
    own_order.refresh_from_db()
    assert own_order.returned_amount == Decimal("95.00") and own_order.paid_amount == Decimal("95.00")


def test_page_edit_adds_and_removes_rows(business, client_for, manager, own_order):
    comb = make_product(business, price="40.00")
    brush = make_product(business, price="60.00")
    browser = client_for(manager)
    added = _edit_form(own_order, item_1=f"product:{comb.pk}", quantity_1=2, item_2=f"product:{brush.pk}", quantity_2=1)
    assert browser.post(f"/orders/{own_order.pk}/edit/", added).status_code == 302
    own_order.refresh_from_db()
    assert own_order.items.count() == 3
    assert own_order.total == Decimal("330.00")  # 2 x 100.00 - 10.00 + 2 x 40.00 + 60.00
    page = browser.get(f"/orders/{own_order.pk}/edit/").content.decode()
    assert 'name="item_4"' in page  # two spare rows after the three lines, for adding more
    lines = {item.product_id: item for item in own_order.items.all()}
    kept = lines[comb.pk]
    removed = {
        "client": own_order.client_id,
        "fulfilment": own_order.fulfilment,
        "delivery_address": own_order.delivery_address,
        "version": own_order.version,
        "item_0": f"product:{comb.pk}",
        "quantity_0": 3,
        "price_0": kept.unit_price,
    }
    assert browser.post(f"/orders/{own_order.pk}/edit/", removed).status_code == 302
    own_order.refresh_from_db()
    assert [(item.product_id, item.quantity) for item in own_order.items.all()] == [(comb.pk, 3)]
    assert own_order.total == Decimal("120.00")


def test_a_role_that_takes_payments_changes_a_unit_price_and_the_totals_follow(client_for, administrator, own_order):
    browser = client_for(administrator)
    page = browser.get(f"/orders/{own_order.pk}/edit/").content.decode()
    assert 'type="number" name="price_0"' in page
    response = browser.post(f"/orders/{own_order.pk}/edit/", _edit_form(own_order, price_0="80.00"))
    assert response.status_code == 302
    own_order.refresh_from_db()
    assert own_order.items.get().unit_price == Decimal("80.00")
    line = own_order.items.get()
    assert own_order.total == line.quantity * Decimal("80.00") - line.discount_amount


def test_a_manager_without_payments_sees_the_price_read_only_and_cannot_change_it(client_for, manager, own_order):
    total = own_order.total
    browser = client_for(manager)
    page = browser.get(f"/orders/{own_order.pk}/edit/").content.decode()
    assert 'type="hidden" name="price_0"' in page
    assert 'type="number" name="price_0"' not in page
    response = browser.post(f"/orders/{own_order.pk}/edit/", _edit_form(own_order, price_0="1.00"))
    assert response.status_code == 302
    own_order.refresh_from_db()
    assert own_order.items.get().unit_price == Decimal("100.00")
    assert own_order.total == total


def test_another_business_cannot_change_a_unit_price(client_for, outsider, own_order):
    response = client_for(outsider).post(f"/orders/{own_order.pk}/edit/", _edit_form(own_order, price_0="1.00"))
    assert response.status_code == 404
    own_order.refresh_from_db()
    assert own_order.items.get().unit_price == Decimal("100.00")
