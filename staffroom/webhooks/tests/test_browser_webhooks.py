"""In Debian's chromium at phone width, in Russian: subscribe a receiver, copy the secret shown once, pause and
resume, see a delivery in the log and re-send it (htmx swaps its row). Elements are found by role and test id (the
new strings are translated later); console errors and warnings fail the test."""

import pytest
from django.utils import translation

from conftest import browser_sign_in
from staffroom.clients.services import client_create
from staffroom.tenancy.services import business_update
from staffroom.webhooks.models import WebhookSubscription
from staffroom.webhooks.secret_box import secret_decrypt
from staffroom.webhooks.signing import SIGNATURE_HEADER, verify_signature

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def russian(business, owner):
    business_update(actor=owner, locale="ru")
    yield business
    translation.activate("en")


def _watch_console(page) -> list[str]:
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None
        ),
    )
    page.on(
        "response",
        lambda response: problems.append(f"HTTP {response.status} {response.url}") if response.status >= 400 else None,
    )
    return problems


def test_subscribe_pause_and_resend_on_a_phone_in_russian(browser_page, russian, owner, receiver):
    page = browser_page
    page.set_viewport_size(PHONE)
    problems = _watch_console(page)
    browser_sign_in(page, owner)
    page.goto("/settings/webhooks/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.get_by_test_id("webhook-empty").is_visible()
    page.get_by_test_id("webhook-add").click()
    form = page.get_by_test_id("webhook-form")
    form.locator("input[name=url]").fill(receiver.url)
    form.locator("input[name=events][value='client.created']").check()
    form.locator("button[type=submit]").click()

    secret_card = page.get_by_test_id("webhook-secret")
    secret_card.wait_for()
    shown = secret_card.locator("code").inner_text().strip()
    subscription = WebhookSubscription.objects.for_business(russian).get()
    assert shown == secret_decrypt(subscription.encrypted_secret)
    assert subscription.events == ["client.created"]
    page.locator(f"a[href='/settings/webhooks/{subscription.pk}/']").click()
    page.wait_for_url(f"**/settings/webhooks/{subscription.pk}/")
    assert page.get_by_test_id("webhook-no-deliveries").is_visible()

    page.get_by_test_id("webhook-pause").click()
    page.get_by_test_id("webhook-resume").wait_for()
    subscription.refresh_from_db()
    assert not subscription.is_active
    page.get_by_test_id("webhook-resume").click()
    page.get_by_test_id("webhook-pause").wait_for()
    subscription.refresh_from_db()
    assert subscription.is_active

    client_create(actor=owner, full_name="Нина Петрова")  # committed at once: delivered now
    assert len(receiver.requests) == 1
    verify_signature(shown, receiver.requests[0]["body"], receiver.requests[0]["headers"][SIGNATURE_HEADER])
    page.reload()
    row = page.locator("[data-testid=webhook-deliveries] tbody tr")
    assert row.count() == 1
    assert "200" in row.inner_text()
    assert row.get_by_test_id("webhook-resend").is_visible()  # the table fits the phone: the button is reachable
    box = row.get_by_test_id("webhook-resend").bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    with page.expect_response(lambda response: "/resend/" in response.url):
        row.get_by_test_id("webhook-resend").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid=webhook-deliveries] tbody tr').length === 1")
    assert len(receiver.requests) == 2
    assert receiver.requests[1]["body"] == receiver.requests[0]["body"]
    assert page.url.endswith(f"/settings/webhooks/{subscription.pk}/")  # swapped in place, no navigation
    assert problems == []
