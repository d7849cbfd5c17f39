"""Permission matrix for every operations API route: anonymous / other business / lacking / allowed.

Each refusal is checked to have changed nothing in the database.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.payments.services import payment_take
from staffroom.scheduling import services
from staffroom.scheduling.tests.factories import local, make_client

FAR_DAY = "2030-01-07"


@dataclass
class Route:
    method: str
    path: str  # placeholders: {client} {client2} {category} {service} {specialist} {branch} {appointment} ...
    lacking: str | None
    body: object = field(default_factory=dict)
    success: int = 200


ROUTES = [
    Route("get", "/api/v1/clients", "accountant"),
    Route("get", "/api/v1/clients/{client}", "accountant"),
    Route("post", "/api/v1/clients", "specialist", {"full_name": "New One", "phone": "+79160000099"}, 201),
    Route("patch", "/api/v1/clients/{client}", "specialist", {"notes": "changed"}),
    Route("delete", "/api/v1/clients/{client}", "call_center_operator", success=204),
    Route("post", "/api/v1/clients/{client}/restore", "call_center_operator"),
    Route("post", "/api/v1/clients/{client}/merge", "call_center_operator", {"duplicate_id": "{client2}"}),
    Route("get", "/api/v1/clients/export.csv", "administrator"),
    Route("get", "/api/v1/service-categories", None),
    Route("post", "/api/v1/service-categories", "call_center_operator", {"name": "Spa"}, 201),
    Route("patch", "/api/v1/service-categories/{category}", "call_center_operator", {"name": "Hair care"}),
    Route("get", "/api/v1/services", None),
    Route("get", "/api/v1/services/{service}", None),
    Route("post", "/api/v1/services", "call_center_operator",
          {"name": "Massage", "duration_minutes": 30, "price": "900.00"}, 201),
    Route("patch", "/api/v1/services/{service}", "call_center_operator", {"price": "1600.00"}),
    Route("put", "/api/v1/services/{service}/specialists", "call_center_operator", [{"specialist_id": "{specialist}"}]),
    Route("get", "/api/v1/branches/{branch}/opening-hours", None),
    Route("put", "/api/v1/branches/{branch}/opening-hours", "call_center_operator",
          [{"weekday": 6, "opens_at": "10:00", "closes_at": "16:00"}]),
    Route("get", "/api/v1/specialists/{specialist}/working-hours", "accountant"),
    Route("put", "/api/v1/specialists/{specialist}/working-hours", "call_center_operator",
          [{"weekday": 0, "branch_id": "{branch}", "starts_at": "09:00", "ends_at": "18:00"}]),
    Route("get", "/api/v1/specialists/{specialist}/exceptions", "accountant"),
    Route("put", f"/api/v1/specialists/{{specialist}}/exceptions/{FAR_DAY}", "call_center_operator", {"day_off": True}),
    Route("delete", f"/api/v1/specialists/{{specialist}}/exceptions/{FAR_DAY}", "call_center_operator", success=204),
    Route("get", "/api/v1/appointments?date_from={tomorrow}", "accountant"),
    Route("get", "/api/v1/appointments/{appointment}", "accountant"),
    Route("post", "/api/v1/appointments", "specialist",
          {"client_id": "{client}", "specialist_id": "{specialist}", "branch_id": "{branch}",
           "service_ids": ["{service}"], "starts_at": "{noon}"}, 201),
    Route("post", "/api/v1/appointments/{appointment}/reschedule", "specialist", {"starts_at": "{afternoon}"}),
    Route("post", "/api/v1/appointments/{appointment2}/cancel", "specialist", {"reason": "Called"}),
    Route("post", "/api/v1/appointments/{appointment}/status", "specialist", {"status": "arrived"}),
    Route("put", "/api/v1/appointments/{appointment2}/services", "specialist", {"service_ids": ["{service}"]}),
    Route("post", "/api/v1/appointments/{appointment}/discount", "call_center_operator",
          {"kind": "percent", "value": "10"}),
    Route("get", "/api/v1/free-slots?service_id={service}&date_from={tomorrow}", "specialist"),
    Route("get", "/api/v1/payments", "call_center_operator"),
    Route("post", "/api/v1/payments", "call_center_operator",
          {"appointment_id": "{appointment2}", "amount": "100.00", "method": "cash"}, 201),
    Route("get", "/api/v1/payments/{payment}", "call_center_operator"),
    Route("post", "/api/v1/payments/{payment}/refunds", "call_center_operator", {"amount": "10.00", "reason": "x"}, 201),
    Route("get", "/api/v1/cash-summary?branch_id={branch}", "call_center_operator"),
]  # fmt: skip
ROUTE_IDS = [f"{route.method.upper()} {route.path}" for route in ROUTES]


@pytest.fixture
def targets(business, owner, administrator, a_client, working_specialist, branch, haircut, tomorrow, api_for):
    second = make_client(business, full_name="Second Client")
    appointment = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )
    unpaid = services.appointment_create(
        actor=administrator,
        client=second,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 16),
        services=[haircut],
    )
    payment = payment_take(actor=administrator, appointment=appointment, amount=Decimal("100"), method="cash")
    return {
        "client": a_client.pk,
        "client2": second.pk,
        "category": haircut.category_id,
        "service": haircut.pk,
        "specialist": working_specialist.pk,
        "branch": branch.pk,
        "appointment": appointment.pk,
        "appointment2": unpaid.pk,
        "payment": payment.pk,
        "tomorrow": tomorrow.isoformat(),
        "noon": local(business, tomorrow, 12).isoformat(),
        "afternoon": local(business, tomorrow, 14).isoformat(),
    }


def _fill(value, targets):
    if isinstance(value, str):
        filled = value.format(**targets)
        return int(filled) if filled.isdigit() and value.startswith("{") else filled
    if isinstance(value, dict):
        return {key: _fill(item, targets) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, targets) for item in value]
    return value


def _call(client, route, targets):
    path = route.path.format(**targets)
    method = getattr(client, route.method)
    if route.method == "get":
        return method(path)
    return method(path, data=json.dumps(_fill(route.body, targets)), content_type="application/json")


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_anonymous_gets_401_and_nothing_changes(route, targets, anonymous):
    before = database_fingerprint()
    assert _call(anonymous, route, targets).status_code == 401
    assert database_fingerprint() == before


PATH_TARGETED = [r for r in ROUTES if "{" in r.path.split("?")[0]]


@pytest.mark.parametrize("route", PATH_TARGETED, ids=[f"{r.method.upper()} {r.path}" for r in PATH_TARGETED])
def test_other_business_gets_404_and_nothing_changes(route, targets, outsider, api_for):
    client = api_for(outsider)
    before = database_fingerprint()
    response = _call(client, route, targets)
    assert response.status_code == 404, response.content
    assert database_fingerprint() == before


LACKING = [r for r in ROUTES if r.lacking]


@pytest.mark.parametrize("route", LACKING, ids=[f"{r.method.upper()} {r.path}" for r in LACKING])
def test_employee_without_the_permission_gets_403_and_nothing_changes(route, targets, request, api_for):
    client = api_for(request.getfixturevalue(route.lacking))
    before = database_fingerprint()
    response = _call(client, route, targets)
    assert response.status_code == 403, response.content
    assert database_fingerprint() == before


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_employee_with_the_permission_succeeds(route, targets, owner, api_for):
    response = _call(api_for(owner), route, targets)
    assert response.status_code == route.success, response.content


def test_every_operations_route_is_in_the_matrix():
    from tests.test_meta_access import api_operations

    covered = {(r.method.upper(), r.path.split("?")[0]) for r in ROUTES}
    prefixes = (
        "/clients",
        "/service",
        "/services",
        "/branches/{branch_id}/opening",
        "/specialists",
        "/appointments",
        "/free-slots",
        "/payments",
        "/cash-summary",
    )
    served = set()
    for path, operation in api_operations():
        if path.startswith(prefixes):
            for method in operation.methods:
                served.add((method, path))
    assert len(served) == len(covered), sorted(served)
    assert dt.date.fromisoformat(FAR_DAY).weekday() == 0
