"""Subscription arithmetic on plain values: seats, list prices, invoice lines, anchored months and the prepaid ledger."""

from __future__ import annotations

import calendar
import datetime
import math
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from staffroom.core.money import round_money

TERM_MONTHS = (1, 3, 6, 12)


# --- seats and prices --------------------------------------------------------------------------------


def paid_seats(*, billable: int, free_seats: int) -> int:
    """p = max(0, billable − F)."""
    return max(0, billable - free_seats)


def monthly_list_price(*, base_price: Decimal, seat_price: Decimal, paid: int) -> Decimal:
    """M(p) = B + S·p, exact (no rounding: list prices are given in minor units already)."""
    return base_price + seat_price * paid


@dataclass(frozen=True)
class PriceTerms:
    """The price-relevant part of a plan version."""

    base_price: Decimal
    free_seats: int
    seat_price: Decimal
    currency: str

    def paid_seats(self, billable: int) -> int:
        return paid_seats(billable=billable, free_seats=self.free_seats)

    def monthly_price(self, billable: int) -> Decimal:
        return monthly_list_price(
            base_price=self.base_price, seat_price=self.seat_price, paid=self.paid_seats(billable)
        )


# --- anchored months ---------------------------------------------------------------------------------


def add_months(anchor: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29).

    Always computed from the anchor, never by chaining one-month steps (Jan 31 → Feb 28 → Mar 28 would drift).
    """
    month_index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def add_months_anchored(start: datetime.date, months: int, anchor_day: int) -> datetime.date:
    """`months` after `start`, on the subscription's anchor day clamped to that month's end.

    A term started on Jan 31 (anchor 31) ends Feb 28; the next one, starting Feb 28, ends Mar 31 — not Mar 28.
    """
    if not 1 <= anchor_day <= 31:
        raise ValueError("the anchor day is a day of the month, 1 to 31")
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    return datetime.date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def is_on_anchor(day: datetime.date, anchor_day: int) -> bool:
    """Whether `day` is the anchor day of its month (clamped: Feb 28 is on anchor 31 in a non-leap year)."""
    return day.day == min(anchor_day, calendar.monthrange(day.year, day.month)[1])


def anchor_day_for(start: datetime.date, anchor_day: int | None) -> int:
    """The anchor a term starting on `start` keeps: the stored one when the term starts on it, else the start's day.

    Seat changes can move the paid-through date off the anchor; the term that starts there then anchors anew.
    """
    if anchor_day is not None and is_on_anchor(start, anchor_day):
        return anchor_day
    return start.day


def term_end(start: datetime.date, months: int, anchor_day: int | None = None) -> datetime.date:
    """The exclusive end of a k-month term (its first unpaid day), computed from the anchor, never chained."""
    return add_months_anchored(start, months, anchor_day_for(start, anchor_day))


def paid_through(exclusive_end: datetime.date) -> datetime.date:
    """The last paid day (inclusive), the date shown to people; the exclusive end stays internal."""
    return exclusive_end - datetime.timedelta(days=1)


def local_date(moment: datetime.datetime, time_zone: str) -> datetime.date:
    """The business's calendar date at an aware moment: effective dates are local dates."""
    if moment.tzinfo is None:
        raise ValueError("moment must be aware")
    return moment.astimezone(ZoneInfo(time_zone)).date()


def days_between(start: datetime.date, end: datetime.date) -> int:
    return (end - start).days


# --- invoices ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceQuote:
    months: int
    discount_percent: Decimal
    paid_seats: int
    base_line: Decimal
    seats_line: Decimal
    currency: str

    @property
    def total(self) -> Decimal:
        return self.base_line + self.seats_line


