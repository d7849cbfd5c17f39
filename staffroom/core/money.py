"""Money: Decimal amounts with a currency code, rounded half-up to the currency's minor unit where meant."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

# ISO 4217 codes offered to businesses, with their minor units (digits after the point).
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "RUB": 2, "USD": 2, "EUR": 2, "HUF": 2, "UAH": 2, "KZT": 2, "BYN": 2, "GBP": 2, "PLN": 2, "CZK": 2,
    "RON": 2, "BGN": 2, "GEL": 2, "AMD": 2, "AZN": 2, "UZS": 2, "KGS": 2, "TRY": 2, "AED": 2, "CHF": 2,
    "SEK": 2, "NOK": 2, "DKK": 2, "CAD": 2, "AUD": 2, "ILS": 2, "INR": 2, "CNY": 2, "JPY": 0, "KRW": 0,
}  # fmt: skip
CURRENCY_CHOICES = [(code, code) for code in sorted(CURRENCY_MINOR_UNITS)]


def minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS.get(currency, 2))


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round half-up to the currency's minor unit (2.345 -> 2.35; banker's rounding would give 2.34)."""
    if not isinstance(amount, Decimal):
        raise TypeError("money must be Decimal")
    return amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def MoneyField(**kwargs) -> models.DecimalField:
    kwargs.setdefault("max_digits", 14)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)
