"""In Debian's chromium: open the day calendar, book an appointment from a free slot, take a payment."""

import pytest

from conftest import browser_sign_in
from staffroom.payments.models import Payment
from staffroom.scheduling.models import Appointment

pytestmark = pytest.mark.browser


def test_front_desk_books_from_the_day_calendar_and_takes_payment(
    browser_page, business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    page = browser_page
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    column = page.locator(f".cal-col[data-specialist='{working_specialist.pk}']")
    column.locator("a.cal-slot[href*='time=11:00']").click()
    page.wait_for_url("**/calendar/book/**")
    page.fill("#client-search", "Carla")
    page.locator("#client-options input[name=client_id]").first.wait_for()
    page.check(f"input[name=services][value='{haircut.pk}']")
    page.click("#booking-form button[type=submit]")
    page.wait_for_url("**/calendar/appointments/*/")

    appointment = Appointment.objects.for_business(business).get()
    assert appointment.client == a_client and appointment.created_by == administrator
    assert appointment.starts_at.astimezone(business.zone).hour == 11
    assert page.locator("#appointment-balance").inner_text() == "RUB\xa01,500.00"

    page.click("text=Take payment")
    page.wait_for_url("**/pay/")
    page.check("input[name=method][value=card]")
    page.fill("#id_tip_amount", "200")
    page.click("#payment-form button[type=submit]")
    page.wait_for_url(f"**/calendar/appointments/{appointment.pk}/")
    assert page.locator("#appointment-balance").inner_text() == "RUB\xa00.00"
    page.screenshot(path="var/screenshot-appointment.png", full_page=True)

    payment = Payment.objects.for_business(business).get()
    assert (payment.amount, payment.method, payment.processed_by) == (appointment.total, "card", administrator)

    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    page.screenshot(path="var/screenshot-calendar.png", full_page=True)
    assert column.locator(f"[data-appointment='{appointment.pk}']").count() == 1


def test_drag_an_appointment_to_another_time_and_a_clash_is_shown(
    browser_page, business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    from staffroom.scheduling import services
    from staffroom.scheduling.tests.factories import local

    moving = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )
    services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 15),
        services=[haircut],
    )
    page = browser_page
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    column = page.locator(f".cal-col[data-specialist='{working_specialist.pk}']")
    block = column.locator(f"[data-appointment='{moving.pk}']")
    grab = {"x": 20, "y": 4}  # by its top edge: the top lands where it is dropped
    block.drag_to(column.locator("a.cal-slot[href*='time=13:00']"), source_position=grab, target_position=grab)
    page.locator("#cal-toast").wait_for(state="visible")
    moving.refresh_from_db()
    assert moving.starts_at == local(business, tomorrow, 13)
    page.reload()

    column.locator(f"[data-appointment='{moving.pk}']").drag_to(
        column.locator("a.cal-slot[href*='time=14:30']"), source_position=grab, target_position=grab
    )
    page.locator("#cal-error").wait_for(state="visible")
    assert "busy" in page.locator("#cal-error").inner_text()
    moving.refresh_from_db()
    assert moving.starts_at == local(business, tomorrow, 13)
