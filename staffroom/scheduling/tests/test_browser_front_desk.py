"""In Debian's chromium, at desktop width and at phone width with touch: book from a slot, drag a visit to another
specialist and time (and undo), try a break and see the refusal; the override asks for a confirmation."""

import datetime as dt
import os

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, browser_sign_in
from staffroom.catalog.models import SpecialistService
from staffroom.scheduling import services
from staffroom.scheduling.models import Appointment
from staffroom.staff.tests.factories import make_employee

from .factories import local, make_client, make_weekly_schedule

pytestmark = pytest.mark.browser

GRAB = {"x": 20, "y": 4}  # a visit is held by its top edge: the top lands on the slot it is dropped on


@pytest.fixture
def phone_page(live_server):
    """A phone-sized page with touch emulation (touch events become pointer events, as on a real phone)."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def touch_drag(page, source, target):
    """Press on `source`'s top edge with a finger, slide to `target`'s top edge, lift (Chrome's touch input)."""
    start, end = source.bounding_box(), target.bounding_box()
    x0, y0 = start["x"] + GRAB["x"], start["y"] + GRAB["y"]
    x1, y1 = end["x"] + GRAB["x"], end["y"] + GRAB["y"]
    session = page.context.new_cdp_session(page)
    session.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y0}]})
    for step in range(1, 9):
        x, y = x0 + (x1 - x0) * step / 8, y0 + (y1 - y0) * step / 8
        session.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    session.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.fixture
def desk(business, branch, working_specialist, haircut):
    """Two specialists in the first branch; the first has a break 13:00–14:00."""
    from staffroom.scheduling.models import WorkingHours

    WorkingHours.objects.for_business(business).filter(specialist=working_specialist).delete()
    make_weekly_schedule(working_specialist, branch, intervals=((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18))))
    second = make_employee(business, full_name="Tess Second", provides_services=True, calendar_colour="#ec4899")
    make_weekly_schedule(second, branch)
    SpecialistService.objects.create(business=business, service=haircut, specialist=second)
    return working_specialist, second


def _visit(business, actor, specialist, branch, service, when):
    return services.appointment_create(
        actor=actor,
        client=make_client(business, full_name="Dora Drag"),
        specialist=specialist,
        branch=branch,
        starts_at=when,
        services=[service],
    )


def test_desktop_drag_to_another_specialist_and_time_then_undo(
    browser_page, business, administrator, branch, desk, haircut, tomorrow
):
    first, second = desk
    visit = _visit(business, administrator, first, branch, haircut, local(business, tomorrow, 10))
    page = browser_page
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    target = page.locator(f".cal-col[data-specialist='{second.pk}'] a.cal-slot[href*='time=15:00']")
    page.locator(f"[data-appointment='{visit.pk}']").drag_to(target, source_position=GRAB, target_position=GRAB)
    page.locator("#cal-toast").wait_for(state="visible")
    visit.refresh_from_db()
    assert (visit.specialist, visit.starts_at) == (second, local(business, tomorrow, 15))

    with page.expect_navigation():
        page.click("#cal-undo")
    visit.refresh_from_db()
    assert (visit.specialist, visit.starts_at) == (first, local(business, tomorrow, 10))


def test_desktop_break_is_refused_and_the_override_asks_first(
    browser_page, business, administrator, call_center_operator, branch, desk, haircut, tomorrow
):
    first, _second = desk
    visit = _visit(business, administrator, first, branch, haircut, local(business, tomorrow, 10))
    page = browser_page
    browser_sign_in(page, call_center_operator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    column = page.locator(f".cal-col[data-specialist='{first.pk}']")
    column.locator(f"[data-appointment='{visit.pk}']").drag_to(
        column.locator("a.cal-slot[href*='time=13:00']"), source_position=GRAB, target_position=GRAB
    )
    page.locator("#cal-error").wait_for(state="visible")
    assert "working hours" in page.locator("#cal-error").inner_text()
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 10)

    # The Administrator holds the override: the page asks; declining leaves the visit where it was.
    page.context.clear_cookies()
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    dialogs = []

    def decline(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", decline)
    column.locator(f"[data-appointment='{visit.pk}']").drag_to(
        column.locator("a.cal-slot[href*='time=13:00']"), source_position=GRAB, target_position=GRAB
    )
    page.locator("#cal-error").wait_for(state="visible")
    assert dialogs and "working hours" in dialogs[0]
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 10)

    page.once("dialog", lambda dialog: dialog.accept())
    column.locator(f"[data-appointment='{visit.pk}']").drag_to(
        column.locator("a.cal-slot[href*='time=13:00']"), source_position=GRAB, target_position=GRAB
    )
    page.locator("#cal-toast").wait_for(state="visible")
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 13)


def test_phone_tap_a_slot_and_book(phone_page, business, administrator, a_client, branch, desk, haircut, tomorrow):
    first, _second = desk
    page = phone_page
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    page.locator(f".cal-col[data-specialist='{first.pk}'] a.cal-slot[href*='time=11:00']").tap()
    page.wait_for_url("**/calendar/book/**")
    page.fill("#client-search", "carla")
    page.locator("#client-options input[name=client_id]").first.tap()
    page.locator(f"input[name=services][value='{haircut.pk}']").tap()
    page.locator("#booking-form button[type=submit]").tap()
    page.wait_for_url("**/calendar/appointments/*/")
    appointment = Appointment.objects.for_business(business).get()
    assert (appointment.client, appointment.specialist) == (a_client, first)
    assert appointment.starts_at == local(business, tomorrow, 11)


def test_phone_touch_drag_moves_and_a_break_is_refused(
    phone_page, business, administrator, call_center_operator, branch, desk, haircut, tomorrow
):
    first, _second = desk
    visit = _visit(business, administrator, first, branch, haircut, local(business, tomorrow, 10))
    page = phone_page
    browser_sign_in(page, call_center_operator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    column = page.locator(f".cal-col[data-specialist='{first.pk}']")
    block = column.locator(f"[data-appointment='{visit.pk}']")
    touch_drag(page, block, column.locator("a.cal-slot[href*='time=11:00']"))
    page.locator("#cal-toast").wait_for(state="visible")
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 11)

    page.reload()
    touch_drag(
        page, column.locator(f"[data-appointment='{visit.pk}']"), column.locator("a.cal-slot[href*='time=13:00']")
    )
    page.locator("#cal-error").wait_for(state="visible")
    assert "working hours" in page.locator("#cal-error").inner_text()
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 11)


def test_phone_touch_drag_to_another_specialist_and_time(
    phone_page, business, administrator, branch, desk, haircut, tomorrow
):
    first, second = desk
    visit = _visit(business, administrator, first, branch, haircut, local(business, tomorrow, 10))
    page = phone_page
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}")
    target = page.locator(f".cal-col[data-specialist='{second.pk}'] a.cal-slot[href*='time=12:00']")
    target.scroll_into_view_if_needed()
    touch_drag(page, page.locator(f"[data-appointment='{visit.pk}']"), target)
    page.locator("#cal-toast").wait_for(state="visible")
    visit.refresh_from_db()
    assert (visit.specialist, visit.starts_at) == (second, local(business, tomorrow, 12))
