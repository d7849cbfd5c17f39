"""In Debian's chromium with a virtual authenticator: enrol a passkey, then pass the second step with it."""

import pytest
from allauth.mfa.models import Authenticator

from conftest import browser_sign_in
from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_a_passkey_is_a_second_factor(browser_page, administrator):
    page = browser_page
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    browser_sign_in(page, administrator)
    page.goto("/accounts/2fa/webauthn/add/")
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url("**/webauthn/add/**")
    page.fill("input[name=name]", "Laptop")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    assert Authenticator.objects.filter(user=administrator.person, type="webauthn").count() == 1
    assert SecurityEvent.objects.for_business(administrator.business).filter(event_type="two_factor.added").exists()
    # The first factor brings recovery codes, shown on the very next page (once).
    assert page.locator(".recovery-codes li").count() == 10

    page.click("header button:has-text('Sign out')")
    page.goto("/accounts/login/")
    page.fill("input[name=login]", administrator.person.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/verify/")
    page.click("#passkey-button")
    page.wait_for_url(lambda url: "/accounts/" not in url)
    assert page.locator("header .who").inner_text() == administrator.full_name
    assert (
        SecurityEvent.objects.for_business(administrator.business)
        .filter(event_type="second_factor.passed", after__method="passkey")
        .exists()
    )
