"""The message log card shown on the client card and the appointment page (staff with the client's rights)."""

from django import template

from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

from ..selectors import messages_for_appointment, messages_for_client

register = template.Library()


@register.inclusion_tag("booking/_messages_card.html", takes_context=True)
def client_messages_card(context, *, appointment=None, client=None):
    request = context.get("request")
    employee = getattr(request, "employee", None)
    if employee is None or not has_permission(employee, Perm.CLIENTS_VIEW):
        return {"visible": False}
    if appointment is not None:
        rows = list(messages_for_appointment(employee.business, appointment)[:50])
    else:
        rows = list(messages_for_client(employee.business, client))
    return {"visible": True, "rows": rows, "sees_contacts": has_permission(employee, Perm.CLIENTS_VIEW_CONTACTS)}
