"""Security event codes shown by name: {{ event.event_type|event_label }}, {{ event.outcome|outcome_label }}."""

from django import template

from staffroom.security.labels import event_type_label, outcome_label

register = template.Library()

register.filter("event_label", event_type_label)
register.filter("outcome_label", outcome_label)