def invoice_quote(*, terms: PriceTerms, billable: int, months: int, discount_percent: Decimal) -> InvoiceQuote:
    """Lines base = k·B·(1−d) and seats = k·S·p·(1−d), each rounded half-up; the total is their sum."""
    if months not in TERM_MONTHS:
        raise ValueError(f"term must be one of {TERM_MONTHS} months")
    if not Decimal(0) <= discount_percent < Decimal(100):
        raise ValueError("discount must be at least 0 and below 100 percent")
    keep = 1 - discount_percent / Decimal(100)
    paid = terms.paid_seats(billable)
    return InvoiceQuote(
        months=months,
        discount_percent=discount_percent,
        paid_seats=paid,
        base_line=round_money(months * terms.base_price * keep, terms.currency),
        seats_line=round_money(months * terms.seat_price * paid * keep, terms.currency),
        currency=terms.currency,
    )


# --- the prepaid-value ledger ------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerState:
    """Prepaid value W (in list-price-days, exact), the date L it was last restated at, and the price M it runs at.

    The exact end is L + W / M days; only the shown `paid_until` is rounded (up to the next whole day).
    """

    value: Fraction
    since: datetime.date
    monthly_price: Fraction

    @property
    def exact_days_left(self) -> Fraction:
        return self.value / self.monthly_price

    @property
    def paid_until(self) -> datetime.date:
        return self.since + datetime.timedelta(days=math.ceil(self.exact_days_left))


def _exact(amount: Decimal | Fraction | int) -> Fraction:
    return amount if isinstance(amount, Fraction) else Fraction(amount)


def ledger_open(*, start: datetime.date, end: datetime.date, monthly_price: Decimal) -> LedgerState:
    """On purchase or renewal: W = days(start, end) · M(p). The term discount plays no part in the date."""
    if monthly_price <= 0:
        raise ValueError("a plan's monthly list price must be positive")
    if end <= start:
        raise ValueError("a term ends after it starts")
    price = _exact(monthly_price)
    return LedgerState(value=days_between(start, end) * price, since=start, monthly_price=price)


def ledger_seat_change(
    state: LedgerState, *, effective: datetime.date, monthly_price: Decimal | Fraction
) -> LedgerState:
    """A change of paid seats effective on local date X: W ← W − days(L, X)·M_old, then it runs at M_new.

    A change on or after the shown paid-until date moves nothing (the value is spent; renewal restates it),
    and an effective date before L counts as L (changes never rewrite the past).
    """
    if monthly_price <= 0:
        raise ValueError("a plan's monthly list price must be positive")
    if effective >= state.paid_until:
        return state
    effective = max(effective, state.since)
    consumed = days_between(state.since, effective) * state.monthly_price
    return LedgerState(value=state.value - consumed, since=effective, monthly_price=_exact(monthly_price))


def ledger_change_allowed(state: LedgerState, new_state: LedgerState, *, removal_extends_term: bool) -> LedgerState:
    """Operators can turn off extension on seat removal: then a cheaper price keeps the previous date."""
    if removal_extends_term or new_state.paid_until <= state.paid_until or new_state is state:
        return new_state
    # Keep the date: spend the value that would have carried past it, so the exact end is the old shown date.
    days_left = days_between(new_state.since, state.paid_until)
    return replace(new_state, value=days_left * new_state.monthly_price)


@dataclass(frozen=True)
class SeatChangeEffect:
    """What a change of the billable count does: the numbers the "will my price change?" preview shows."""

    billable_before: int
    billable_after: int
    paid_seats_before: int
    paid_seats_after: int
    monthly_price_before: Decimal
    monthly_price_after: Decimal
    paid_until_before: datetime.date
    paid_until_after: datetime.date
    renewal: InvoiceQuote
    state_after: LedgerState
    # Why the paid-through date moves (or not): trial, unchanged, shortens, extends, kept, spent.
    reason: str = "unchanged"

    @property
    def changes_price(self) -> bool:
        return self.monthly_price_before != self.monthly_price_after


