"""Rules of employee and role changes: no self-promotion, Owner stays full, validation changes nothing."""

import json

import pytest

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.security.models import SecurityEvent
from staffroom.staff.catalogue import ALL_CODES, Perm
from staffroom.staff.models import Role
from staffroom.staff.services import (
    employee_create,
    employee_update,
    invitation_accept,
    role_create,
    role_delete,
    role_update,
)
from staffroom.staff.tests.factories import make_employee, role_of


def events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type)


def test_nobody_changes_their_own_role(business, owner):
    admin_role = role_of(business, "administrator")
    admin_role.permissions = [*admin_role.permissions, Perm.EMPLOYEES_MANAGE]
    admin_role.save()
    admin = make_employee(business, role=admin_role)
    with pytest.raises(PermissionDenied):
        employee_update(actor=admin, employee=admin, role=role_of(business, "owner"))
    admin.refresh_from_db()
    assert admin.role == admin_role


def test_nobody_grants_permissions_they_do_not_hold(business):
    custom = Role.objects.create(
        business=business, name="HR", permissions=[Perm.EMPLOYEES_MANAGE, Perm.ROLES_MANAGE, Perm.EMPLOYEES_VIEW]
    )
    hr = make_employee(business, role=custom)
    with pytest.raises(PermissionDenied):
        employee_create(actor=hr, full_name="Accomplice", role=role_of(business, "owner"))
    with pytest.raises(PermissionDenied):
        role_create(actor=hr, name="Cashier", permissions=[Perm.PAYMENTS_PROCESS])
    with pytest.raises(PermissionDenied):
        role_update(actor=hr, role=role_of(business, "viewer"), permissions=[Perm.BILLING_MANAGE])
    assert not Role.objects.for_business(business).filter(name="Cashier").exists()


def test_the_owner_role_keeps_every_permission(owner, business):
    second_owner = make_employee(business, role=role_of(business, "owner"))
    owner_role = role_of(business, "owner")
    with pytest.raises(PermissionDenied):  # it is the role they hold
        role_update(actor=second_owner, role=owner_role, permissions=[Perm.CLIENTS_VIEW])
    assert owner_role.effective_permissions == ALL_CODES
    with pytest.raises(Conflict):
        role_delete(actor=owner, role=owner_role)


def test_role_permission_change_is_logged_once_and_takes_effect_on_the_next_request(
    business, owner, specialist, client_for
):
    client = client_for(specialist)
    assert client.get("/employees/").status_code == 403
    role = specialist.role
    role_update(actor=owner, role=role, permissions=[*role.permissions, Perm.EMPLOYEES_VIEW])
    assert client.get("/employees/").status_code == 200
    changed = events(business, "role.permissions_changed").get()
    assert Perm.EMPLOYEES_VIEW not in changed.before["permissions"]
    assert Perm.EMPLOYEES_VIEW in changed.after["permissions"]
    assert changed.actor_id == owner.pk


def test_every_employee_change_writes_exactly_one_event(business, owner):
    employee = employee_create(actor=owner, full_name="New One", role=role_of(business, "viewer"))
    employee_update(actor=owner, employee=employee, position="Greeter")
    employee_update(actor=owner, employee=employee, role=role_of(business, "accountant"))
    employee_update(actor=owner, employee=employee, position="Greeter")  # no change, no event
    kinds = list(
        SecurityEvent.objects.for_business(business)
        .filter(object_id=str(employee.pk), object_type="staff.employee")
        .order_by("sequence")
        .values_list("event_type", flat=True)
    )
    assert kinds == ["employee.created", "employee.updated", "employee.role_changed"]


def test_stale_edit_is_a_conflict(business, owner, specialist):
    version = specialist.version
    employee_update(actor=owner, employee=specialist, position="Senior", expected_version=version)
    with pytest.raises(Conflict):
        employee_update(actor=owner, employee=specialist, position="Junior", expected_version=version)
    specialist.refresh_from_db()
    assert specialist.position == "Senior"


def test_api_validation_errors_are_422_with_field_errors_and_change_nothing(owner, outsider, api_for):
    client = api_for(owner)
    before = database_fingerprint()
    cases = [
        ({"full_name": "", "role_id": owner.role_id}, "full_name"),
        ({"full_name": "X", "role_id": outsider.role_id}, "role_id"),
        ({"full_name": "X", "role_id": owner.role_id, "branch_ids": [outsider.branches.first().pk]}, "branch_ids"),
        ({"full_name": "X", "role_id": owner.role_id, "login_email": "a@b.test", "password": "123"}, "password"),
        ({"full_name": "X"}, "role_id"),
        ({"full_name": "X", "role_id": owner.role_id, "login_email": "not an e-mail"}, "login_email"),
        ({"full_name": "X", "role_id": owner.role_id, "email": "@nowhere"}, "email"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/employees", data=json.dumps(body), content_type="application/json")
        assert response.status_code == 422, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    response = client.post(
        "/api/v1/roles", data=json.dumps({"name": "R", "permissions": ["no.such"]}), content_type="application/json"
    )
    assert response.status_code == 422 and "permissions" in response.json()["errors"]
    assert database_fingerprint() == before


def test_a_business_id_in_the_body_is_ignored(owner, outsider, api_for):
    body = {
        "full_name": "Placed",
        "role_id": owner.role_id,
        "business": outsider.business_id,
        "business_id": outsider.business_id,
    }
    response = api_for(owner).post("/api/v1/employees", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    from staffroom.staff.models import Employee

    assert Employee.objects.get_queryset().unscoped().get(pk=response.json()["id"]).business_id == owner.business_id


def test_an_existing_person_joins_a_second_business_with_the_same_login(business, other_business, outsider, owner):
    joined = employee_create(
        actor=outsider, full_name="Shared", role=role_of(other_business, "call_center"), login_email=owner.person.email
    )
    # SECURITY.md 31: an invitation first; the login is linked once the person accepts.
    assert joined.person_id is None
    joined = invitation_accept(person=owner.person, invitation_id=joined.invitation.pk)
    assert joined.person_id == owner.person_id
    with pytest.raises(ValidationFailed):
        employee_create(
            actor=outsider, full_name="Again", role=role_of(other_business, "viewer"), login_email=owner.person.email
        )
