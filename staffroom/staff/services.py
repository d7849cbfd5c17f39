"""Every change to businesses' employees and roles: one transaction each, with its security event."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed, field_error
from staffroom.identity.services import api_tokens_revoke_all
from staffroom.runtime.tasks import email_after_commit
from staffroom.security.access import employee_access_revoke
from staffroom.security.authentication import sign_in_lock
from staffroom.security.services import security_event_record
from staffroom.tenancy.models import Branch, Business
from staffroom.tenancy.services import validate_business_settings

from .catalogue import ALL_CODES, ROLE_TEMPLATES, Perm
from .models import Employee, EmployeeInvitation, EmployeeStatus, Role
from .permissions import require
from .seat_hooks import seats_may_have_changed


def _snapshot_employee(employee: Employee) -> dict:
    return {
        "full_name": employee.full_name,
        "login": employee.person.email if employee.person_id else None,
        "phone": employee.phone,
        "email": employee.email,
        "position": employee.position,
        "provides_services": employee.provides_services,
        "role": employee.role.name,
        "branches": sorted(branch.name for branch in employee.branches.all()),
        "role_branches": sorted(branch.name for branch in employee.role_branches.all()),
        "status": employee.status,
        "hire_date": employee.hire_date.isoformat() if employee.hire_date else None,
        "leave_date": employee.leave_date.isoformat() if employee.leave_date else None,
        "calendar": [employee.calendar_colour, employee.calendar_position],
    }


def _check_employment_dates(hire_date, leave_date) -> None:
    if hire_date is not None and leave_date is not None and leave_date < hire_date:
        raise field_error("leave_date", _("The leave date cannot be before the hire date."))


def _snapshot_role(role: Role) -> dict:
    return {
        "name": role.name,
        "description": role.description,
        "permissions": sorted(role.effective_permissions),
    }


def _validate_branches(business, branches: Iterable[Branch], field: str) -> list[Branch]:
    branches = list(branches)
    for branch in branches:
        if branch.business_id != business.pk:
            raise field_error(field, _("Choose branches of this business."))
    return branches


def _validate_permissions(codes: Iterable[str]) -> list[str]:
    codes = sorted(set(codes))
    unknown = [code for code in codes if code not in ALL_CODES]
    if unknown:
        raise field_error("permissions", _("Unknown permissions: %(codes)s") % {"codes": ", ".join(unknown)})
    return codes


def _ensure_can_grant(actor: Employee, permissions: Iterable[str], field: str = "role") -> None:
    """Nobody hands out rights they do not hold themselves; the designated owner holds them all."""
    if actor.is_designated_owner:
        return
    missing = set(permissions) - set(actor.role.effective_permissions)
    if missing:
        raise PermissionDenied(
            _("You cannot grant permissions you do not have yourself."), errors={field: sorted(missing)}
        )


# --- roles -----------------------------------------------------------------------------------------


def role_templates_copy(*, business) -> list[Role]:
    """Copy the built-in role templates into a business (idempotent: existing ones are kept)."""
    roles = []
    for code, template in ROLE_TEMPLATES.items():
        role = Role.objects.for_business(business).filter(template_code=code).first()
        if role is None:
            role = Role.objects.create(
                business=business,
                name=str(template["name"]),
                template_code=code,
                is_owner_role=(code == "owner"),
                permissions=list(template["permissions"]),
            )
        roles.append(role)
    return roles


@transaction.atomic
def role_create(*, actor: Employee, name: str, permissions: Iterable[str], description: str = "") -> Role:
    require(actor, Perm.ROLES_MANAGE)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Give the role a name."))
    codes = _validate_permissions(permissions)
    _ensure_can_grant(actor, codes, "permissions")
    if Role.objects.for_business(actor.business).filter(name__iexact=name).exists():
        raise field_error("name", _("A role with this name exists already."))
    role = Role.objects.create(business=actor.business, name=name, description=description, permissions=codes)
    security_event_record(event_type="role.created", actor=actor, target=role, after=_snapshot_role(role))
    return role


@transaction.atomic
def role_update(
    *,
    actor: Employee,
    role: Role,
    name: str | None = None,
    permissions: Iterable[str] | None = None,
    description: str | None = None,
    expected_seat_version: int | None = None,
) -> Role:
    require(actor, Perm.ROLES_MANAGE, obj=role)
    role = Role.objects.for_business(actor.business).select_for_update().get(pk=role.pk)
    before = _snapshot_role(role)
    if role.pk == actor.role_id:
        raise PermissionDenied(_("You cannot change the role you hold yourself."))
    if name is not None:
        name = name.strip()
        if not name:
            raise field_error("name", _("Give the role a name."))
        if Role.objects.for_business(actor.business).filter(name__iexact=name).exclude(pk=role.pk).exists():
            raise field_error("name", _("A role with this name exists already."))
        role.name = name
    if description is not None:
        role.description = description
    if permissions is not None:
        codes = _validate_permissions(permissions)
        if role.is_owner_role and set(codes) != ALL_CODES:
            raise field_error("permissions", _("The Owner role always has every permission."))
        _ensure_can_grant(actor, set(codes) - set(role.effective_permissions), "permissions")
        role.permissions = codes
    role.save()
    after = _snapshot_role(role)
    if before["permissions"] != after["permissions"] or expected_seat_version is not None:
        seats_may_have_changed(
            actor=actor,
            business=actor.business,
            cause="role.permissions_changed",
            expected_seat_version=expected_seat_version,
        )
    if after != before:
        event = "role.permissions_changed" if before["permissions"] != after["permissions"] else "role.updated"
        security_event_record(event_type=event, actor=actor, target=role, before=before, after=after)
    return role


@transaction.atomic
def role_delete(*, actor: Employee, role: Role) -> None:
    require(actor, Perm.ROLES_MANAGE, obj=role)
    if role.is_owner_role:
        raise Conflict(_("The Owner role cannot be deleted."))
    if Employee.objects.for_business(actor.business).filter(role=role).exists():
        raise Conflict(_("Employees hold this role: give them another role first."))
    before = _snapshot_role(role)
    security_event_record(event_type="role.deleted", actor=actor, target=role, before=before)
    role.delete()


# --- employees -------------------------------------------------------------------------------------


INVITATION_LIFETIME = timedelta(days=14)


def _existing_person(email: str):
    person_model = get_user_model()
    email = person_model.objects.normalize_email(email).strip().lower()
    return person_model.objects.filter(email__iexact=email).first()


def _person_for_login(*, email: str, full_name: str, password: str | None):
    person_model = get_user_model()
    email = person_model.objects.normalize_email(email).strip().lower()
    person = person_model.objects.filter(email__iexact=email).first()
    if person is None:
        if password:
            try:
                validate_password(password)
            except ValidationError as error:
                raise ValidationFailed(errors={"password": list(error.messages)}) from error
        person = person_model.objects.create_user(email=email, password=password or None, full_name=full_name)
    return person


def _check_email(field: str, value: str) -> None:
    if value:
        try:
            validate_email(value)
        except ValidationError as error:
            raise field_error(field, _("Enter a valid e-mail address.")) from error


def _check_employee_fields(*, full_name: str, role: Role, business) -> str:
    full_name = (full_name or "").strip()
    if not full_name:
        raise field_error("full_name", _("Enter the employee's name."))
    if role.business_id != business.pk:
        raise field_error("role", _("Choose a role of this business."))
    return full_name


@transaction.atomic
def employee_create(
    *,
    actor: Employee,
    full_name: str,
    role: Role,
    login_email: str = "",
    password: str | None = None,
    phone: str = "",
    email: str = "",
    position: str = "",
    provides_services: bool = False,
    branches: Iterable[Branch] = (),
    role_branches: Iterable[Branch] = (),
    hire_date: dt.date | None = None,
    leave_date: dt.date | None = None,
    expected_seat_version: int | None = None,
    invitations_url: str = "",
) -> Employee:
    """Add an employee. A login e-mail that exists already becomes an invitation (SECURITY.md 31), e-mailed with
    `invitations_url` (the absolute address of the invitations page, built by the caller from its request).
    Without a hire date they are hired today (the business's local date): payroll never pays for time before an
    employee was added."""
    require(actor, Perm.EMPLOYEES_MANAGE)
    business = actor.business
    full_name = _check_employee_fields(full_name=full_name, role=role, business=business)
    if hire_date is None:
        hire_date = timezone.now().astimezone(business.zone).date()
    _check_employment_dates(hire_date, leave_date)
    _check_email("login_email", login_email)
    _check_email("email", email)
    _ensure_can_grant(actor, role.effective_permissions)
    branches = _validate_branches(business, branches, "branches")
    role_branches = _validate_branches(business, role_branches, "role_branches")
    person = None
    invited = None
    if login_email:
        invited = _existing_person(login_email)
        if invited is not None:
            # SECURITY.md 31: a login that exists already belongs to someone; they must accept before it is linked.
            if Employee.objects.for_business(business).filter(person=invited).exists():
                raise field_error("login_email", _("This person is an employee of the business already."))
            if _pending_invitations(business).filter(person=invited).exists():
                raise field_error("login_email", _("This person has been invited already."))
        else:
            person = _person_for_login(email=login_email, full_name=full_name, password=password)
    employee = Employee.objects.create(
        business=business,
        person=person,
        full_name=full_name,
        phone=phone,
        email=email,
        position=position,
        provides_services=provides_services,
        role=role,
        hire_date=hire_date,
        leave_date=leave_date,
    )
    employee.branches.set(branches)
    employee.role_branches.set(role_branches)
    seats_may_have_changed(
        actor=actor,
        business=business,
        employee=employee,
        cause="employee.created",
        expected_seat_version=expected_seat_version,
    )
    security_event_record(
        event_type="employee.created", actor=actor, target=employee, after=_snapshot_employee(employee)
    )
    if invited is not None:
        _invitation_send(actor=actor, employee=employee, person=invited, invitations_url=invitations_url)
    return employee


# --- invitations (SECURITY.md 31) ----------------------------------------------------------------------------------


def _pending_invitations(business):
    return EmployeeInvitation.objects.for_business(business).filter(
        accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now()
    )


def _invitation_send(*, actor: Employee, employee: Employee, person, invitations_url: str) -> EmployeeInvitation:
    now = timezone.now()
    invitation = EmployeeInvitation.objects.create(
        business=actor.business,
        employee=employee,
        person=person,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    security_event_record(event_type="employee.invited", actor=actor, target=employee, after={"login": person.email})
    business_name = actor.business.name
    link = invitations_url or reverse("staff:invitations")

    email_after_commit(
        subject=_("You are invited to %(business)s on Staffroom") % {"business": business_name},
        body=_(
            "%(business)s added you as an employee. Sign in with your usual Staffroom login and accept the "
            "invitation to start working there: %(link)s\nIf you do not expect this, decline it; nothing "
            "changes until you accept."
        )
        % {"business": business_name, "link": link},
        recipients=[person.email],
    )
    return invitation


def invitations_pending_for(person):
    """The person's own open invitations (person-level: read before or across businesses, never by a business)."""
    return (
        EmployeeInvitation.objects.unscoped()
        .filter(person=person, accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("business", "employee")
        .order_by("created_at", "id")
    )


def _own_pending_invitation(*, person, invitation_id: int) -> EmployeeInvitation:
    invitation = (
        EmployeeInvitation.objects.unscoped()
        .select_for_update()
        .select_related("business", "employee")
        .filter(pk=invitation_id, person=person)
        .first()
    )
    if invitation is None or not invitation.is_pending:
        raise NotFound()
    return invitation


@transaction.atomic
def invitation_accept(*, person, invitation_id: int) -> Employee:
    """The invited person (signed in as themselves) accepts: from now on the employee is them."""
    invitation = _own_pending_invitation(person=person, invitation_id=invitation_id)
    business = invitation.business
    employee = Employee.objects.for_business(business).select_for_update().get(pk=invitation.employee_id)
    if employee.person_id is not None or Employee.objects.for_business(business).filter(person=person).exists():
        raise Conflict(_("You are an employee of this business already."))
    employee.person = person
    employee.version += 1
    employee.save(update_fields=["person", "version", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    security_event_record(
        event_type="employee.invitation_accepted", actor=employee, target=employee, after={"login": person.email}
    )
    return employee


@transaction.atomic
def invitation_decline(*, person, invitation_id: int) -> None:
    invitation = _own_pending_invitation(person=person, invitation_id=invitation_id)
    invitation.declined_at = timezone.now()
    invitation.save(update_fields=["declined_at"])
    security_event_record(
        event_type="employee.invitation_declined",
        business=invitation.business,
        person=person,
        target=invitation.employee,
    )


EDITABLE_EMPLOYEE_FIELDS = (
    "full_name",
    "phone",
    "email",
    "position",
    "provides_services",
    "hire_date",
    "leave_date",
    "calendar_colour",
    "calendar_position",
)


@transaction.atomic
def employee_update(
    *,
    actor: Employee,
    employee: Employee,
    expected_version: int | None = None,
    role: Role | None = None,
    branches: Iterable[Branch] | None = None,
    role_branches: Iterable[Branch] | None = None,
    expected_seat_version: int | None = None,
    **fields,
) -> Employee:
    require(actor, Perm.EMPLOYEES_MANAGE, obj=employee)
    unknown = set(fields) - set(EDITABLE_EMPLOYEE_FIELDS)
    if unknown:
        raise ValidationFailed(errors={name: [_("This field cannot be changed.")] for name in sorted(unknown)})
    employee = (
        Employee.objects.for_business(actor.business).select_for_update().select_related("role").get(pk=employee.pk)
    )
    if expected_version is not None and employee.version != expected_version:
        raise Conflict(_("Someone else changed this employee meanwhile; review and save again."))
    before = _snapshot_employee(employee)
    _check_email("email", fields.get("email", ""))
    if fields.get("calendar_colour") and not re.fullmatch(r"#[0-9a-fA-F]{6}", fields["calendar_colour"]):
        raise field_error("calendar_colour", _("Choose a colour like #3366cc."))
    if "full_name" in fields:
        fields["full_name"] = _check_employee_fields(
            full_name=fields["full_name"], role=employee.role, business=actor.business
        )
    if employee.pk == actor.pk and ((role is not None and role.pk != employee.role_id) or role_branches is not None):
        raise PermissionDenied(_("You cannot change your own role."))
    if role is not None and role.pk != employee.role_id:
        if role.business_id != actor.business_id:
            raise field_error("role", _("Choose a role of this business."))
        if employee.is_designated_owner and not role.is_owner_role:
            raise field_error("role", _("The designated owner keeps the Owner role."))
        _ensure_can_grant(actor, role.effective_permissions)
        employee.role = role
    _check_employment_dates(fields.get("hire_date", employee.hire_date), fields.get("leave_date", employee.leave_date))
    for name, value in fields.items():
        setattr(employee, name, value)
    employee.version += 1
    employee.save()
    if branches is not None:
        employee.branches.set(_validate_branches(actor.business, branches, "branches"))
    if role_branches is not None:
        employee.role_branches.set(_validate_branches(actor.business, role_branches, "role_branches"))
    after = _snapshot_employee(employee)
    seats_may_have_changed(
        actor=actor,
        business=actor.business,
        employee=employee,
        cause="employee.role_changed" if before["role"] != after["role"] else "employee.updated",
        expected_seat_version=expected_seat_version,
    )
    if after != before:
        event_type = "employee.role_changed" if before["role"] != after["role"] else "employee.updated"
        security_event_record(event_type=event_type, actor=actor, target=employee, before=before, after=after)
    return employee


def _set_status(
    *, actor: Employee, employee: Employee, status: str, event_type: str, expected_seat_version: int | None = None
) -> Employee:
    require(actor, Perm.EMPLOYEES_BLOCK, obj=employee)
    employee = Employee.objects.for_business(actor.business).select_for_update().get(pk=employee.pk)
    if employee.pk == actor.pk:
        raise PermissionDenied(_("You cannot block or unblock yourself."))
    if employee.is_designated_owner:
        raise Conflict(_("The designated owner cannot be blocked."))
    if employee.status == status:
        return employee
    before = {"status": employee.status}
    employee.status = status
    employee.status_changed_at = timezone.now()
    employee.version += 1
    employee.save(update_fields=["status", "status_changed_at", "version", "updated_at"])
    seats_may_have_changed(
        actor=actor,
        business=actor.business,
        employee=employee,
        cause=event_type,
        expected_seat_version=expected_seat_version,
    )
    security_event_record(event_type=event_type, actor=actor, target=employee, before=before, after={"status": status})
    return employee


@transaction.atomic
def employee_block(*, actor: Employee, employee: Employee, expected_seat_version: int | None = None) -> Employee:
    """Block: this business's sessions and API tokens die now (the person's own sign-in state only with no other
    business left: staffroom.security.access.employee_access_revoke)."""
    if employee.person_id is not None:
        # The sign-in lock order (staffroom.security.authentication): the person's guard before the employee row
        # and the log, since blocking touches the person's pending codes and approvals.
        sign_in_lock(employee.person)
    employee = _set_status(
        actor=actor,
        employee=employee,
        status=EmployeeStatus.BLOCKED,
        event_type="employee.blocked",
        expected_seat_version=expected_seat_version,
    )
    api_tokens_revoke_all(employee=employee)
    employee_access_revoke(employee=employee)
    return employee


@transaction.atomic
def employee_unblock(*, actor: Employee, employee: Employee, expected_seat_version: int | None = None) -> Employee:
    """Unblock: the same person, password, second factors and history come back; revoked tokens stay revoked."""
    return _set_status(
        actor=actor,
        employee=employee,
        status=EmployeeStatus.ACTIVE,
        event_type="employee.unblocked",
        expected_seat_version=expected_seat_version,
    )


# --- onboarding --------------------------------------------------------------------------------------


@transaction.atomic
def business_onboard(
    *,
    name: str,
    time_zone: str,
    currency: str,
    owner_email: str,
    owner_name: str,
    owner_password: str | None = None,
    locale: str = "en",
    country: str = "RU",
    branch_names: Iterable[str] = ("Main",),
) -> Business:
    """Create a business with its role templates, branches and designated owner (operator console, demo)."""

    validate_business_settings(
        {"name": name, "time_zone": time_zone, "currency": currency, "locale": locale, "country": country}
    )
    business = Business.objects.create(
        name=name.strip(),
        time_zone=time_zone,
        currency=currency.upper(),
        locale=locale,
        country=country.upper(),
    )
    with translation.override(locale):
        # The built-in roles are named in the business's language (they are data, renamed at will later).
        roles = {role.template_code: role for role in role_templates_copy(business=business)}
    branches = [Branch.objects.create(business=business, name=branch_name) for branch_name in branch_names]
    person = _person_for_login(email=owner_email, full_name=owner_name, password=owner_password)
    owner = Employee.objects.create(
        business=business,
        person=person,
        full_name=owner_name,
        position=roles["owner"].name,
        role=roles["owner"],
    )
    owner.branches.set(branches)
    business.owner = owner
    business.save(update_fields=["owner", "updated_at"])
    security_event_record(
        event_type="business.created",
        business=business,
        target=business,
        after={"name": business.name, "owner": owner.full_name},
    )
    return business
