"""E-mails about orders. Their text is built from the recipient's representation of the order, so a colleague's
order is described by its summary only (number, date, status, responsible, item count), as on every page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staffroom.core.formatting import format_date, format_money, format_phone
from staffroom.runtime.tasks import email_after_commit
from staffroom.staff.models import Employee

from .choices import OrderStatus
from .models import Order, OrderTask


def _recipient_address(employee) -> str:
    if employee.person_id and employee.person.email:
        return employee.person.email
    return employee.email


def order_lines(view: dict, *, country: str = "") -> list[str]:
    """Plain-text lines of an order representation (only the keys it contains), formatted as the pages are."""
    lines = [
        _("Order #%(number)s of %(date)s")
        % {"number": view["number"], "date": format_date(dt.date.fromisoformat(view["date"]))},
        # The label is the code's, translated here: the view was built before the recipient's language was active.
        _("Status: %(status)s") % {"status": OrderStatus(view["status"]).label},
        _("Responsible: %(name)s") % {"name": view["responsible"]["full_name"] if view["responsible"] else _("nobody")},
        _("Items: %(count)s") % {"count": view["item_count"]},
    ]
    if "client" in view:
        lines.append(
            _("Client: %(name)s %(phone)s")
            % {"name": view["client"]["full_name"], "phone": format_phone(view["client"]["phone"], country)}
        )
        # The formatted amount carries the currency the way the locale writes it.
        lines.append(_("Total: %(total)s") % {"total": format_money(view["total"], view["currency"])})
    return lines


def _send(recipient, compose: Callable[[], tuple[str, list[str]]]) -> None:
    """Composes the text in the business's language and time zone (no request is active here), then sends it."""
    address = _recipient_address(recipient)
    if not address:
        return
    business = recipient.business
    with translation.override(business.locale or settings.LANGUAGE_CODE), timezone.override(business.zone):
        subject, lines = compose()
        email_after_commit(subject=subject, body="\n".join(lines), recipients=[address])


def order_assigned(*, order_pk: int, recipient_pk: int) -> None:
    from .selectors import order_view

    recipient = Employee.objects.unscoped().select_related("business", "person").filter(pk=recipient_pk).first()
    if recipient is None or not recipient.is_active:
        return
    order = Order.objects.for_business(recipient.business).select_related("client", "responsible").get(pk=order_pk)
    view = order_view(order, viewer=recipient)
    if view is None:
        return
    country = recipient.business.country
    _send(
        recipient,
        lambda: (_("Order #%(number)s is now yours") % {"number": order.number}, order_lines(view, country=country)),
    )


def task_due(*, task_pk: int, business_id: int) -> None:
    from .selectors import task_view

    task = (
        OrderTask.objects.for_business(business_id)
        .select_related("assignee__business", "assignee__person", "order__client", "order__responsible")
        .filter(pk=task_pk)
        .first()
    )
    if task is None or not task.assignee.is_active:
        return
    view = task_view(task, viewer=task.assignee, now=timezone.now())

    def compose():
        lines = [_("Task: %(title)s") % {"title": task.title}]
        if task.description:
            lines.append(task.description)
        if view["order"] is not None:
            lines += order_lines(view["order"], country=task.assignee.business.country)
        return _("Task due: %(title)s") % {"title": task.title}, lines

    _send(task.assignee, compose)
