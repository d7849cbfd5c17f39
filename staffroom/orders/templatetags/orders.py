"""Template tags of the orders app: the overdue task count shown in the navigation."""

from django import template

from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission

register = template.Library()


@register.simple_tag(takes_context=True)
def overdue_task_count(context) -> int:
    from staffroom.orders.selectors import overdue_task_count as count

    employee = context.get("current_employee")
    if employee is None or not has_permission(employee, Perm.TASKS_VIEW):
        return 0
    return count(employee)
