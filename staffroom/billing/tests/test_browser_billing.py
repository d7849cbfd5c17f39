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


def test_in_russian_the_preview_and_the_billing_page_agree(browser_page, subscribed, owner, accountant):
    """The owner makes an employee billable in Russian: the preview's charge now, discount and paid-through date,
    then the Billing page's paid-through date and seat numbers are the same (numbers and dates, not the words)."""
    page = browser_page
    business = owner.business
    business.locale = "ru"
    business.save()
    make_employee(business, "specialist", full_name="Третий Мастер", provides_services=True)
    services.seats_recount(business=business)
    subscription = Subscription.objects.for_business(business).get()
    before = subscription.paid_through.isoformat()
    expected = expected_paid_through(subscription, subscription.billable_count + 1)
    billable_after = subscription.billable_count + 1
    paid_after = subscription.plan.price_terms.paid_seats(billable_after)

    browser_sign_in(page, owner)
    page.goto(f"/employees/{accountant.pk}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    preview = page.locator("[data-testid=seat-preview]")
    preview.wait_for()
    assert page.locator("[data-testid=preview-paid-through]").get_attribute("datetime") == before
    page.check("#id_provides_services")
    page.wait_for_function(
        "expected => document.querySelector('[data-testid=preview-paid-through]')?.getAttribute('datetime') === expected",
        arg=expected,
    )
    assert preview.locator("[data-field=charge-now]").get_attribute("data-value") == "0.00"
    assert preview.locator("[data-field=term-discount]").get_attribute("data-value") == "15.00"  # a 12-month term
    assert preview.locator("[data-field=paid-through-reason]").inner_text().strip()
    billable_text = preview.locator("[data-field=billable]").inner_text()
    assert billable_text.replace(" ", "") == f"{subscription.billable_count}→{billable_after}"
    paid_text = preview.locator("[data-field=paid-seats]").inner_text()
    assert paid_text.replace(" ", "").endswith(f"→{paid_after}")
    page.click("main button[type=submit]")
    page.wait_for_url("**/employees/")
    summary = page.locator("[data-testid=seat-summary]")
    assert summary.locator("[data-field=billable]").inner_text() == str(billable_after)
    assert summary.locator("[data-field=paid-seats]").inner_text() == str(paid_after)

    page.goto("/billing/")
    assert page.locator("[data-testid=paid-through]").get_attribute("datetime") == expected
    billing_summary = page.locator("[data-testid=seat-summary]")
    assert billing_summary.locator("[data-field=billable]").inner_text() == str(billable_after)
    assert billing_summary.locator("[data-field=paid-seats]").inner_text() == str(paid_after)
    assert billing_summary.locator("[data-field=included-seats]").inner_text() == str(subscription.plan.free_seats)
    page.screenshot(path="var/screenshot-billing-ru.png", full_page=True)
