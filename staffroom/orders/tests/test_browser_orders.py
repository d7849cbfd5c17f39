"""In Debian's chromium: a manager takes an order from the queue, adds a task to it, and finds it in "Mine"."""

import pytest

from conftest import browser_sign_in
from staffroom.orders.models import Order, OrderTask

pytestmark = pytest.mark.browser


def test_manager_claims_an_order_adds_a_task_and_sees_it_in_their_list(
    browser_page, manager, colleague_order, queued_order
):
    page = browser_page
    browser_sign_in(page, manager)
    page.goto("/orders/?scope=queue")
    row = page.locator(f"tr[data-order='{queued_order.number}']")
    assert row.get_attribute("data-access") == "limited"
    row.locator("a").first.click()
    page.click("text=Take this order")
    page.wait_for_selector(".message.success")
    assert page.locator(".responsible").inner_text() == manager.full_name
    assert "Quentin Queue" in page.locator(".summary").inner_text()  # now theirs: shown in full

    page.fill("input[name=title]", "Call Quentin about delivery")
    page.select_option("select[name=assignee]", str(manager.pk))
    page.fill("input[name=due_at]", "2030-01-15T10:30")
    page.click("#tasks button[type=submit]:has-text('Add task')")
    page.wait_for_selector("text=Call Quentin about delivery")

    page.click("nav.sidenav >> text=Orders")
    page.click("nav.tabs >> text=Mine")
    mine = page.locator(f"tr[data-order='{queued_order.number}']")
    assert mine.get_attribute("data-access") == "full"
    assert "Quentin Queue" in mine.inner_text()
    assert page.locator(f"tr[data-order='{colleague_order.number}']").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="var/screenshot-orders-mine.png", full_page=True)

    order = Order.objects.for_business(manager.business).get(pk=queued_order.pk)
    assert order.responsible == manager
    task = OrderTask.objects.for_business(manager.business).get(order=order)
    assert task.assignee == manager and task.title == "Call Quentin about delivery"
    assert task.due_at.astimezone(manager.business.zone).strftime("%Y-%m-%d %H:%M") == "2030-01-15 10:30"
