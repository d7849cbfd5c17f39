"""Payslip line explanations: stored as a message code and its parameters, written in the reader's language.

A line keeps `explanation` as the sentence in the source language (for lines written before the code existed and
for anyone reading the table directly); pages, the API and exports show `line_explanation(line)`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from .choices import KpiMetric

LINE_MESSAGES = {
    "fixed": _("Fixed amount for the period: %(amount)s"),
    "fixed_prorated": _(
        "Fixed amount %(full)s for %(days)s of %(period_days)s calendar days employed (%(first)s – %(last)s): "
        "%(full)s × %(days)s / %(period_days)s = %(amount)s"
    ),
    "services_percent": _(
        "%(percent)s %% of own services revenue (%(scope)s) after discounts and returns: %(base)s × %(percent)s %% = %(amount)s"
    ),
    "product_sales_percent": _("%(percent)s %% of own product sales: %(base)s × %(percent)s %% = %(amount)s"),
    "appointments_created": _("%(count)s appointments created × %(rate)s = %(amount)s"),
    "appointments_created_arrived": _("%(count)s appointments created whose visit arrived × %(rate)s = %(amount)s"),
    "visits_arrived": _("%(count)s own visits that arrived × %(rate)s = %(amount)s"),
    "bonus_not_reached": _("KPI bonus: %(metric)s is %(value)s, below the first target %(target)s: no bonus"),
    "bonus_percent": _(
        "KPI bonus: %(metric)s is %(value)s, target %(target)s reached: %(percent)s %% of earnings %(earnings)s = %(amount)s"
    ),
    "bonus_amount": _("KPI bonus: %(metric)s is %(value)s, target %(target)s reached: %(amount)s"),
    "deduction_fixed": _("Deduction: %(amount)s"),
    "deduction_prorated": _(
        "Deduction %(full)s for %(days)s of %(period_days)s calendar days employed (%(first)s – %(last)s): "
        "%(full)s × %(days)s / %(period_days)s = %(amount)s"
    ),
    "deduction_percent": _("Deduction: %(percent)s %% of %(gross)s = %(amount)s"),
    "correction": _("Correction for %(period)s: %(paid)s was paid, the data now gives %(now)s (%(why)s)"),
}

MONEY_PARAMS = {"amount", "base", "rate", "earnings", "gross", "paid", "now", "full"}
NUMBER_PARAMS = {"percent", "value", "target"}
DATE_PARAMS = {"first", "last"}


def money_text(value) -> str:
    return f"{Decimal(value):,.2f}".replace(",", "\u202f")


def number_text(value) -> str:
    return f"{Decimal(value).normalize():f}"


def date_text(value) -> str:
    return formats.date_format(dt.date.fromisoformat(value) if isinstance(value, str) else value, "SHORT_DATE_FORMAT")


def period_label(start: dt.date, end: dt.date) -> str:
    if start.day == 1 and (end + dt.timedelta(days=1)).day == 1 and start.month == end.month:
        return formats.date_format(start, "F Y")
    return f"{date_text(start)} – {date_text(end)}"


def _metric_label(metric: str) -> str:
    return str(KpiMetric(metric).label) if metric in KpiMetric.values else metric


def _readable(message: str, params: dict) -> dict:
    """Figures are written the reader's way, codes become words of the active language; names stay as entered."""
    readable = dict(params)
    for key, value in params.items():
        if key in MONEY_PARAMS:
            readable[key] = money_text(value)
        elif key in NUMBER_PARAMS:
            readable[key] = number_text(value)
        elif key in DATE_PARAMS:
            readable[key] = date_text(value)
    if "metric" in params:
        readable["metric"] = _metric_label(params["metric"])
    if message == "services_percent":
        scope = params.get("scope")
        if scope == "other":
            readable["scope"] = gettext("other services")
        elif scope == "all":
            readable["scope"] = gettext("all services")
        else:
            readable["scope"] = params.get("scope_name", "")
    if message == "correction":
        start, end = params["period"]
        readable["period"] = period_label(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
        why = params.get("why")
        readable["why"] = render_line(why["message"], why["params"]) if why else gettext("the rule no longer applies")
    return readable


def render_line(message: str, params: dict) -> str:
    return str(LINE_MESSAGES[message]) % _readable(message, params)


def source_explanation(message: str, params: dict) -> str:
    """The sentence in the source language, stored with the line."""
    with override(None):
        return render_line(message, params)


def line_explanation(line) -> str:
    if line.message in LINE_MESSAGES:
        return render_line(line.message, line.message_params or {})
    return line.explanation
