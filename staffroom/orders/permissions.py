"""Who may see and change which order: the one place the orders visibility rule is decided.

- `orders.view_all`: every order, in full, and may edit any of them.
- `orders.claim` or `orders.create` (a manager): own orders (responsible = them) in full; every other order
  (colleagues' and the unassigned queue) in the limited form, read-only.
- anyone else: no orders at all.
"""

from __future__ import annotations

from django.db.models import BooleanField, Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from staffroom.core.errors import NotFound, PermissionDenied
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

FULL = "full"
LIMITED = "limited"


def sees_all_orders(employee) -> bool:
    return has_permission(employee, Perm.ORDERS_VIEW_ALL)


def works_orders(employee) -> bool:
    """May open the orders section at all."""
    return (
        sees_all_orders(employee)
        or has_permission(employee, Perm.ORDERS_CLAIM)
        or has_permission(employee, Perm.ORDERS_CREATE)
    )


def require_orders_access(employee) -> None:
    if not works_orders(employee):
        raise PermissionDenied(_("You have no access to orders."))


def full_access_condition(employee) -> Q:
    """The SQL form of 'this employee sees the order in full'."""
    if sees_all_orders(employee):
        return Q(pk__isnull=False)
    return Q(responsible_id=employee.pk)


def with_access(queryset: QuerySet, employee) -> QuerySet:
    """Annotate `has_full_access` on each order, decided in the database for the whole page at once.

    `access_viewer_id` records for whom it was decided, so the annotation is never trusted for someone else.
    """
    if sees_all_orders(employee):
        access = Value(True, output_field=BooleanField())
    else:
        access = Case(
            When(responsible_id=employee.pk, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    return queryset.annotate(has_full_access=access, access_viewer_id=Value(employee.pk, output_field=IntegerField()))


def order_access(employee, order) -> str | None:
    """FULL, LIMITED, or None (no access). An order of another business is never visible."""
    if employee is None or order.business_id != employee.business_id or not works_orders(employee):
        return None
    if sees_all_orders(employee) or (order.responsible_id is not None and order.responsible_id == employee.pk):
        return FULL
    return LIMITED


def require_order_read(employee, order) -> str:
    if order.business_id != getattr(employee, "business_id", None):
        raise NotFound()
    access = order_access(employee, order)
    if access is None:
        raise PermissionDenied(_("You have no access to orders."))
    return access


def require_order_write(employee, order) -> None:
    """Writes need full access: a colleague's order is read-only (403) and nothing changes."""
    if require_order_read(employee, order) != FULL:
        raise PermissionDenied(_("This order belongs to a colleague: you can only see its summary."))