def seat_change_effect(
    *,
    state: LedgerState | None,
    terms: PriceTerms,
    renewal_terms: PriceTerms,
    renewal_months: int,
    renewal_discount_percent: Decimal,
    billable_before: int,
    billable_after: int,
    effective: datetime.date,
    trial_until: datetime.date | None = None,
    removal_extends_term: bool = True,
) -> SeatChangeEffect:
    """The one function behind both the preview and the applied change."""
    price_before = terms.monthly_price(billable_before)
    price_after = terms.monthly_price(billable_after)
    if state is None:
        # No prepaid value yet (trial): the date is the trial's end whatever the seats.
        until_before = until_after = trial_until or effective
        state_after = None
        reason = "trial"
    elif billable_before == billable_after or price_before == price_after:
        until_before = until_after = state.paid_until
        state_after = state
        reason = "unchanged"
    else:
        until_before = state.paid_until
        candidate = ledger_seat_change(state, effective=effective, monthly_price=price_after)
        state_after = ledger_change_allowed(state, candidate, removal_extends_term=removal_extends_term)
        until_after = state_after.paid_until
        if candidate is state:
            reason = "spent"
        elif until_after < until_before:
            reason = "shortens"
        elif until_after > until_before:
            reason = "extends"
        elif price_after < price_before and not removal_extends_term:
            reason = "kept"
        else:
            reason = "unchanged"
    renewal = invoice_quote(
        terms=renewal_terms, billable=billable_after, months=renewal_months, discount_percent=renewal_discount_percent
    )
    return SeatChangeEffect(
        billable_before=billable_before,
        billable_after=billable_after,
        paid_seats_before=terms.paid_seats(billable_before),
        paid_seats_after=terms.paid_seats(billable_after),
        monthly_price_before=price_before,
        monthly_price_after=price_after,
        paid_until_before=until_before,
        paid_until_after=until_after,
        renewal=renewal,
        state_after=state_after,
        reason=reason,
    )


def subscription_purchase(
    *,
    terms: PriceTerms,
    billable: int,
    start: datetime.date,
    months: int,
    discount_percent: Decimal,
    anchor_day: int | None = None,
) -> tuple[InvoiceQuote, LedgerState]:
    """A purchase or renewal of k months: the invoice at the discounted price, the ledger at the list price."""
    quote = invoice_quote(terms=terms, billable=billable, months=months, discount_percent=discount_percent)
    state = ledger_open(
        start=start, end=term_end(start, months, anchor_day), monthly_price=terms.monthly_price(billable)
    )
    return quote, state


# --- savings -----------------------------------------------------------------------------------------


def monthly_saving(*, terms: PriceTerms, billable: int, made_free: int) -> Decimal:
    """What the monthly list price drops by when `made_free` billable employees become free."""
    made_free = max(0, min(made_free, billable))
    return terms.monthly_price(billable) - terms.monthly_price(billable - made_free)


def monthly_equivalent(quote: InvoiceQuote) -> Decimal:
    """What a term's invoice costs per month (exact; compare, never bill, with it)."""
    return quote.total / quote.months


def term_saving(
    *,
    terms: PriceTerms,
    billable: int,
    months_before: int,
    discount_before: Decimal,
    months_after: int,
    discount_after: Decimal,
    terms_after: PriceTerms | None = None,
) -> Decimal:
    """How much less a month the renewal costs after a change of term and/or plan, rounded half-up to the minor unit."""
    before = invoice_quote(terms=terms, billable=billable, months=months_before, discount_percent=discount_before)
    after = invoice_quote(
        terms=terms_after or terms, billable=billable, months=months_after, discount_percent=discount_after
    )
    return round_money(monthly_equivalent(before) - monthly_equivalent(after), terms.currency)


# --- the total in words (Russian and Ukrainian invoices state it: "Сумма прописью", "Сума прописом") ------------


@dataclass(frozen=True)
class _Numerals:
    zero: str
    units_male: tuple[str, ...]
    units_female: tuple[str, ...]
    teens: tuple[str, ...]
    tens: tuple[str, ...]
    hundreds: tuple[str, ...]
    # (one, two-to-four, many; is feminine) for 10^3, 10^6, 10^9
    scales: tuple[tuple[tuple[str, str, str], bool], ...]
    # currency -> (major forms, major feminine, minor forms)
    currencies: dict


