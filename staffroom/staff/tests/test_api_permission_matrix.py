"""Permission matrix for every foundation API route: anonymous / other business / lacking / allowed.

Each refusal is checked to have changed nothing in the database.
"""

import json
from dataclasses import dataclass, field

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.identity.models import ApiToken
from staffroom.staff.models import Role
from staffroom.staff.tests.factories import make_employee


@dataclass
class Route:
    method: str
    path: str  # may contain {employee}, {role}, {branch}, {token}
    lacking: str | None  # a persona without the permission (None: every employee may)
    body: dict = field(default_factory=dict)
    success: int = 200


ROUTES = [
    Route("get", "/api/v1/business", None),
    Route("patch", "/api/v1/business", "administrator", {"name": "Renamed"}),
    Route("get", "/api/v1/branches", None),
    Route("get", "/api/v1/branches/{branch}", None),
    Route("post", "/api/v1/branches", "administrator", {"name": "East"}, 201),
    Route("patch", "/api/v1/branches/{branch}", "administrator", {"address": "1 Main St"}),
    Route("get", "/api/v1/employees", "specialist"),
    Route("get", "/api/v1/employees/{employee}", "specialist"),
    Route("post", "/api/v1/employees", "administrator", {"full_name": "New Person", "role_id": "{role}"}, 201),
    Route("patch", "/api/v1/employees/{employee}", "administrator", {"position": "Senior stylist"}),
    Route("post", "/api/v1/employees/{employee}/block", "administrator"),
    Route("post", "/api/v1/employees/{employee}/unblock", "administrator"),
    Route("get", "/api/v1/roles", "specialist"),
    Route("get", "/api/v1/roles/{role}", "specialist"),
    Route("post", "/api/v1/roles", "administrator", {"name": "Junior", "permissions": ["clients.view"]}, 201),
    Route("patch", "/api/v1/roles/{role}", "administrator", {"description": "changed"}),
    Route("delete", "/api/v1/roles/{role}", "administrator", success=204),
    Route("get", "/api/v1/permissions", None),
    Route("get", "/api/v1/tokens", None),
    Route("post", "/api/v1/tokens", None, {"name": "laptop"}, 201),
    Route("post", "/api/v1/tokens/{token}/revoke", None),
]
ROUTE_IDS = [f"{route.method.upper()} {route.path}" for route in ROUTES]


@pytest.fixture
def targets(business, owner, specialist, administrator):
    role = Role.objects.create(business=business, name="Custom", permissions=["clients.view"])
    employee = make_employee(business, "accountant", full_name="Target Person")
    branch = specialist.branches.first()
    return {"employee": employee.pk, "role": role.pk, "branch": branch.pk, "owner": owner}


def _fill(value, targets, token_id):
    if isinstance(value, str):
        return value.format(token=token_id, **targets)
    if isinstance(value, dict):
        return {key: _int_if_id(_fill(item, targets, token_id)) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, targets, token_id) for item in value]
    return value


def _int_if_id(value):
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _call(client, route, targets, token_id):
    path = route.path.format(token=token_id, **targets)
    body = _fill(route.body, targets, token_id)
    method = getattr(client, route.method)
    if route.method == "get":
        return method(path)
    return method(path, data=json.dumps(body), content_type="application/json")


def _owner_token_id(owner):
    return ApiToken.objects.for_business(owner.business).filter(employee=owner).first().pk


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_anonymous_gets_401_and_nothing_changes(route, targets, anonymous, api_for):
    api_for(targets["owner"])  # the owner's token exists, so {token} points at a real row
    token_id = _owner_token_id(targets["owner"])
    before = database_fingerprint()
    response = _call(anonymous, route, targets, token_id)
    assert response.status_code == 401
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "route",
    [r for r in ROUTES if "{" in r.path],
    ids=[i for r, i in zip(ROUTES, ROUTE_IDS, strict=True) if "{" in r.path],
)
def test_other_business_gets_404_and_nothing_changes(route, targets, outsider, api_for):
    client = api_for(outsider)
    api_for(targets["owner"])
    token_id = _owner_token_id(targets["owner"])
    before = database_fingerprint()
    response = _call(client, route, targets, token_id)
    assert response.status_code == 404, response.content
    assert database_fingerprint() == before


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r.lacking], ids=[i for r, i in zip(ROUTES, ROUTE_IDS, strict=True) if r.lacking]
)
def test_employee_without_the_permission_gets_403_and_nothing_changes(route, targets, request, api_for):
    client = api_for(request.getfixturevalue(route.lacking))
    api_for(targets["owner"])
    token_id = _owner_token_id(targets["owner"])
    before = database_fingerprint()
    response = _call(client, route, targets, token_id)
    assert response.status_code == 403, response.content
    assert database_fingerprint() == before


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_employee_with_the_permission_succeeds(route, targets, api_for):
    client = api_for(targets["owner"])
    token_id = _owner_token_id(targets["owner"])
    response = _call(client, route, targets, token_id)
    assert response.status_code == route.success, response.content
