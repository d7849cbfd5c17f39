"""The one formatting layer: money, numbers, percentages, dates and times as the active language writes them.

Pages (template filters in `formatting` tags), e-mails and exports call these functions instead of
formatting by hand. The locale data (grouping, decimal sign, where the currency goes, month names)
comes from CLDR through Babel. Moments are always shown in the business's time zone: the one
activated for the request, or the one passed explicitly where there is no request (e-mails, tasks).
Each function takes an explicit `language` for callers outside a request; the default is the active one.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.conf import settings
from django.utils import timezone, translation

from .money import round_money

# One short and one long style per locale, named after the CLDR widths they use. The short date is
# CLDR "medium" ("Dec 2, 2026", "2 дек. 2026 г."): unambiguous, unlike the all-numeric "12/2/26".
DATE_STYLES = {"short": "medium", "long": "long", "full": "full"}
TIME_STYLE = "short"
# CLDR's currency spacing, which Babel leaves out: a letter code never touches the digits ("RUB 3,510.00").
_CODE_BEFORE_DIGIT = re.compile(r"(?<=[A-Z]{3})(?=\d)")
_DIGIT_BEFORE_CODE = re.compile(r"(?<=\d)(?=[A-Z]{3})")
NUMBER_PATTERN = "#,##0.##"


def babel_locale(language: str | None = None) -> Locale:
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    try:
        return Locale.parse(translation.to_locale(code))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(translation.to_locale(settings.LANGUAGE_CODE))


def _decimal(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("money and figures are Decimal or int, never float")
    return Decimal(value)


def format_money(amount, currency: str, *, language: str | None = None) -> str:
    """3510 RUB -> "3 510,00 ₽" in Russian, "RUB 3,510.00" in English; rounded half-up to the minor unit."""
    if amount is None or amount == "":
        return ""
    rounded = round_money(_decimal(amount), currency)
    text = babel_numbers.format_currency(rounded, currency, locale=babel_locale(language))
    return _DIGIT_BEFORE_CODE.sub("\xa0", _CODE_BEFORE_DIGIT.sub("\xa0", text))


def format_number(value, *, language: str | None = None, decimals: int | None = None) -> str:
    """Grouped number: 1234567 -> "1 234 567" (ru), "1,234,567" (en); up to two decimals unless told."""
    if value is None or value == "":
        return ""
    number = _decimal(value)
    pattern = NUMBER_PATTERN if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    return babel_numbers.format_decimal(number, format=pattern, locale=babel_locale(language))


def format_percent(value, *, language: str | None = None) -> str:
    """Percentage points as the locale writes them: 12.5 -> "12.5%" (en), "12,5 %" (ru)."""
    if value is None or value == "":
        return ""
    # The locale's own pattern (its spacing and sign position), keeping the decimals the value has.
    return babel_numbers.format_percent(
        _decimal(value).normalize() / 100, locale=babel_locale(language), decimal_quantization=False
    )


def _zone(tz) -> dt.tzinfo:
    if tz is None:
        return timezone.get_current_timezone()
    return zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz


def local_moment(moment: dt.datetime, tz=None) -> dt.datetime:
    """An aware moment in the business's zone (the active one unless given)."""
    if timezone.is_naive(moment):
        raise ValueError("moments are aware; a naive datetime has no place to be shown")
    return moment.astimezone(_zone(tz))


def _parsed(value):
    """API-style representations carry ISO text ("2026-12-02", "2026-12-02T05:00:03+00:00"): read them back."""
    if not isinstance(value, str):
        return value
    if "T" in value or " " in value.strip():
        return dt.datetime.fromisoformat(value)
    return dt.date.fromisoformat(value)


def format_date(value, style: str = "short", *, language: str | None = None, tz=None) -> str:
    """A business date, or the local date of a moment: "Dec 2, 2026" / "December 2, 2026" in English."""
    if value in (None, ""):
        return ""
    value = _parsed(value)
    if isinstance(value, dt.datetime):
        value = local_moment(value, tz).date()
    return babel_dates.format_date(value, DATE_STYLES[style], locale=babel_locale(language))


def format_time(value, *, language: str | None = None, tz=None) -> str:
    """A wall-clock time, or the local time of a moment: "8:05 AM" (en), "08:05" (ru)."""
    if value in (None, ""):
        return ""
    value = _parsed(value)
    if isinstance(value, dt.datetime):
        value = local_moment(value, tz).time()
    return babel_dates.format_time(value, TIME_STYLE, locale=babel_locale(language))


def format_datetime(value, style: str = "short", *, language: str | None = None, tz=None, seconds: bool = False) -> str:
    """A moment in the business's zone: the date in the given style and the time, joined the locale's way.

    `seconds` is for logs (security events), where the order of close events matters.
    """
    if value in (None, ""):
        return ""
    value = _parsed(value)
    if not isinstance(value, dt.datetime):
        return format_date(value, style, language=language)
    locale = babel_locale(language)
    moment = local_moment(value, tz)
    date_text = babel_dates.format_date(moment.date(), DATE_STYLES[style], locale=locale)
    time_text = babel_dates.format_time(moment.time(), "medium" if seconds else TIME_STYLE, locale=locale)
    pattern = str(locale.datetime_formats[DATE_STYLES[style]])
    # CLDR joins "{1}" (date) and "{0}" (time), with literal words in single quotes ("{1} 'в' {0}").
    return pattern.replace("'", "").replace("{1}", date_text).replace("{0}", time_text)


def format_phone(phone: str, region: str) -> str:
    """An E.164 number as people of the business's country write it: national at home, international otherwise.

    +79161234567 -> "8 (916) 123-45-67" for a Russian business, "+7 916 123-45-67" for a Hungarian one.
    Text that is not a valid number (older rows, foreign formats) is shown as stored.
    """
    if not phone:
        return ""
    try:
        parsed = phonenumbers.parse(phone, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return phone
    if not phonenumbers.is_valid_number(parsed):
        return phone
    home = phonenumbers.region_code_for_number(parsed) == (region or "").upper()
    style = phonenumbers.PhoneNumberFormat.NATIONAL if home else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(parsed, style)