_NUMERALS = {
    "ru": _Numerals(
        zero="ноль",
        units_male=("", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
        units_female=("", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"),
        teens=(
            "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать",
            "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать",
        ),
        tens=("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"),
        hundreds=(
            "", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот",
        ),
        scales=(
            (("тысяча", "тысячи", "тысяч"), True),
            (("миллион", "миллиона", "миллионов"), False),
            (("миллиард", "миллиарда", "миллиардов"), False),
        ),
        currencies={
            "RUB": (("рубль", "рубля", "рублей"), False, ("копейка", "копейки", "копеек")),
            "UAH": (("гривна", "гривны", "гривен"), True, ("копейка", "копейки", "копеек")),
        },
    ),
    "uk": _Numerals(
        zero="нуль",
        units_male=("", "один", "два", "три", "чотири", "п’ять", "шість", "сім", "вісім", "дев’ять"),
        units_female=("", "одна", "дві", "три", "чотири", "п’ять", "шість", "сім", "вісім", "дев’ять"),
        teens=(
            "десять", "одинадцять", "дванадцять", "тринадцять", "чотирнадцять",
            "п’ятнадцять", "шістнадцять", "сімнадцять", "вісімнадцять", "дев’ятнадцять",
        ),
        tens=("", "", "двадцять", "тридцять", "сорок", "п’ятдесят", "шістдесят", "сімдесят", "вісімдесят", "дев’яносто"),
        hundreds=(
            "", "сто", "двісті", "триста", "чотириста", "п’ятсот", "шістсот", "сімсот", "вісімсот", "дев’ятсот",
        ),
        scales=(
            (("тисяча", "тисячі", "тисяч"), True),
            (("мільйон", "мільйони", "мільйонів"), False),
            (("мільярд", "мільярди", "мільярдів"), False),
        ),
        currencies={
            "UAH": (("гривня", "гривні", "гривень"), True, ("копійка", "копійки", "копійок")),
            "RUB": (("рубль", "рублі", "рублів"), False, ("копійка", "копійки", "копійок")),
        },
    ),
}  # fmt: skip


def _slavic_plural(number: int, forms: tuple[str, str, str]) -> str:
    if number % 10 == 1 and number % 100 != 11:
        return forms[0]
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return forms[1]
    return forms[2]


def _triad(numerals: _Numerals, number: int, feminine: bool) -> list[str]:
    words = [numerals.hundreds[number // 100]]
    rest = number % 100
    if 10 <= rest < 20:
        words.append(numerals.teens[rest - 10])
    else:
        words.append(numerals.tens[rest // 10])
        words.append((numerals.units_female if feminine else numerals.units_male)[rest % 10])
    return [word for word in words if word]


def number_in_words(number: int, language: str = "ru", *, feminine: bool = False) -> str:
    numerals = _NUMERALS[language]
    if number == 0:
        return numerals.zero
    words: list[str] = []
    triads = []
    while number:
        number, triad = divmod(number, 1000)
        triads.append(triad)
    for power in range(len(triads) - 1, -1, -1):
        triad = triads[power]
        if not triad:
            continue
        if power == 0:
            words += _triad(numerals, triad, feminine)
        else:
            forms, scale_feminine = numerals.scales[power - 1]
            words += _triad(numerals, triad, scale_feminine)
            words.append(_slavic_plural(triad, forms))
    return " ".join(words)


def amount_in_words(amount: Decimal, currency: str, language: str) -> str | None:
    """The amount written out where the locale's invoices expect it (Russian, Ukrainian); None elsewhere."""
    numerals = _NUMERALS.get(language[:2])
    if numerals is None:
        return None
    whole = int(amount)
    minor = int((amount - whole) * 100)
    if currency in numerals.currencies:
        major_forms, major_feminine, minor_forms = numerals.currencies[currency]
        text = f"{number_in_words(whole, language[:2], feminine=major_feminine)} {_slavic_plural(whole, major_forms)}"
        text += f" {minor:02d} {_slavic_plural(minor, minor_forms)}"
    else:
        text = f"{number_in_words(whole, language[:2])} {currency} {minor:02d}"
    return text[:1].upper() + text[1:]
