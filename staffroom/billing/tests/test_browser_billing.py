"""In Debian's chromium: the owner sees "will my price change?" before saving, and the Billing page after."""

import datetime

import pytest

from conftest import browser_sign_in
from staffroom.billing import calculations, services
from staffroom.billing.models import Subscription
from staffroom.staff.tests.factories import PASSWORD, make_employee

from .factories import make_active_subscription, make_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def subscribed(business, owner, administrator, specialist, accountant):
    """Two billable employees within Standard's two free seats; a 12-month term that began ten days ago."""
    plan = make_plan()
    today = services.business_today(business)
    return make_active_subscription(business, plan, start=today - datetime.timedelta(days=10), months=12)


def expected_paid_through(subscription, billable_after):
    state = calculations.ledger_seat_change(
        subscription.ledger_state,
        effective=services.business_today(subscription.business),
        monthly_price=subscription.plan.price_terms.monthly_price(billable_after),
    )
    return calculations.paid_through(state.paid_until).isoformat()


def test_owner_ticks_a_paid_right_sees_the_new_date_saves_and_billing_shows_it(
    browser_page, subscribed, owner, accountant
):
    page = browser_page
    make_employee(owner.business, "specialist", full_name="Third Stylist", provides_services=True)
    services.seats_recount(business=owner.business)
    subscription = Subscription.objects.for_business(owner.business).get()
    before = subscription.paid_through.isoformat()
    expected = expected_paid_through(subscription, subscription.billable_count + 1)
    assert expected < before

    browser_sign_in(page, owner)
    page.goto(f"/employees/{accountant.pk}/")
    preview = page.locator("[data-testid=seat-preview]")
    preview.wait_for()
    assert page.locator("[data-testid=preview-paid-through]").get_attribute("datetime") == before
    page.check("#id_provides_services")
    page.wait_for_function(
        "expected => document.querySelector('[data-testid=preview-paid-through]')?.getAttribute('datetime') === expected",
        arg=expected,
    )
    assert "3 → 4" in preview.inner_text()
    page.screenshot(path="var/screenshot-seat-preview.png", full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_url("**/employees/")

    page.goto("/billing/")
    assert page.locator("[data-testid=paid-through]").get_attribute("datetime") == expected
    assert "Acc Accountant" in page.locator("table.ledger").inner_text()
    page.screenshot(path="var/screenshot-billing.png", full_page=True)


def test_owner_ticks_take_payments_on_a_role_and_sees_the_preview(browser_page, subscribed, owner):
    page = browser_page
    viewer_holder = make_employee(owner.business, "viewer", full_name="Vera Viewer")
    role = viewer_holder.role
    subscription = Subscription.objects.for_business(owner.business).get()
    expected = expected_paid_through(subscription, subscription.billable_count + 1)

    browser_sign_in(page, owner)
    # Changing a role's rights asks for the password again (SECURITY.md 10); confirm it before opening the editor.
    page.goto(f"/accounts/reauthenticate/?next=/roles/{role.pk}/")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/roles/{role.pk}/")
    page.locator("[data-testid=seat-preview]").wait_for()
    page.check("input[name=permissions][value='payments.process']")
    page.wait_for_function(
        "expected => document.querySelector('[data-testid=preview-paid-through]')?.getAttribute('datetime') === expected",
        arg=expected,
    )
    page.click("main form.card button[type=submit]")
    page.wait_for_url("**/roles/")
    page.goto("/billing/")
    assert page.locator("[data-testid=paid-through]").get_attribute("datetime") == expected
