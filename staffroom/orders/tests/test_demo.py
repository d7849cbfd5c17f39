"""The demo business gets a few hundred orders across its two managers, with tasks; loading twice duplicates nothing."""

from staffroom.core.demodata import load_demo
from staffroom.orders.models import Order, OrderItem, OrderTask
from staffroom.orders.selectors import orders_list, sales_by_manager


def test_demo_orders_load_once_and_are_consistent(db):
    context = load_demo()
    business = context["business"]
    load_demo()
    orders = Order.objects.for_business(business)
    assert orders.count() == 320
    manager, manager2 = context["employees"]["manager"], context["employees"]["manager2"]
    assert orders.filter(responsible=manager).count() > 50 and orders.filter(responsible=manager2).count() > 50
    assert orders.filter(responsible__isnull=True).exists()
    assert OrderTask.objects.for_business(business).filter(assignee=manager).exists()
    for order in orders.order_by("?")[:20]:
        items = OrderItem.objects.for_business(business).filter(order=order)
        assert sum(item.total for item in items) == order.total
    mine = orders_list(manager, scope="mine")
    assert mine.count() == orders.filter(responsible=manager).count()
    first = min(orders.values_list("created_at", flat=True)).astimezone(business.zone).date()
    report = sales_by_manager(
        business, viewer=context["employees"]["owner"], date_from=first, date_to=first.replace(year=first.year + 1)
    )
    assert report["totals"]["orders"] == orders.filter(sold_at__isnull=False).count()
