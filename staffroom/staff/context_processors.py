"""Template context: the current business, employee and `can` (permission checks for buttons and menus)."""

from .permissions import PermissionView, support_agent_of


def permissions(request):
    employee = getattr(request, "employee", None)
    return {
        "current_business": getattr(request, "business", None),
        "current_employee": employee,
        "can": PermissionView(employee),
        # Platform support staff are not employees; the header gives them the console instead of a business menu.
        "current_support_agent": support_agent_of(request) if employee is None else None,
    }
