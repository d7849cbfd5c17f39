"""The report period form reads the ISO dates the browser sends back, in every language (moved from scheduling)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from staffroom.reports.forms import PeriodForm

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_a_date_form_parses_what_the_browser_sends_in_every_language(language, business):
    with translation.override(language):
        form = PeriodForm({"start": "2028-02-29", "end": "2028-03-31"}, business=business)
        assert form.is_valid(), form.errors
    assert (form.cleaned_data["start"], form.cleaned_data["end"]) == (dt.date(2028, 2, 29), dt.date(2028, 3, 31))
