"""Reads of employees and roles, always scoped to one business."""

from django.db.models import QuerySet

from .calculations import SeatStatus, classify_seat
from .models import Employee, EmployeeInvitation, EmployeeStatus, Role


def employees_for_business(business) -> QuerySet[Employee]:
    return (
        Employee.objects.for_business(business)
        .select_related("role", "person", "business")
        .prefetch_related("branches", "role_branches")
    )


def roles_for_business(business) -> QuerySet[Role]:
    return Role.objects.for_business(business)


def employee_seat(employee: Employee) -> SeatStatus:
    return classify_seat(
        is_active=employee.status == EmployeeStatus.ACTIVE,
        provides_services=employee.provides_services,
        permissions=employee.role.effective_permissions,
        is_designated_owner=employee.business.owner_id == employee.pk,
    )


def billable_employee_count(business) -> int:
    employees = Employee.objects.for_business(business).select_related("role", "business")
    return sum(1 for employee in employees if employee_seat(employee).is_billable)


def _pending_invitations(business):
    from django.utils import timezone

    return EmployeeInvitation.objects.for_business(business).filter(
        accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now()
    )


def invitation_is_pending(employee: Employee) -> bool:
    """The employee waits for the invited person to accept (SECURITY.md 31)."""
    return _pending_invitations(employee.business).filter(employee=employee).exists()


def invited_employee_ids(business) -> set[int]:
    return set(_pending_invitations(business).values_list("employee_id", flat=True))


def specialists_for_business(business) -> QuerySet[Employee]:
    """Active employees who provide services: the calendar's columns, the specialists a service can be given to."""
    return (
        Employee.objects.for_business(business)
        .filter(provides_services=True, status=EmployeeStatus.ACTIVE)
        .order_by("full_name", "id")
    )
