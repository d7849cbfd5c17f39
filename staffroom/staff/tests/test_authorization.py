"""The one authorization function: role permissions, branch limits, blocked employees, unknown codes."""

import pytest

from staffroom.core.errors import NotFound, PermissionDenied
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import has_permission, require
from staffroom.staff.services import employee_update


def test_a_role_limited_to_one_branch_applies_only_there(owner, administrator, branches):
    north, south = branches["North"], branches["South"]
    employee_update(actor=owner, employee=administrator, role_branches=[north])
    administrator.refresh_from_db()
    assert has_permission(administrator, Perm.PAYMENTS_PROCESS, branch=north)
    assert not has_permission(administrator, Perm.PAYMENTS_PROCESS, branch=south)
    assert has_permission(administrator, Perm.PAYMENTS_PROCESS)  # a check not tied to a branch
    with pytest.raises(PermissionDenied):
        require(administrator, Perm.PAYMENTS_PROCESS, branch=south)


def test_an_unlimited_role_applies_in_every_branch(call_center_operator, branches):
    assert all(
        has_permission(call_center_operator, Perm.CALENDAR_CREATE_APPOINTMENT, branch=branch)
        for branch in branches.values()
    )


def test_blocked_employees_hold_no_permission(owner, administrator):
    administrator.status = "blocked"
    assert not has_permission(administrator, Perm.CLIENTS_VIEW)


def test_objects_of_another_business_are_not_found_even_with_the_permission(owner, outsider):
    with pytest.raises(NotFound):
        require(owner, Perm.EMPLOYEES_VIEW, obj=outsider)


def test_unknown_codes_are_programming_errors(owner):
    with pytest.raises(ValueError, match="unknown permission"):
        has_permission(owner, "calendar.fly")
