"""SECURITY.md 10: blocking, role changes and every data export need a recent authentication, pages and API alike."""

import datetime as dt

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.payroll.services import payroll_run_create
from staffroom.security.models import SecurityEvent
from staffroom.staff.models import Role

from .helpers import reauthenticated

REAUTHENTICATE = "/accounts/reauthenticate/"


def _events(business) -> int:
    return SecurityEvent.objects.for_business(business).count()


@pytest.fixture
def payroll_run(owner):
    return payroll_run_create(actor=owner, period_start=dt.date(2026, 3, 1), period_end=dt.date(2026, 3, 31))


EXPORT_PAGES = [
    "/clients/export.csv",
    "/orders/export.csv",
    "/reports/sales-by-manager/?format=csv",
    "/reports/sales/export.csv",
    "/reports/sales/export.xlsx",
    "/reports/kpi/export.csv",
    "/reports/kpi/export.xlsx",
    "/payroll/runs/{run}/export.csv",
    "/payroll/runs/{run}/export.xlsx",
    "/security/export.csv",
]


@pytest.mark.parametrize("path", EXPORT_PAGES)
def test_every_export_page_asks_for_a_recent_sign_in_first(path, owner, business, payroll_run, client_for):
    url = path.format(run=payroll_run.pk)
    client = client_for(owner)
    before, events = database_fingerprint(), _events(business)
    refused = client.get(url)
    assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    assert database_fingerprint() == before and _events(business) == events  # no export, no export event
    served = reauthenticated(client).get(url)
    assert served.status_code == 200 and "attachment" in served["Content-Disposition"]
    assert _events(business) > events  # the export is logged once it is really served


EXPORT_API = [
    "/api/v1/clients/export.csv",
    "/api/v1/orders/export.csv",
    "/api/v1/reports/sales-by-manager.csv",
    "/api/v1/reports/sales/export?start=2026-03-01&end=2026-03-31",
    "/api/v1/reports/kpi/export?start=2026-03-01&end=2026-03-31",
    "/api/v1/payroll/runs/{run}/export",
    "/api/v1/security/events/export",
]


@pytest.mark.parametrize("path", EXPORT_API)
def test_the_api_cookie_does_not_bypass_re_authentication_but_a_token_is_its_own_credential(
    path, owner, business, payroll_run, client_for, api_for
):
    url = path.format(run=payroll_run.pk)
    client = client_for(owner)
    events = _events(business)
    refused = client.get(url)
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert _events(business) == events
    assert reauthenticated(client).get(url).status_code == 200
    assert api_for(owner).get(url).status_code == 200


def test_blocking_and_unblocking_need_a_recent_sign_in(owner, specialist, client_for):
    client = client_for(owner)
    before = database_fingerprint()
    for action in ("block", "unblock"):
        refused = client.post(f"/employees/{specialist.pk}/{action}/")
        assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    assert database_fingerprint() == before
    reauthenticated(client)
    assert client.post(f"/employees/{specialist.pk}/block/").status_code == 302
    specialist.refresh_from_db()
    assert specialist.is_blocked
    assert client.post(f"/employees/{specialist.pk}/unblock/").status_code == 302
    specialist.refresh_from_db()
    assert not specialist.is_blocked


def test_the_suspended_block_is_carried_out_right_after_re_authenticating(owner, specialist, client_for):
    client = client_for(owner)
    refused = client.post(f"/employees/{specialist.pk}/block/")
    assert client.post(refused["Location"], {"password": "x" * 3}).status_code == 200  # wrong password: nothing
    specialist.refresh_from_db()
    assert not specialist.is_blocked
    from staffroom.staff.tests.factories import PASSWORD

    client.post(refused["Location"], {"password": PASSWORD})
    specialist.refresh_from_db()
    assert specialist.is_blocked


def test_role_create_edit_and_delete_need_a_recent_sign_in(owner, business, client_for):
    role = Role.objects.create(business=business, name="Helper", permissions=["clients.view"])
    client = client_for(owner)
    assert client.get(f"/roles/{role.pk}/").status_code == 200  # reading the editor is not a change
    before = database_fingerprint()
    writes = [
        ("/roles/new/", {"name": "Exporter", "permissions": ["clients.view", "clients.export"]}),
        (f"/roles/{role.pk}/", {"name": "Helper", "permissions": ["clients.view", "clients.export"]}),
        (f"/roles/{role.pk}/delete/", {}),
    ]
    for url, data in writes:
        refused = client.post(url, data)
        assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE), url
    assert database_fingerprint() == before
    reauthenticated(client)
    assert client.post(*writes[0]).status_code == 302
    assert Role.objects.for_business(business).filter(name="Exporter").exists()
    assert client.post(*writes[1]).status_code == 302
    role.refresh_from_db()
    assert "clients.export" in role.effective_permissions
    assert client.post(*writes[2]).status_code == 302
    assert not Role.objects.for_business(business).filter(pk=role.pk).exists()


def _employee_form(employee, **changes):
    data = {
        "full_name": employee.full_name,
        "phone": employee.phone,
        "email": employee.email,
        "position": employee.position,
        "role": employee.role_id,
        "branches": [branch.pk for branch in employee.branches.all()],
        "version": employee.version,
    }
    if employee.provides_services:
        data["provides_services"] = "on"
    data.update(changes)
    return data


