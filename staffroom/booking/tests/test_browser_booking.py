"""In Debian's chromium at phone width, in English and Russian: a client books "any specialist", confirms the
e-mailed code, the visit shows in the staff calendar marked online, the client cancels by the link; a second
client with repeated no-shows lands in the review list. Assertions are on structure (translations come later)."""

import datetime as dt
import re

import pytest
from django.core import mail

from conftest import browser_sign_in
from staffroom.booking.models import BookingRequest
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_appointment, make_client

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _code_for(address: str) -> str:
    for message in reversed(mail.outbox):
        if message.to == [address]:
            found = re.search(r"\b(\d{6})\b", message.body)
            if found:
                return found.group(1)
    raise AssertionError(f"no code e-mailed to {address}")


def _book(page, date: dt.date, starts_at: dt.datetime, *, name: str, phone: str, email: str) -> None:
    page.goto("/test-beauty/book/?utm_source=instagram")
    page.locator("[data-step=services] input[name=s]").first.check()
    page.locator("[data-step=services] button[type=submit]").click()
    page.locator("[data-step=specialist] input[value=any]").wait_for()
    assert page.locator("[data-step=specialist] input[value=any]").is_checked()
    page.locator("[data-step=specialist] button[type=submit]").click()
    page.locator(f"a.booking-day[href*='d={date.isoformat()}']").click()
    page.locator(f"a.booking-slot[data-starts-at='{starts_at.isoformat()}']").click()
    form = page.locator("form[data-step=contact]")
    form.wait_for()
    trap = page.locator(".booking-trap input").bounding_box()
    assert trap is None or trap["x"] + trap["width"] <= 0  # the honeypot is off-screen for people
    page.fill("#id_full_name", name)
    page.fill("#id_phone", phone)
    page.fill("#id_email", email)
    page.check("#id_accepts_messages")
    form.locator("button[type=submit]").click()
    page.locator("form[data-step=code]").wait_for()
    page.fill("#id_code", _code_for(email))
    page.locator("form[data-step=code] button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_client_books_on_a_phone_and_cancels_by_the_link(
    language, browser_page, live_server, business, booking_settings, administrator, branch, working_specialist, tomorrow
):
    business.locale = language
    business.save()
    page = browser_page
    page.set_viewport_size(PHONE)
    date = tomorrow + dt.timedelta(days=1)
    starts_at = local(business, date, 10)
    _book(page, date, starts_at, name="Olga Online", phone="+79161112233", email="olga@example.test")
    page.locator("h1[data-state=booked]").wait_for()
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("[data-action=ics]").count() == 1
    manage_url = page.url
    page.screenshot(path=f"var/screenshot-booking-{language}.png", full_page=True)
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    appointment = Appointment.objects.for_business(business).get()
    assert appointment.source == "online" and appointment.created_by is None and appointment.utm_source == "instagram"

    staff_context = page.context.browser.new_context(base_url=live_server.url)
    staff = staff_context.new_page()
    browser_sign_in(staff, administrator)
    staff.goto(f"/calendar/?branch={branch.pk}&date={date.isoformat()}")
    block = staff.locator(f"[data-appointment='{appointment.pk}']")
    assert block.locator("[data-marker=online]").count() == 1
    staff_context.close()

    page.goto(manage_url)
    page.fill("#id_reason", "Plans changed")
    page.locator("form[data-action=cancel] button[type=submit]").click()
    page.locator("h1[data-state=cancelled]").wait_for()
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancellation_reason == "Plans changed"


def test_a_client_with_repeated_no_shows_goes_to_the_review_list(
    browser_page, live_server, business, booking_settings, administrator, branch, working_specialist, tomorrow
):
    repeat = make_client(business, full_name="Nick Noshow", phone="+79165550011", email="nick@example.test")
    for days_ago in (2, 9):
        make_appointment(
            business,
            specialist=working_specialist,
            client=repeat,
            branch=branch,
            starts_at=local(business, tomorrow - dt.timedelta(days=days_ago), 12),
            status="no_show",
        )
    page = browser_page
    page.set_viewport_size(PHONE)
    date = tomorrow + dt.timedelta(days=1)
    _book(page, date, local(business, date, 15), name="Nick", phone="+79165550011", email="nick@example.test")
    page.locator("h1[data-state=review]").wait_for()
    assert not Appointment.objects.for_business(business).filter(source="online").exists()
    request = BookingRequest.objects.for_business(business).get(status="in_review")

    browser_sign_in(page, administrator)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/calendar/online-review/")
    row = page.locator(f"tr[data-request='{request.pk}']")
    assert row.count() == 1
    row.locator("button[value=approve]").click()
    page.wait_for_url("**/calendar/online-review/")
    request.refresh_from_db()
    assert request.status == "booked" and request.appointment.source == "online"
