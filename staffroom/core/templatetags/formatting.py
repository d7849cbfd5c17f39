"""Template filters of the formatting layer: {{ amount|money:currency }}, {{ moment|datetime_short }}, ..."""

from django import template

from staffroom.core import formatting

register = template.Library()


@register.filter
def money(amount, currency):
    return formatting.format_money(amount, currency)


@register.filter
def number(value, decimals=None):
    return formatting.format_number(value, decimals=None if decimals in (None, "") else int(decimals))


@register.filter
def percent(value):
    return formatting.format_percent(value)


@register.filter
def date_short(value):
    return formatting.format_date(value, "short")


@register.filter
def date_long(value):
    return formatting.format_date(value, "long")


@register.filter
def date_full(value):
    """With the weekday: the heading of a day's page."""
    return formatting.format_date(value, "full")


@register.filter
def time_short(value):
    return formatting.format_time(value)


@register.filter
def datetime_short(value):
    return formatting.format_datetime(value, "short")


@register.filter
def datetime_seconds(value):
    return formatting.format_datetime(value, "short", seconds=True)


@register.filter
def datetime_long(value):
    return formatting.format_datetime(value, "long")


@register.filter
def phone(value, region):
    """{{ client.phone|phone:current_business.country }}: national at home, international otherwise."""
    return formatting.format_phone(value, region)
