"""Template context: the current business, employee and `can` (permission checks for buttons and menus)."""

from .permissions import PermissionView


def permissions(request):
    employee = getattr(request, "employee", None)
    return {
        "current_business": getattr(request, "business", None),
        "current_employee": employee,
        "can": PermissionView(employee),
    }
