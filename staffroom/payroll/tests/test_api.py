"""Payroll and reports API: permission matrix (nothing changes on refusal) and the owner's month end to end."""

import json

import pytest
from django.conf import settings
from django.utils import translation

from staffroom.core.testing import database_fingerprint
from staffroom.payroll import services
from staffroom.payroll.choices import KpiMetric
from staffroom.payroll.models import PayslipLine
from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import role_of

MARCH = "start=2026-03-01&end=2026-03-31"


# (method, path, persona lacking the permission or None, body, success status)
ROUTES = [
    ("get", f"/api/v1/reports/sales?{MARCH}&group_by=employee", "specialist", None, 200),
    ("get", f"/api/v1/reports/kpi?{MARCH}", "administrator", None, 200),
    ("get", "/api/v1/reports/kpi-targets", "administrator", None, 200),
    ("put", "/api/v1/reports/kpi-targets", "administrator",
     {"role_id": "{role}", "metric": "appointments_created", "target": "100"}, 200),
    ("get", "/api/v1/payroll/schemes", "administrator", None, 200),
    ("post", "/api/v1/payroll/schemes", "administrator", {"name": "New", "rules": [{"kind": "fixed", "amount": "10"}]}, 201),
    ("put", "/api/v1/payroll/schemes/{scheme}", "administrator", {"name": "Renamed"}, 200),
    ("post", "/api/v1/payroll/schemes/{scheme}/assignments", "administrator",
     {"role_id": "{role}", "valid_from": "2026-05-01"}, 201),
    ("get", "/api/v1/payroll/runs", "administrator", None, 200),
    ("post", "/api/v1/payroll/runs", "administrator", {"period_start": "2026-04-01", "period_end": "2026-04-30"}, 201),
    ("get", "/api/v1/payroll/runs/{run}", "administrator", None, 200),
    ("post", "/api/v1/payroll/runs/{run}/recalculate", "administrator", None, 200),
    ("post", "/api/v1/payroll/runs/{run}/approve", "accountant", None, 200),
    ("delete", "/api/v1/payroll/runs/{run}", "administrator", None, 204),
]  # fmt: skip
IDS = [f"{method.upper()} {path}" for method, path, *_ in ROUTES]


def _fill(text, month, business):
    return (
        text.replace("{scheme}", str(month["scheme"].pk))
        .replace("{run}", str(month["run"].pk))
        .replace("{role}", str(role_of(business, "call_center").pk))
    )


def _call(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(("method", "path", "lacking", "body", "success"), ROUTES, ids=IDS)
def test_permission_matrix(
    request, business, month, api_for, anonymous, outsider, method, path, lacking, body, success
):
    has_object = "{" in path
    path = _fill(path, month, business)
    body = json.loads(_fill(json.dumps(body), month, business)) if body is not None else None
    outsider_api = api_for(outsider)
    lacking_api = api_for(request.getfixturevalue(lacking))
    owner_api = api_for(business.owner)
    before = database_fingerprint()
    assert _call(anonymous, method, path, body).status_code == 401
    if has_object:
        assert _call(outsider_api, method, path, body).status_code == 404
    assert _call(lacking_api, method, path, body).status_code == 403
    assert database_fingerprint() == before
    response = _call(owner_api, method, path, body)
    assert response.status_code == success, response.content


def test_outsiders_see_nothing_of_another_business(business, month, api_for, outsider):
    api = api_for(outsider)
    assert api.get(f"/api/v1/payroll/runs/{month['run'].pk}").status_code == 404
    assert api.get(f"/api/v1/payroll/payslips/{month['payslip'].pk}").status_code == 404
    assert api.get(f"/api/v1/payroll/payslip-lines/{month['line'].pk}/facts").status_code == 404
    assert api.get("/api/v1/payroll/payslips").json() == []


def test_specialist_sees_own_payslip_and_the_visits_behind_it(business, month, api_for, specialist, administrator):
    api = api_for(specialist)
    assert api.get("/api/v1/payroll/payslips").json() == []  # not before approval
    services.payroll_run_approve(actor=business.owner, run=month["run"])
    (payslip,) = api.get("/api/v1/payroll/payslips").json()
    assert payslip["total"] == "600.00"
    (line,) = payslip["lines"]
    assert "1\u202f500.00 × 40 % = 600.00" in line["explanation"]
    facts = api.get(line["facts_url"]).json()
    assert [visit["id"] for visit in facts["visits"]] == [month["visit"].pk]
    # An administrator has no payroll rights: no payslips, and a line's facts are not found.
    assert api_for(administrator).get("/api/v1/payroll/payslips").json() == []
    assert api_for(administrator).get(line["facts_url"]).status_code == 404


def test_reports_and_exports(business, month, api_for, accountant):
    api = api_for(accountant)
    report = api.get(f"/api/v1/reports/sales?{MARCH}&group_by=period,employee&grouping=week").json()
    assert report["total"]["gross"] == "1500.00"
    assert report["rows"][0]["key"]["period"] == "2026-03-02"
    assert api.get(f"/api/v1/reports/sales?{MARCH}&group_by=nonsense").status_code == 422
    assert api.get("/api/v1/reports/sales?start=2026-03-31&end=2026-03-01").status_code == 422
    csv = api.get(f"/api/v1/reports/sales/export?{MARCH}&group_by=employee&format=csv")
    assert csv.status_code == 200 and b"Net sales" in csv.content
    xlsx = api.get(f"/api/v1/reports/sales/export?{MARCH}&format=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert api.get(f"/api/v1/reports/kpi/export?{MARCH}&format=csv").status_code == 200
    assert api.get(f"/api/v1/payroll/runs/{month['run'].pk}/export?format=xlsx").content[:2] == b"PK"
    exported = SecurityEvent.objects.for_business(business).filter(
        event_type__in=["report.exported", "payroll_run.exported"]
    )
    assert exported.count() == 4
    kpi = {row["full_name"]: row for row in api.get(f"/api/v1/reports/kpi?{MARCH}").json()}
    assert kpi["Ada Administrator"]["values"][KpiMetric.PAYMENTS_COUNT] == "1"


@pytest.fixture
def default_language_after():
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a request in Russian leaves its language active


@pytest.mark.usefixtures("default_language_after")
def test_a_payslip_line_is_explained_in_the_reader_language(business, month, client_for, api_for, owner):
    line = month["line"]
    assert line.message == "services_percent"  # stored as a code and its parameters, besides the English sentence
    assert "of own services revenue" in line.explanation
    page = client_for(owner)
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = page.get(f"/payroll/payslips/{month['payslip'].pk}/").content.decode()
    assert "выручки от своих услуг" in html and "of own services revenue" not in html
    api = api_for(owner).get(f"/api/v1/payroll/payslips/{month['payslip'].pk}", HTTP_ACCEPT_LANGUAGE="ru").json()
    (explained,) = api["lines"]
    assert "выручки от своих услуг" in explained["explanation"]
    assert "1\u202f500.00 × 40 % = 600.00" in explained["explanation"]
    english = client_for(owner).get(f"/payroll/payslips/{month['payslip'].pk}/").content.decode()
    assert "of own services revenue" in english and "выручки" not in english


@pytest.mark.usefixtures("default_language_after")
def test_a_line_written_before_the_codes_keeps_its_stored_sentence(business, month, client_for, owner):
    PayslipLine.objects.for_business(business).filter(pk=month["line"].pk).update(
        message="", message_params={}, explanation="Old words"
    )
    page = client_for(owner)
    page.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert "Old words" in page.get(f"/payroll/payslips/{month['payslip'].pk}/").content.decode()
