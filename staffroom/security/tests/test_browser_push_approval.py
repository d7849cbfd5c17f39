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


def test_a_request_disappears_from_the_other_device_when_the_sign_in_finishes_with_the_app(
    browser_page, administrator, live_server
):
    """SECURITY.md 35: device 2 signs in with the authenticator app; device 1 stops showing its request at the next
    poll (the list polls every 5 s; the wait allows one interval and a little slack, it measures nothing)."""
    import time

    secret = enrol_totp(administrator.person)
    device_1 = browser_page
    browser_sign_in(device_1, administrator)
    device_1.fill("input[name=code]", totp_code(secret))
    device_1.click("button[value=code]")
    device_1.wait_for_url(lambda url: "/accounts/verify/" not in url)
    device_1.goto("/")

    context = device_1.context.browser.new_context(base_url=live_server.url)
    device_2 = context.new_page()
    device_2.goto("/accounts/login/")
    device_2.fill("input[name=login]", administrator.person.email)
    device_2.fill("input[name=password]", PASSWORD)
    device_2.click("button[type=submit]")
    device_2.wait_for_url("**/accounts/verify/")
    device_2.locator("[data-testid=approval-number]").wait_for()

    card = device_1.locator(".approval")
    card.wait_for(timeout=15000)
    # The next 30-second step's code (within the tolerance): device 1 used the current one.
    device_2.fill("input[name=code]", totp_code(secret, time.time() + 30))
    device_2.click("button[value=code]")
    device_2.wait_for_url(lambda url: "/accounts/" not in url)
    card.wait_for(state="detached", timeout=5000 + 2000)
    assert device_1.locator(".approval").count() == 0
    context.close()
