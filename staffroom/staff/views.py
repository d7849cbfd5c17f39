"""Pages: employees (list with seat status, create, edit, block/unblock) and roles (list, permission editor)."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.security.reauthentication import reauthentication_required, require_recent_authentication

from . import seat_hooks, selectors, services
from .catalogue import Perm, grouped_catalogue
from .forms import EmployeeForm, RoleForm
from .models import Employee, Role
from .permissions import SIGNED_IN, permission_required


@permission_required(Perm.EMPLOYEES_VIEW)
def employee_list(request):
    employees = selectors.employees_for_business(request.business)
    rows = [(employee, selectors.employee_seat(employee)) for employee in employees]
    billable = sum(1 for _employee, seat in rows if seat.is_billable)
    invited_ids = selectors.invited_employee_ids(request.business)
    seats = seat_hooks.seat_summary(business=request.business)
    return render(
        request,
        "staff/employee_list.html",
        {"rows": rows, "billable_count": billable, "invited_ids": invited_ids, "seat_summary": seats},
    )


def _seat_version(request) -> int | None:
    """The ledger version and local day the "will my price change?" preview showed; a stale pin is refused (409)."""
    return seat_hooks.seat_pin(request.POST.get("seat_version"), request.POST.get("seat_as_of"))


ERROR_ALIASES = {"role_id": "role", "branch_ids": "branches", "role_branch_ids": "role_branches"}


@permission_required(Perm.EMPLOYEES_MANAGE)
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def employee_create(request):
    form = EmployeeForm(request.POST or None, business=request.business, is_new=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        try:
            employee = services.employee_create(
                actor=request.employee,
                expected_seat_version=_seat_version(request),
                invitations_url=request.build_absolute_uri(reverse("staff:invitations")),
                **data,
            )
        except ApplicationError as error:
            add_service_error(form, error, ERROR_ALIASES)
        else:
            if employee.person_id is None and data.get("login_email"):
                messages.success(
                    request,
                    _("%(name)s added. They get access once they accept the invitation we e-mailed.")
                    % {"name": employee.full_name},
                )
            else:
                messages.success(request, _("%(name)s added.") % {"name": employee.full_name})
            return redirect("staff:employees")
    return render(request, "staff/employee_form.html", {"form": form, "employee": None})


@permission_required(Perm.EMPLOYEES_MANAGE)
@require_http_methods(["GET", "POST"])
def employee_edit(request, employee_id):
    employee = get_for_business_or_404(
        selectors.employees_for_business(request.business), request.business, pk=employee_id
    )
    initial = {
        "full_name": employee.full_name,
        "phone": employee.phone,
        "email": employee.email,
        "position": employee.position,
        "provides_services": employee.provides_services,
        "hire_date": employee.hire_date,
        "leave_date": employee.leave_date,
        "calendar_colour": employee.calendar_colour,
        "calendar_position": employee.calendar_position,
        "role": employee.role,
        "branches": list(employee.branches.all()),
        "role_branches": list(employee.role_branches.all()),
        "version": employee.version,
    }
    form = EmployeeForm(request.POST or None, business=request.business, is_new=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected_version = data.pop("version")
        role_branches = data.pop("role_branches")
        if employee.pk == request.employee.pk and set(role_branches) == set(initial["role_branches"]):
            role_branches = None  # unchanged: editing one's own profile is not a role change
        if data["role"] != employee.role or (
            role_branches is not None and set(role_branches) != set(initial["role_branches"])
        ):
            require_recent_authentication(request)  # SECURITY.md 10: a role change needs a recent sign-in
        try:
            services.employee_update(
                actor=request.employee,
                employee=employee,
                expected_version=expected_version,
                expected_seat_version=_seat_version(request),
                role_branches=role_branches,
                **data,
            )
        except ApplicationError as error:
            add_service_error(form, error, ERROR_ALIASES)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("staff:employees")
    seat = selectors.employee_seat(employee)
    return render(request, "staff/employee_form.html", {"form": form, "employee": employee, "seat": seat})


def _status_change(request, employee_id, service, done_message):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    try:
        service(actor=request.employee, employee=employee, expected_seat_version=_seat_version(request))
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done_message % {"name": employee.full_name})
    return redirect("staff:employees")


@permission_required(Perm.EMPLOYEES_BLOCK)
@reauthentication_required
@require_POST
def employee_block(request, employee_id):
    return _status_change(request, employee_id, services.employee_block, _("%(name)s is blocked."))


@permission_required(Perm.EMPLOYEES_BLOCK)
@reauthentication_required
@require_POST
def employee_unblock(request, employee_id):
    return _status_change(request, employee_id, services.employee_unblock, _("%(name)s is unblocked."))


@permission_required(Perm.EMPLOYEES_VIEW)
def role_list(request):
    roles = selectors.roles_for_business(request.business).annotate(employee_count=Count("employees"))
    return render(request, "staff/role_list.html", {"roles": roles})


@permission_required(Perm.ROLES_MANAGE)
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def role_edit(request, role_id=None):
    role = get_for_business_or_404(Role, request.business, pk=role_id) if role_id else None
    initial = (
        {
            "name": role.name,
            "description": role.description,
            "permissions": sorted(role.effective_permissions),
        }
        if role
        else {}
    )
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if role is None:
                services.role_create(actor=request.employee, **form.cleaned_data)
            else:
                services.role_update(
                    actor=request.employee, role=role, expected_seat_version=_seat_version(request), **form.cleaned_data
                )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Role saved."))
            return redirect("staff:roles")
    selected = set(form["permissions"].value() or [])
    groups = [(group, [(info, info.code in selected) for info in infos]) for group, infos in grouped_catalogue()]
    return render(request, "staff/role_form.html", {"form": form, "role": role, "groups": groups})


@permission_required(Perm.ROLES_MANAGE)
@reauthentication_required
@require_POST
def role_delete(request, role_id):
    role = get_for_business_or_404(Role, request.business, pk=role_id)
    try:
        services.role_delete(actor=request.employee, role=role)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Role deleted."))
    return redirect("staff:roles")


@permission_required(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def invitations(request):
    """The signed-in person's own invitations (SECURITY.md 31): accept or decline, nothing else is shown."""
    if request.method == "POST":
        invitation_id = request.POST.get("invitation", "")
        if not invitation_id.isdigit():
            messages.error(request, _("Choose an invitation."))
            return redirect("staff:invitations")
        try:
            if request.POST.get("decision") == "accept":
                employee = services.invitation_accept(person=request.user, invitation_id=int(invitation_id))
                messages.success(request, _("You now work for %(business)s.") % {"business": employee.business.name})
                return redirect("tenancy:select_business")
            services.invitation_decline(person=request.user, invitation_id=int(invitation_id))
            messages.success(request, _("Invitation declined."))
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("staff:invitations")
    pending = list(services.invitations_pending_for(request.user))
    return render(request, "staff/invitations.html", {"invitations": pending})
