"""Validators for operator-entered settings (SECURITY.md 38): one place, used by models, forms and services.

Each raises Django's ValidationError, so a model's `clean()` (which the operator console's forms call) and a
service's own checks refuse the same values before anything is saved; nothing saved can fail a later request.
"""

from __future__ import annotations

import zoneinfo
from decimal import Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(_("%(value)s is not an IANA time zone."), params={"value": value})


@cache
def _country_codes() -> frozenset[str]:
    import holidays
    import phonenumbers

    # The regions phonenumbers knows are the ISO 3166-1 alpha-2 codes in use; "001" marks non-geographic numbers.
    regions = {region for region in phonenumbers.SUPPORTED_REGIONS if region.isalpha()}
    return frozenset(regions | set(holidays.list_supported_countries()))


def validate_country_code(value: str) -> None:
    if (value or "").upper() not in _country_codes():
        raise ValidationError(_("%(value)s is not an ISO 3166 country code."), params={"value": value})


def validate_holiday_country(value: str, subdivision: str = "") -> None:
    """A country (and region) whose public holidays the `holidays` library knows; empty means no holidays."""
    if not value:
        return
    import holidays

    supported = holidays.list_supported_countries()
    code = value.upper()
    if code not in supported:
        raise ValidationError(
            {"country": _("No public holidays are known for %(value)s.") % {"value": value}}, code="invalid"
        )
    if subdivision and subdivision.upper() not in {item.upper() for item in supported[code]}:
        raise ValidationError(
            {"subdivision": _("%(value)s is not a region of %(country)s.") % {"value": subdivision, "country": code}},
            code="invalid",
        )


def validate_currency_code(value: str) -> None:
    from .money import CURRENCY_MINOR_UNITS

    if (value or "").upper() not in CURRENCY_MINOR_UNITS:
        raise ValidationError(_("%(value)s is not a supported ISO 4217 currency."), params={"value": value})


def validate_language(value: str) -> None:
    if value not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the offered languages."))


def validate_not_negative(value) -> None:
    try:
        negative = value is not None and Decimal(value) < 0
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ValidationError(_("Enter a number.")) from error
    if negative:
        raise ValidationError(_("Enter zero or more."))


def validate_percent(value) -> None:
    validate_not_negative(value)
    if value is not None and Decimal(value) > 100:
        raise ValidationError(_("Enter at most 100."))


def errors_of(checks: dict[str, tuple]) -> dict[str, list]:
    """Run `{field: (validator, value)}` and collect the messages per field (for a model's `clean()`)."""
    errors: dict[str, list] = {}
    for field, (validator, value) in checks.items():
        try:
            validator(value)
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
    return errors
