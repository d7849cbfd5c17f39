"""The order card offers no status button the service would refuse: no "Paid" while something is still to pay."""

from staffroom.orders import selectors, services
from staffroom.orders.choices import OrderStatus

from .factories import make_order


def test_unpaid_order_in_progress_offers_no_paid_button(business, owner, client_for):
    order = make_order(owner)
    order = services.order_status_change(actor=owner, order=order, status=OrderStatus.IN_PROGRESS)
    assert order.balance > 0
    assert selectors.offered_transitions(order) == [OrderStatus.CANCELLED]
    html = client_for(owner).get(f"/orders/{order.pk}/").content.decode()
    assert 'name="status" value="paid"' not in html
    assert 'name="status" value="cancelled"' in html
