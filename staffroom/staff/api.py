"""REST API: employees (with seat status, block/unblock), roles, the permission catalogue."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import ValidationFailed
from staffroom.core.shortcuts import choice_for_business, choices_for_business, get_for_business_or_404
from staffroom.security.reauthentication import api_reauthentication_required, api_require_recent_authentication
from staffroom.tenancy.models import Branch

from . import seat_hooks, selectors, services
from .catalogue import Perm, grouped_catalogue
from .models import Employee, Role
from .permissions import EMPLOYEE, api_permission
from .schemas import (
    EmployeeCreateIn,
    EmployeeOut,
    EmployeeUpdateIn,
    PermissionGroupOut,
    RoleIn,
    RoleOut,
    RoleUpdateIn,
    SeatPreviewOut,
)

router = Router(tags=["employees"])


def employee_out(employee: Employee) -> dict:
    seat = selectors.employee_seat(employee)
    return {
        "id": employee.pk,
        "full_name": employee.full_name,
        "login_email": employee.person.email if employee.person_id else None,
        "phone": employee.phone,
        "email": employee.email,
        "position": employee.position,
        "provides_services": employee.provides_services,
        "role": {"id": employee.role_id, "name": employee.role.name},
        "branch_ids": sorted(branch.pk for branch in employee.branches.all()),
        "role_branch_ids": sorted(branch.pk for branch in employee.role_branches.all()),
        "status": employee.status,
        "hire_date": employee.hire_date,
        "leave_date": employee.leave_date,
        "is_designated_owner": employee.is_designated_owner,
        "invitation_pending": employee.person_id is None and selectors.invitation_is_pending(employee),
        "seat": {
            "is_billable": seat.is_billable,
            "reasons": list(seat.reasons),
            "explanation": seat.explanation,
        },
        "calendar_colour": employee.calendar_colour,
        "calendar_position": employee.calendar_position,
        "version": employee.version,
    }


def _seat_preview(request, **proposal) -> dict:
    """`dry_run`: the billing effect of the change, computed by the same function that applies it."""
    preview = seat_hooks.seat_preview(business=request.business, **proposal)
    if preview is None:
        preview = {"has_subscription": False, "billable_after": selectors.billable_employee_count(request.business)}
        preview["seat_version"] = 0
    return {"dry_run": True, **preview}


def _load_employee(request, employee_id: int) -> Employee:
    return get_for_business_or_404(selectors.employees_for_business(request.business), request.business, pk=employee_id)


@router.get("/employees", response=list[EmployeeOut])
@api_permission(Perm.EMPLOYEES_VIEW)
def employee_list(request):
    return [employee_out(employee) for employee in selectors.employees_for_business(request.business)]


@router.get("/employees/{employee_id}", response=EmployeeOut)
@api_permission(Perm.EMPLOYEES_VIEW)
def employee_detail(request, employee_id: int):
    return employee_out(_load_employee(request, employee_id))


@router.post("/employees", response={201: EmployeeOut, 200: SeatPreviewOut})
@api_permission(Perm.EMPLOYEES_MANAGE)
def employee_create(request, payload: EmployeeCreateIn, dry_run: bool = False):
    business = request.business
    if not dry_run:
        api_require_recent_authentication(request)
    if payload.password and not payload.login_email:
        raise ValidationFailed(errors={"login_email": [_("A password needs a login e-mail.")]})
    if dry_run:
        role = choice_for_business(Role, business, payload.role_id, "role_id")
        return Status(
            200,
            _seat_preview(request, employee=None, is_new=True, role=role, provides_services=payload.provides_services),
        )
    employee = services.employee_create(
        actor=request.employee,
        full_name=payload.full_name,
        role=choice_for_business(Role, business, payload.role_id, "role_id"),
        login_email=payload.login_email or "",
        password=payload.password,
        phone=payload.phone,
        email=payload.email,
        position=payload.position,
        provides_services=payload.provides_services,
        branches=choices_for_business(Branch, business, payload.branch_ids, "branch_ids"),
        role_branches=choices_for_business(Branch, business, payload.role_branch_ids, "role_branch_ids"),
        hire_date=payload.hire_date,
        leave_date=payload.leave_date,
        expected_seat_version=seat_hooks.seat_pin(payload.expected_seat_version, payload.expected_as_of),
        invitations_url=request.build_absolute_uri(reverse("staff:invitations")),
    )
    return Status(201, employee_out(_load_employee(request, employee.pk)))


@router.patch("/employees/{employee_id}", response={200: EmployeeOut | SeatPreviewOut})
@api_permission(Perm.EMPLOYEES_MANAGE)
def employee_update(request, employee_id: int, payload: EmployeeUpdateIn, dry_run: bool = False):
    business = request.business
    employee = _load_employee(request, employee_id)
    data = payload.dict(exclude_unset=True)
    if dry_run:
        return _seat_preview(
            request,
            employee=employee,
            role=choice_for_business(Role, business, data.get("role_id"), "role_id"),
            provides_services=data.get("provides_services"),
        )
    fields = {name: data[name] for name in services.EDITABLE_EMPLOYEE_FIELDS if data.get(name) is not None}
    # A leave date can be cleared (the employee stays after all): an explicit null counts.
    if "leave_date" in data:
        fields["leave_date"] = data["leave_date"]
    if data.get("role_id") not in (None, employee.role_id) or data.get("role_branch_ids") is not None:
        api_require_recent_authentication(request)  # SECURITY.md 10: a role change needs a recent sign-in
    services.employee_update(
        actor=request.employee,
        employee=employee,
        expected_version=data.get("expected_version"),
        expected_seat_version=seat_hooks.seat_pin(data.get("expected_seat_version"), data.get("expected_as_of")),
        role=choice_for_business(Role, business, data.get("role_id"), "role_id"),
        branches=(
            choices_for_business(Branch, business, data["branch_ids"], "branch_ids")
            if data.get("branch_ids") is not None
            else None
        ),
        role_branches=(
            choices_for_business(Branch, business, data["role_branch_ids"], "role_branch_ids")
            if data.get("role_branch_ids") is not None
            else None
        ),
        **fields,
    )
    return employee_out(_load_employee(request, employee_id))


@router.post("/employees/{employee_id}/block", response={200: EmployeeOut | SeatPreviewOut})
@api_permission(Perm.EMPLOYEES_BLOCK)
@api_reauthentication_required
def employee_block(
    request,
    employee_id: int,
    dry_run: bool = False,
    expected_seat_version: int | None = None,
    expected_as_of: IsoDate | None = None,
):
    employee = _load_employee(request, employee_id)
    if dry_run:
        return _seat_preview(request, employee=employee, status="blocked")
    services.employee_block(
        actor=request.employee,
        employee=employee,
        expected_seat_version=seat_hooks.seat_pin(expected_seat_version, expected_as_of),
    )
    return employee_out(_load_employee(request, employee_id))


@router.post("/employees/{employee_id}/unblock", response={200: EmployeeOut | SeatPreviewOut})
@api_permission(Perm.EMPLOYEES_BLOCK)
@api_reauthentication_required
def employee_unblock(
    request,
    employee_id: int,
    dry_run: bool = False,
    expected_seat_version: int | None = None,
    expected_as_of: IsoDate | None = None,
):
    employee = _load_employee(request, employee_id)
    if dry_run:
        return _seat_preview(request, employee=employee, status="active")
    services.employee_unblock(
        actor=request.employee,
        employee=employee,
        expected_seat_version=seat_hooks.seat_pin(expected_seat_version, expected_as_of),
    )
    return employee_out(_load_employee(request, employee_id))


def role_out(role: Role) -> dict:
    return {
        "id": role.pk,
        "name": role.name,
        "description": role.description,
        "template_code": role.template_code,
        "is_owner_role": role.is_owner_role,
        "permissions": sorted(role.effective_permissions),
        "employee_count": getattr(role, "employee_count", 0),
    }


def _roles(request):
    return selectors.roles_for_business(request.business).annotate(employee_count=Count("employees"))


@router.get("/roles", response=list[RoleOut])
@api_permission(Perm.EMPLOYEES_VIEW)
def role_list(request):
    return [role_out(role) for role in _roles(request)]


@router.get("/roles/{role_id}", response=RoleOut)
@api_permission(Perm.EMPLOYEES_VIEW)
def role_detail(request, role_id: int):
    return role_out(get_for_business_or_404(_roles(request), request.business, pk=role_id))


@router.post("/roles", response={201: RoleOut})
@api_permission(Perm.ROLES_MANAGE)
@api_reauthentication_required
def role_create(request, payload: RoleIn):
    role = services.role_create(
        actor=request.employee,
        name=payload.name,
        description=payload.description,
        permissions=payload.permissions,
    )
    return Status(201, role_out(get_for_business_or_404(_roles(request), request.business, pk=role.pk)))


@router.patch("/roles/{role_id}", response={200: RoleOut | SeatPreviewOut})
@api_permission(Perm.ROLES_MANAGE)
@api_reauthentication_required
def role_update(request, role_id: int, payload: RoleUpdateIn, dry_run: bool = False):
    role = get_for_business_or_404(Role, request.business, pk=role_id)
    if dry_run:
        return _seat_preview(request, role=role, role_permissions=payload.permissions)
    data = payload.dict(exclude_unset=True)
    if "expected_seat_version" in data:
        data["expected_seat_version"] = seat_hooks.seat_pin(data["expected_seat_version"], data.get("expected_as_of"))
    data.pop("expected_as_of", None)
    services.role_update(actor=request.employee, role=role, **data)
    return role_out(get_for_business_or_404(_roles(request), request.business, pk=role_id))


@router.delete("/roles/{role_id}", response={204: None})
@api_permission(Perm.ROLES_MANAGE)
@api_reauthentication_required
def role_delete(request, role_id: int):
    services.role_delete(actor=request.employee, role=get_for_business_or_404(Role, request.business, pk=role_id))
    return Status(204, None)


@router.get("/permissions", response=list[PermissionGroupOut], tags=["roles"])
@api_permission(EMPLOYEE)
def permission_catalogue(request):
    return [
        {
            "code": group.code,
            "label": str(group.label),
            "permissions": [{"code": info.code, "label": str(info.label)} for info in infos],
        }
        for group, infos in grouped_catalogue()
    ]
