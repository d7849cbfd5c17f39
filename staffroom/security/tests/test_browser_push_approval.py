"""In Debian's chromium: a second sign-in is approved from a signed-in browser by picking the matching number."""

import pytest

from conftest import browser_sign_in
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, totp_code

pytestmark = pytest.mark.browser


def test_push_approval_without_a_page_reload(browser_page, administrator, live_server):
    secret = enrol_totp(administrator.person)
    phone = browser_page
    browser_sign_in(phone, administrator)
    phone.fill("input[name=code]", totp_code(secret))
    phone.click("button[value=code]")
    phone.wait_for_url(lambda url: "/accounts/verify/" not in url)
    phone.goto("/security/sessions/")

    context = phone.context.browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 800})
    laptop = context.new_page()
    laptop.goto("/accounts/login/")
    laptop.fill("input[name=login]", administrator.person.email)
    laptop.fill("input[name=password]", PASSWORD)
    laptop.click("button[type=submit]")
    laptop.wait_for_url("**/accounts/verify/")
    # A new device with another signed-in session: the request goes out by itself, the number is shown at once.
    number = laptop.locator("[data-testid=approval-number]").inner_text().strip()

    # The signed-in page learns of the request by polling (no reload) and shows device, IP and three numbers.
    card = phone.locator(".approval")
    card.wait_for(timeout=15000)
    assert "IP" in card.inner_text()
    phone.screenshot(path="var/screenshot-approval-request.png", full_page=True)
    laptop.screenshot(path="var/screenshot-approval-number.png", full_page=True)
    card.locator("button", has_text=number).click()
    laptop.wait_for_url(lambda url: "/accounts/" not in url, timeout=15000)
    assert laptop.locator("header .who").count() == 1
    context.close()
