"""In Debian's chromium, at desktop width and at phone width with touch: the branch week shows every specialist's
visits of this branch (a specialist's visit in another branch never shows as this branch's), the arrows move a
week, the month overview counts the branch's visits per day, moves a month and opens a day; no console errors or
warnings, no failed request."""

import datetime as dt
import os

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, browser_sign_in
from staffroom.staff.tests.factories import make_employee
from staffroom.tenancy.models import Branch

from .factories import local, make_appointment, make_client, make_weekly_schedule

pytestmark = pytest.mark.browser

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


@pytest.fixture(params=sorted(SCREENS))
def screen(request, live_server):
    """(page, press): a page at desktop width, or at phone width with touch emulation where `press` taps."""
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, **SCREENS[request.param])
        page = context.new_page()
        page.set_default_timeout(15000)
        problems = []
        page.on(
            "console",
            lambda message: (
                problems.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "response",
            lambda response: (
                problems.append(f"HTTP {response.status} {response.url}") if response.status >= 400 else None
            ),
        )

        def press(locator):
            locator.tap() if request.param == "phone" else locator.click()

        try:
            yield page, press, problems
        finally:
            context.close()
            browser.close()


@pytest.fixture
def floor(business, working_specialist):
    """North with two specialists; the first also works in South, where one of their visits falls in the same week."""
    north, south = (Branch.objects.for_business(business).get(name=name) for name in ("North", "South"))
    second = make_employee(business, full_name="Tess Second", provides_services=True, calendar_colour="#ec4899")
    make_weekly_schedule(second, north)
    today = dt.datetime.now(dt.UTC).astimezone(business.zone).date()
    monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(days=7)
    wednesday, thursday = monday + dt.timedelta(days=2), monday + dt.timedelta(days=3)
    visits = {}
    for name, specialist, branch, day, hour in (
        ("Nora North", working_specialist, north, wednesday, 10),
        ("Tina Tess", second, north, wednesday, 11),
        ("Sid South", working_specialist, south, thursday, 12),
        ("Wally Nextweek", second, north, wednesday + dt.timedelta(days=7), 15),
    ):
        visits[name] = make_appointment(
            business,
            specialist=specialist,
            client=make_client(business, full_name=name),
            branch=branch,
            starts_at=local(business, day, hour),
        )
    return {"north": north, "second": second, "monday": monday, "wednesday": wednesday, "visits": visits}


def test_branch_week_shows_each_specialist_and_only_this_branch_visits(
    screen, administrator, working_specialist, floor
):
    page, press, problems = screen
    north = floor["north"]
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/week/?branch={north.pk}&date={floor['wednesday'].isoformat()}")
    table = page.locator("table.cal-week")
    rows = table.locator("tbody tr")
    assert rows.nth(0).locator("th").inner_text().strip() == working_specialist.full_name
    assert floor["second"].full_name in table.inner_text()
    first_row, second_row = (
        table.locator("tbody tr", has_text=working_specialist.full_name),
        table.locator("tbody tr", has_text=floor["second"].full_name),
    )
    wednesday = 2  # the day cells start on Monday
    assert "Nora North" in first_row.locator("td").nth(wednesday).inner_text()
    assert "Tina Tess" in second_row.locator("td").nth(wednesday).inner_text()
    assert "Tina Tess" not in first_row.inner_text() and "Nora North" not in second_row.inner_text()
    assert "Sid South" not in table.inner_text()  # a visit in South is not North's
    assert "Wally Nextweek" not in table.inner_text()

    with page.expect_navigation():
        press(page.get_by_label("Next week"))
    assert "Wally Nextweek" in page.locator("table.cal-week").inner_text()
    assert "Nora North" not in page.locator("table.cal-week").inner_text()
    with page.expect_navigation():
        press(page.get_by_label("Previous week"))
    assert "Nora North" in page.locator("table.cal-week").inner_text()

    with page.expect_navigation():
        press(page.locator("table.cal-week a", has_text="Nora North"))
    assert f"/calendar/appointments/{floor['visits']['Nora North'].pk}/" in page.url
    assert problems == []


def test_month_counts_this_branch_visits_moves_and_opens_a_day(screen, administrator, floor):
    page, press, problems = screen
    north, wednesday = floor["north"], floor["wednesday"]
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/month/?branch={north.pk}&date={wednesday.isoformat()}")
    assert page.locator("h1").inner_text().endswith(wednesday.strftime("%Y"))
    cell = page.locator(f"a.cal-month-day[data-date='{wednesday.isoformat()}']")
    assert "2 visits" in cell.inner_text()
    thursday = wednesday + dt.timedelta(days=1)
    if thursday.month == wednesday.month:  # Sid's visit is South's: North's Thursday is empty
        assert "0 visits" in page.locator(f"a.cal-month-day[data-date='{thursday.isoformat()}']").inner_text()

    with page.expect_navigation():
        press(page.get_by_label("Next month"))
    first_of_next = (wednesday.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    assert page.locator(f"a.cal-month-day[data-date='{first_of_next.isoformat()}']").count() == 1
    assert page.locator(f"a.cal-month-day[data-date='{wednesday.isoformat()}']").count() == 0
    with page.expect_navigation():
        press(page.get_by_label("Previous month"))

    with page.expect_navigation():
        press(page.locator(f"a.cal-month-day[data-date='{wednesday.isoformat()}']"))
    assert f"date={wednesday.isoformat()}" in page.url and f"branch={north.pk}" in page.url
    day = page.locator(".cal-grid, main").first.inner_text()
    assert "Nora North" in day and "Tina Tess" in day
    assert "Sid South" not in day
    assert problems == []
