"""Date and time inputs carry ISO values in every language, and the server reads what the browser sends back."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.utils import translation

from staffroom.core.widgets import DateInput, DateTimeInput, TimeInput
from staffroom.scheduling import services

from .factories import local

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_widgets_render_iso_values_in_every_language(language):
    with translation.override(language):
        date_html = DateInput().render("d", dt.date(2026, 12, 2))
        time_html = TimeInput().render("t", dt.time(8, 5))
        moment_html = DateTimeInput().render("m", dt.datetime(2026, 2, 28, 23, 59))
    assert 'type="date"' in date_html and 'value="2026-12-02"' in date_html
    assert 'type="time"' in time_html and 'value="08:05"' in time_html
    assert 'type="datetime-local"' in moment_html and 'value="2026-02-28T23:59"' in moment_html


@pytest.fixture
def visit(business, administrator, a_client, working_specialist, branch, haircut, tomorrow):
    return services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )


def _input_values(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="(?:date|time)" name="(\w+)" value="([^"]*)"', page))


def test_rescheduling_in_russian_sends_back_the_iso_values_it_was_given(
    business, administrator, visit, working_specialist, branch, tomorrow, client_for
):
    browser = client_for(administrator)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = browser.get(f"/calendar/appointments/{visit.pk}/").content.decode()
    values = _input_values(page)
    assert values == {"date": tomorrow.isoformat(), "time": "10:00"}
    form = {
        "date": values["date"],
        "time": "11:30",
        "specialist": working_specialist.pk,
        "branch": branch.pk,
        "version": visit.version,
    }
    assert browser.post(f"/calendar/appointments/{visit.pk}/reschedule/", form).status_code == 302
    visit.refresh_from_db()
    assert visit.starts_at == local(business, tomorrow, 11, 30)


def test_the_sales_report_filter_keeps_iso_dates_in_russian(administrator, client_for):
    browser = client_for(administrator)
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = browser.get("/reports/sales/?start=2026-11-01&end=2026-11-30").content.decode()
    assert re.search(r'type="date" name="start" value="2026-11-01"', page)
    assert re.search(r'type="date" name="end" value="2026-11-30"', page)
