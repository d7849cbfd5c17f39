"""Blocking kills sessions and tokens on the next request; unblocking restores the same login."""

import json

import pytest

from staffroom.core.errors import Conflict, PermissionDenied
from staffroom.identity.models import ApiToken
from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import reauthenticated
from staffroom.staff.models import EmployeeStatus
from staffroom.staff.services import employee_block, employee_unblock
from staffroom.staff.tests.factories import PASSWORD


def test_block_kills_an_open_session_and_token_on_the_next_request(owner, administrator, client_for, api_for):
    page = client_for(administrator)
    api = api_for(administrator)
    assert page.get("/").status_code == 200
    assert api.get("/api/v1/business").status_code == 200

    employee_block(actor=owner, employee=administrator)

    response = page.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert page.get("/").status_code == 302  # the session is gone, not just refused once
    assert api.get("/api/v1/business").status_code == 401
    assert not ApiToken.objects.for_business(owner.business).filter(employee=administrator, revoked_at=None).exists()


def test_blocked_employee_cannot_sign_in_and_gets_the_generic_message(owner, administrator, anonymous):
    employee_block(actor=owner, employee=administrator)
    blocked = anonymous.post("/accounts/login/", {"login": administrator.person.email, "password": PASSWORD})
    wrong = anonymous.post("/accounts/login/", {"login": administrator.person.email, "password": "wrong-password-1"})
    assert blocked.status_code == wrong.status_code == 200
    assert "not correct" in blocked.content.decode()
    assert blocked.content.decode().count("not correct") == wrong.content.decode().count("not correct")
    assert "_auth_user_id" not in anonymous.session


def test_unblock_restores_the_same_login_password_and_history(owner, administrator, anonymous):
    person_id, password_hash = administrator.person_id, administrator.person.password
    employee_block(actor=owner, employee=administrator)
    employee_unblock(actor=owner, employee=administrator)
    administrator.refresh_from_db()
    assert administrator.status == EmployeeStatus.ACTIVE
    assert (administrator.person_id, administrator.person.password) == (person_id, password_hash)
    response = anonymous.post("/accounts/login/", {"login": administrator.person.email, "password": PASSWORD})
    assert response.status_code == 302
    events = SecurityEvent.objects.for_business(owner.business).filter(object_id=str(administrator.pk))
    assert list(events.order_by("sequence").values_list("event_type", "actor_id")) == [
        ("employee.blocked", owner.pk),
        ("employee.unblocked", owner.pk),
        ("sign_in.succeeded", administrator.pk),
    ]


def test_nobody_blocks_themselves_and_the_designated_owner_cannot_be_blocked(owner, business):
    from staffroom.staff.tests.factories import make_employee, role_of

    second_owner = make_employee(business, role=role_of(business, "owner"))
    with pytest.raises(PermissionDenied):
        employee_block(actor=second_owner, employee=second_owner)
    with pytest.raises(Conflict):
        employee_block(actor=second_owner, employee=owner)
    owner.refresh_from_db()
    assert owner.status == EmployeeStatus.ACTIVE


def test_block_through_the_api_refuses_self_and_changes_nothing(owner, api_for):
    from staffroom.core.testing import database_fingerprint

    client = api_for(owner)
    before = database_fingerprint()
    response = client.post(f"/api/v1/employees/{owner.pk}/block", content_type="application/json")
    assert response.status_code == 403
    assert json.loads(response.content)["detail"]
    assert database_fingerprint() == before


def test_block_button_on_the_page(owner, specialist, client_for):
    client = reauthenticated(client_for(owner))
    response = client.post(f"/employees/{specialist.pk}/block/")
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.is_blocked
    listing = client.get("/employees/").content.decode()
    assert "Blocked employees are free" in listing
