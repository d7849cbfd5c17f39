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


@register.filter
def local_time(value: str) -> str:
    """An ISO timestamp from a representation, shown in the business time zone (activated per request)."""
    import datetime as dt

    from django.utils import timezone

    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return ""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
