"""The formatting layer, one table per locale: money, big numbers, negatives, percentages, dates, times, zones."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from staffroom.core import formatting

NBSP = "\xa0"
# 21:05 UTC on Dec 1 is already Dec 2 in Vladivostok and still Dec 1 in New York.
LATE_EVENING_UTC = dt.datetime(2026, 12, 1, 21, 5, tzinfo=dt.UTC)

TABLE = {
    "en": {
        "money": "RUB\xa03,510.00",
        "negative": "-HUF\xa01,234,567.01",
        "home_currency": "UAH\xa040,000.00",
        "big": "1,234,567",
        "percent": "12.5%",
        "date_short": "Feb 29, 2028",
        "date_long": "February 29, 2028",
        "time": "8:05\u202fAM",
        "vladivostok": "Dec 2, 2026, 7:05\u202fAM",
        "new_york": "December 1, 2026, 4:05\u202fPM",
    },
    "ru": {
        "money": "3\xa0510,00\xa0₽",
        "negative": "-1\xa0234\xa0567,01\xa0HUF",
        "home_currency": "40\xa0000,00\xa0₴",
        "big": "1\xa0234\xa0567",
        "percent": "12,5\xa0%",
        "date_short": "29 февр. 2028\u202fг.",
        "date_long": "29 февраля 2028\u202fг.",
        "time": "08:05",
        "vladivostok": "2 дек. 2026\u202fг., 07:05",
        "new_york": "1 декабря 2026\u202fг., 16:05",
    },
    "hu": {
        "money": "3\xa0510,00\xa0RUB",
        "negative": "-1\xa0234\xa0567,01\xa0Ft",
        "home_currency": "40\xa0000,00\xa0UAH",
        "big": "1\xa0234\xa0567",
        "percent": "12,5%",
        "date_short": "2028. febr. 29.",
        "date_long": "2028. február 29.",
        "time": "8:05",
        "vladivostok": "2026. dec. 2. 7:05",
        "new_york": "2026. december 1. 16:05",
    },
    "uk": {
        "money": "3\xa0510,00\xa0RUB",
        "negative": "-1\xa0234\xa0567,01\xa0HUF",
        "home_currency": "40\xa0000,00\xa0₴",
        "big": "1\xa0234\xa0567",
        "percent": "12,5%",
        "date_short": "29 лют. 2028\u202fр.",
        "date_long": "29 лютого 2028\u202fр.",
        "time": "08:05",
        "vladivostok": "2 груд. 2026\u202fр., 07:05",
        "new_york": "1 грудня 2026\u202fр., 16:05",
    },
}


def _actual(language: str) -> dict[str, str]:
    return {
        "money": formatting.format_money(Decimal("3510"), "RUB", language=language),
        "negative": formatting.format_money(Decimal("-1234567.005"), "HUF", language=language),
        "home_currency": formatting.format_money(40000, "UAH", language=language),
        "big": formatting.format_number(1234567, language=language),
        "percent": formatting.format_percent(Decimal("12.50"), language=language),
        "date_short": formatting.format_date(dt.date(2028, 2, 29), language=language),
        "date_long": formatting.format_date(dt.date(2028, 2, 29), "long", language=language),
        "time": formatting.format_time(dt.time(8, 5), language=language),
        "vladivostok": formatting.format_datetime(LATE_EVENING_UTC, language=language, tz="Asia/Vladivostok"),
        "new_york": formatting.format_datetime(LATE_EVENING_UTC, "long", language=language, tz="America/New_York"),
    }


@pytest.mark.parametrize("language", sorted(TABLE))
def test_each_locale_writes_figures_and_moments_its_own_way(language):
    assert _actual(language) == TABLE[language]


def test_the_ru_table_has_no_hidden_ascii_separators():
    # Grouping uses a no-break space so "40 000" never wraps between its digits.
    assert " " not in TABLE["ru"]["big"] and NBSP in TABLE["ru"]["big"]


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("2.345"), "RUB\xa02.35"), (Decimal("-2.345"), "-RUB\xa02.35"), (Decimal("0"), "RUB\xa00.00")],
)
def test_money_rounds_half_up_to_the_minor_unit(amount, shown):
    assert formatting.format_money(amount, "RUB", language="en") == shown


def test_money_without_minor_units():
    assert formatting.format_money(Decimal("1500.5"), "JPY", language="en") == "¥1,501"


def test_money_refuses_float():
    with pytest.raises(TypeError):
        formatting.format_money(3510.0, "RUB")


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        formatting.format_datetime(dt.datetime(2026, 12, 1, 8, 0))


def test_one_minute_after_local_midnight_is_the_next_local_day():
    before = dt.datetime(2026, 1, 31, 20, 59, tzinfo=dt.UTC)  # 23:59 in Moscow
    after = dt.datetime(2026, 1, 31, 21, 1, tzinfo=dt.UTC)  # 00:01 on Feb 1
    assert formatting.format_datetime(before, language="en", tz="Europe/Moscow") == "Jan 31, 2026, 11:59\u202fPM"
    assert formatting.format_datetime(after, language="en", tz="Europe/Moscow") == "Feb 1, 2026, 12:01\u202fAM"


def test_daylight_saving_change_in_new_york():
    # 06:30 UTC is 01:30 EST on Nov 1, 2026 after the clocks go back, 02:30 EDT the day before the change.
    assert (
        formatting.format_time(dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC), tz="America/New_York", language="ru")
        == "01:30"
    )
    assert (
        formatting.format_time(dt.datetime(2026, 10, 31, 6, 30, tzinfo=dt.UTC), tz="America/New_York", language="ru")
        == "02:30"
    )


def test_filters_use_the_active_language_and_time_zone():
    template = Template("{{ amount|money:'RUB' }}|{{ moment|datetime_short }}|{{ day|date_long }}|{{ share|percent }}")
    with translation.override("ru"), timezone.override("Asia/Vladivostok"):
        text = template.render(
            Context({"amount": Decimal("40000"), "moment": LATE_EVENING_UTC, "day": dt.date(2026, 1, 31), "share": 5})
        )
    assert text == "40\xa0000,00\xa0₽|2 дек. 2026\u202fг., 07:05|31 января 2026\u202fг.|5\xa0%"


def test_empty_values_show_nothing():
    assert (
        Template("{{ none|money:'RUB' }}{{ none|date_short }}{{ none|time_short }}").render(Context({"none": None}))
        == ""
    )
