"""In Debian's chromium, in Russian: reschedule an appointment to another day; filter the sales report by dates."""

import datetime as dt

import pytest
from django.utils import translation

from conftest import browser_sign_in
from staffroom.scheduling import services
from staffroom.tenancy.services import business_update

from .factories import local

pytestmark = pytest.mark.browser


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


def test_reschedule_to_another_day_in_russian(
    browser_page, russian, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    visit = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(russian, tomorrow, 10),
        services=[haircut],
    )
    page = browser_page
    problems = _watch_console(page)
    browser_sign_in(page, administrator)
    page.goto(f"/calendar/appointments/{visit.pk}/")
    assert page.locator("html").get_attribute("lang") == "ru"
    date_input = page.locator("form[action$='/reschedule/'] input[name=date]")
    assert date_input.input_value() == tomorrow.isoformat()  # the browser accepted the value: not blank
    assert page.locator("form[action$='/reschedule/'] input[name=time]").input_value() == "10:00"
    later = tomorrow + dt.timedelta(days=2)
    date_input.fill(later.isoformat())
    page.locator("form[action$='/reschedule/'] button[type=submit]").click()
    page.wait_for_url(f"**/calendar/appointments/{visit.pk}/")
    visit.refresh_from_db()
    assert visit.starts_at == local(russian, later, 10)
    assert "Обязательное поле" not in page.content()
    assert problems == []


def test_filter_the_sales_report_by_dates_in_russian(browser_page, russian, owner):
    page = browser_page
    problems = _watch_console(page)
    browser_sign_in(page, owner)
    page.goto("/reports/sales/")
    start, end = page.locator("input[name=start]"), page.locator("input[name=end]")
    assert start.input_value() and end.input_value()  # this month, shown by the browser (ISO underneath)
    start.fill("2026-02-01")
    end.fill("2026-02-28")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url("**/reports/sales/?*start=2026-02-01*")
    assert page.locator("input[name=start]").input_value() == "2026-02-01"
    assert page.locator("input[name=end]").input_value() == "2026-02-28"
    assert problems == []
