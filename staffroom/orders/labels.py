"""The order action log's sentences: stored as a message code and its parameters, written in the reader's language.

A row keeps `summary` as the sentence in the source language (for rows written before the code existed and for
anyone reading the table directly); pages, exports and e-mails show `action_summary(action)`.
"""

from __future__ import annotations

from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

from staffroom.core.formatting import format_number
from staffroom.payments.models import PaymentMethod

from .choices import OrderStatus

ACTION_MESSAGES = {
    "created": _("Order created"),
    "details_changed": _("Client and delivery changed"),
    "items_changed": _("Items and amounts changed"),
    "status_changed": _("Status: %(before)s → %(after)s"),
    "claimed": _("Claimed by %(name)s"),
    "responsible_changed": _("Responsible: %(before)s → %(after)s"),
    "payment": _("Payment %(amount)s (%(method)s)"),
    "returned": _("Return of %(amount)s: %(reason)s"),
    "allowance": _("Allowance of %(amount)s: %(reason)s"),
    "task_added": _("Task added: %(title)s"),
    "task_changed": _("Task changed: %(title)s"),
    "task_done": _("Task done: %(title)s"),
    "task_reopened": _("Task reopened: %(title)s"),
}


def _payment_method_label(code: str) -> str:
    return str(PaymentMethod(code).label) if code in PaymentMethod.values else code


def _readable(message: str, params: dict) -> dict:
    """Codes in the parameters become words of the active language; names and reasons stay as entered."""
    readable = dict(params)
    if message == "status_changed":
        for key in ("before", "after"):
            code = params.get(key)
            readable[key] = str(OrderStatus(code).label) if code in OrderStatus.values else code
    elif message == "responsible_changed":
        for key in ("before", "after"):
            readable[key] = params.get(key) or gettext("nobody")
    elif message in ("payment", "returned", "allowance"):
        readable["amount"] = format_number(params.get("amount"), decimals=2)
        if "method" in params:
            readable["method"] = _payment_method_label(params["method"])
    return readable


def render_action(message: str, params: dict) -> str:
    return str(ACTION_MESSAGES[message]) % _readable(message, params)


def source_summary(message: str, params: dict) -> str:
    """The sentence in the source language, stored with the row."""
    with override(None):
        return render_action(message, params)


def action_summary(action) -> str:
    if action.message in ACTION_MESSAGES:
        return render_action(action.message, action.message_params or {})
    return action.summary
