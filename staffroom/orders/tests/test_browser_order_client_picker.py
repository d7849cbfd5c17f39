"""In Debian's chromium at phone width: a manager types part of a phone number on the new-order page, picks the
client from the search, adds two items and saves."""

from decimal import Decimal

import pytest

from conftest import browser_sign_in
from staffroom.orders.models import Order

from .factories import make_client, make_product

pytestmark = pytest.mark.browser


def test_manager_picks_the_client_by_phone_and_orders_two_items(browser_page, business, manager):
    business.country = "RU"
    business.save(update_fields=["country"])
    wanted = make_client(business, full_name="Polina Phone", phone="+79164442211")
    make_client(business, full_name="Other Person", phone="+79257770011")
    comb = make_product(business, name="Comb", price="150.00")
    brush = make_product(business, name="Brush", price="300.00")

    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, manager)
    page.goto("/orders/new/")
    page.fill("#client-search", "8 (916) 444")
    option = page.locator(f"#client-options input[name=client][value='{wanted.pk}']")
    option.wait_for()
    assert page.locator("#client-options").inner_text().count("Other Person") == 0
    option.check()
    page.select_option("select[name=fulfilment]", "pickup")
    page.select_option("select[name=item_0]", f"product:{comb.pk}")
    page.fill("input[name=quantity_0]", "2")
    page.select_option("select[name=item_1]", f"product:{brush.pk}")
    page.fill("input[name=quantity_1]", "1")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/orders/new/" not in url)

    order = Order.objects.for_business(business).get()
    assert order.client == wanted
    assert order.responsible == manager
    assert sorted((item.quantity, item.unit_price) for item in order.items.all()) == [
        (1, Decimal("300.00")),
        (2, Decimal("150.00")),
    ]
    assert order.total == Decimal("600.00")


def test_manager_adds_a_new_client_inline_at_phone_width(browser_page, business, manager):
    """Nobody found by the search: the manager types the new client's name and phone on the same page; the client
    is created with the order (phone stored E.164) and the order opens with them."""
    business.country = "RU"
    business.save(update_fields=["country"])
    make_client(business, full_name="Other Person", phone="+79257770011")
    comb = make_product(business, name="Comb", price="150.00")
    problems = []
    page = browser_page
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.set_viewport_size({"width": 390, "height": 844})
    browser_sign_in(page, manager)
    page.goto("/orders/new/")
    page.fill("#client-search", "Nina")
    page.get_by_text("No client found: add a new one below.").wait_for()
    page.fill("input[name=new_client_name]", "Nina Newcomer")
    page.fill("input[name=new_client_phone]", "8 (916) 555-12-34")
    page.select_option("select[name=fulfilment]", "pickup")
    page.select_option("select[name=item_0]", f"product:{comb.pk}")
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/orders/new/" not in url)

    order = Order.objects.for_business(business).get()
    assert (order.client.full_name, order.client.phone) == ("Nina Newcomer", "+79165551234")
    assert "Nina Newcomer" in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert problems == []
