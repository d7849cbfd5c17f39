"""Test data for orders: products, orders owned by a manager or waiting in the queue."""

from __future__ import annotations

from decimal import Decimal

from staffroom.orders import services
from staffroom.orders.models import Product
from staffroom.orders.services import ItemInput
from staffroom.scheduling.tests.factories import make_client, make_service

_counter = iter(range(1, 10**9))


def make_product(business, *, name=None, price="100.00", sku=None) -> Product:
    number = next(_counter)
    return Product.objects.create(
        business=business, name=name or f"Product {number}", sku=sku or f"SKU-{number}", price=Decimal(price)
    )


def make_order(actor, *, client=None, items=None, responsible=..., **fields):
    """An order created by `actor` (default items: 2 x 100.00 with 10.00 off); `responsible=None` puts it in the queue."""
    business = actor.business
    client = client or make_client(business)
    if items is None:
        items = [ItemInput(product=make_product(business), quantity=2, discount_amount=Decimal("10.00"))]
    order = services.order_create(actor=actor, client=client, items=items, **fields)
    if responsible is not ...:
        owner = business.owner
        order = services.order_reassign(actor=owner, order=order, responsible=responsible)
    return order


__all__ = ["make_client", "make_order", "make_product", "make_service"]
