"""E-mails about orders. Their text is built from the recipient's representation of the order, so a colleague's
order is described by its summary only (number, date, status, responsible, item count), as on every page."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staffroom.runtime.tasks import email_after_commit
from staffroom.staff.models import Employee

from .models import Order, OrderTask


def _recipient_address(employee) -> str:
    if employee.person_id and employee.person.email:
        return employee.person.email
    return employee.email


def order_lines(view: dict) -> list[str]:
    """Plain-text lines of an order representation: only the keys it contains."""
    lines = [
        _("Order #%(number)s of %(date)s") % {"number": view["number"], "date": view["date"]},
        _("Status: %(status)s") % {"status": view["status_label"]},
        _("Responsible: %(name)s") % {"name": view["responsible"]["full_name"] if view["responsible"] else _("nobody")},
        _("Items: %(count)s") % {"count": view["item_count"]},
    ]
    if "client" in view:
        lines.append(
            _("Client: %(name)s %(phone)s") % {"name": view["client"]["full_name"], "phone": view["client"]["phone"]}
        )
        lines.append(_("Total: %(total)s %(currency)s") % {"total": view["total"], "currency": view["currency"]})
    return lines


def _send(recipient, subject: str, lines: list[str]) -> None:
    address = _recipient_address(recipient)
    if not address:
        return
    with translation.override(recipient.business.locale or settings.LANGUAGE_CODE):
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
    _send(recipient, _("Order #%(number)s is now yours") % {"number": order.number}, order_lines(view))


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
    lines = [_("Task: %(title)s") % {"title": task.title}]
    if task.description:
        lines.append(task.description)
    if view["order"] is not None:
        lines += order_lines(view["order"])
    _send(task.assignee, _("Task due: %(title)s") % {"title": task.title}, lines)