def test_changing_an_employees_role_needs_a_recent_sign_in_but_other_edits_do_not(
    owner, specialist, manager, client_for
):
    client = client_for(owner)
    edit = client.post(f"/employees/{specialist.pk}/", _employee_form(specialist, position="Senior stylist"))
    assert edit.status_code == 302 and not edit["Location"].startswith(REAUTHENTICATE)
    specialist.refresh_from_db()
    assert specialist.position == "Senior stylist"
    before = database_fingerprint()
    refused = client.post(f"/employees/{specialist.pk}/", _employee_form(specialist, role=manager.role_id))
    assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    assert database_fingerprint() == before
    reauthenticated(client).post(f"/employees/{specialist.pk}/", _employee_form(specialist, role=manager.role_id))
    specialist.refresh_from_db()
    assert specialist.role_id == manager.role_id


def test_the_api_asks_a_session_to_re_authenticate_for_blocking_and_role_changes(
    owner, business, specialist, manager, client_for, api_for
):
    role = Role.objects.create(business=business, name="Helper", permissions=["clients.view"])
    client = client_for(owner)
    writes = [
        ("post", f"/api/v1/employees/{specialist.pk}/block", None),
        ("post", "/api/v1/roles", {"name": "Exporter", "permissions": ["clients.view"]}),
        ("patch", f"/api/v1/roles/{role.pk}", {"permissions": ["clients.view", "clients.export"]}),
        ("patch", f"/api/v1/employees/{specialist.pk}", {"role_id": manager.role_id}),
        ("delete", f"/api/v1/roles/{role.pk}", None),
    ]
    before = database_fingerprint()
    for method, url, body in writes:
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 403 and response.json()["code"] == "reauthentication_required", url
    assert database_fingerprint() == before
    renamed = client.patch(f"/api/v1/employees/{specialist.pk}", {"position": "Lead"}, content_type="application/json")
    assert renamed.status_code == 200  # not a role change
    reauthenticated(client)
    for method, url, body in writes[:3]:
        assert getattr(client, method)(url, body, content_type="application/json").status_code in (200, 201), url
    token = api_for(owner)
    assert token.patch(writes[3][1], writes[3][2], content_type="application/json").status_code == 200
    assert token.delete(writes[4][1]).status_code == 204
    specialist.refresh_from_db()
    assert specialist.is_blocked and specialist.role_id == manager.role_id


def test_minting_a_token_needs_a_recent_authentication_so_a_token_never_skips_it(
    owner, specialist, client_for, api_for
):
    """SECURITY.md 32: a session that has not re-authenticated gets no token (pages and the API cookie alike)."""
    from staffroom.identity.models import ApiToken

    client = client_for(owner)
    before = database_fingerprint()
    refused = client.post("/me/tokens/", {"name": "sneaky"})
    assert refused.status_code == 302 and refused["Location"].startswith(REAUTHENTICATE)
    refused = client.post("/api/v1/tokens", data={"name": "sneaky"}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert database_fingerprint() == before
    assert not ApiToken.objects.for_business(owner.business).filter(name="sneaky").exists()
    assert client.get("/me/tokens/").status_code == 200  # looking at one's tokens is not minting one
    reauthenticated(client)
    created = client.post("/api/v1/tokens", data={"name": "after confirming"}, content_type="application/json")
    assert created.status_code == 201
    # A token (itself minted under the rule, or by a full sign-in) is a credential of its own.
    assert api_for(owner).post("/api/v1/tokens", data={"name": "x"}, content_type="application/json").status_code == 201


def test_a_sign_in_completed_within_the_window_counts_as_recent(owner, specialist):
    """An owner who has just signed in blocks without typing the password again; later the window has closed."""
    import time_machine

    from .helpers import new_browser, password_step

    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client = new_browser()
        password_step(client, owner)
        client.get("/")
    with time_machine.travel(start + dt.timedelta(seconds=60), tick=False):
        response = client.post(f"/employees/{specialist.pk}/block/")
        assert response.status_code == 302 and response["Location"] == "/employees/"
        specialist.refresh_from_db()
        assert specialist.is_blocked
    with time_machine.travel(start + dt.timedelta(seconds=301), tick=False):
        response = client.post(f"/employees/{specialist.pk}/unblock/")
        assert response["Location"].startswith(REAUTHENTICATE)
        specialist.refresh_from_db()
        assert specialist.is_blocked


def test_creating_an_employee_needs_a_recent_sign_in(owner, client_for):
    client = client_for(owner)
    before = database_fingerprint()
    assert client.get("/employees/new/").status_code == 200
    refused = client.post("/employees/new/", {"full_name": "New", "role": owner.role_id})
    assert refused["Location"].startswith(REAUTHENTICATE)
    body = {"full_name": "New", "role_id": owner.role_id}
    refused = client.post("/api/v1/employees", data=body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert database_fingerprint() == before
    preview = client.post("/api/v1/employees?dry_run=true", data=body, content_type="application/json")
    assert preview.status_code == 200  # the price preview changes nothing
    assert (
        reauthenticated(client).post("/api/v1/employees", data=body, content_type="application/json").status_code == 201
    )
