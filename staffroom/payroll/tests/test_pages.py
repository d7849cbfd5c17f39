"""Reports and payroll pages: each renders for those allowed, refuses the others, and refusals change nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from staffroom.core.testing import database_fingerprint
from staffroom.payroll import services
from staffroom.payroll.models import PayrollRun, PayScheme
from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import reauthenticated
from staffroom.staff.tests.factories import role_of


def pages(month):
    run, payslip, line = month["run"], month["payslip"], month["line"]
    return [
        (reverse("reports:sales") + "?start=2026-03-01&end=2026-03-31&group_by=period&group_by=employee&grouping=week", "specialist"),
        (reverse("reports:kpi") + "?start=2026-03-01&end=2026-03-31", "administrator"),
        (reverse("payroll:runs"), "administrator"),
        (reverse("payroll:run_detail", args=[run.pk]), "administrator"),
        (reverse("payroll:schemes"), "administrator"),
        (reverse("payroll:payslip_detail", args=[payslip.pk]), None),
        (reverse("payroll:line_facts", args=[line.pk]), None),
        (reverse("payroll:payslips"), None),
    ]  # fmt: skip


def test_pages_render_for_the_owner_and_refuse_others(request, business, month, client_for, anonymous, outsider):
    owner = client_for(business.owner)
    for url, lacking in pages(month):
        response = owner.get(url)
        assert response.status_code == 200, url
        assert anonymous.get(url).status_code == 302
        if lacking:
            assert client_for(request.getfixturevalue(lacking)).get(url).status_code == 403, url
    assert client_for(outsider).get(reverse("payroll:run_detail", args=[month["run"].pk])).status_code == 404
    assert client_for(outsider).get(reverse("payroll:line_facts", args=[month["line"].pk])).status_code == 404


def test_the_payslip_line_shows_the_visits_behind_it(business, month, client_for, specialist, administrator):
    services.payroll_run_approve(actor=business.owner, run=month["run"])
    page = client_for(specialist).get(reverse("payroll:line_facts", args=[month["line"].pk]))
    assert f'data-visit="{month["visit"].pk}"' in page.content.decode()
    other = client_for(administrator).get(reverse("payroll:payslip_detail", args=[month["payslip"].pk]))
    assert other.status_code == 404


def test_running_approving_and_exporting_from_the_pages(business, month, client_for, accountant):
    owner = reauthenticated(client_for(business.owner))
    response = owner.post(reverse("payroll:runs"), {"period_start": "2026-04-01", "period_end": "2026-04-30"})
    april = PayrollRun.objects.for_business(business).get(period_start=dt.date(2026, 4, 1))
    assert response.status_code == 302 and response.url == reverse("payroll:run_detail", args=[april.pk])
    overlapping = owner.post(reverse("payroll:runs"), {"period_start": "2026-04-15", "period_end": "2026-05-14"})
    assert "already covers" in overlapping.content.decode()
    before = database_fingerprint()
    assert client_for(accountant).post(reverse("payroll:run_approve", args=[april.pk])).status_code == 403
    assert database_fingerprint() == before
    owner.post(reverse("payroll:run_approve", args=[april.pk]))
    april.refresh_from_db()
    assert april.is_approved
    export = owner.get(reverse("payroll:run_export", args=[april.pk, "xlsx"]))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    sales = owner.get(reverse("reports:sales_export", args=["csv"]) + "?start=2026-03-01&end=2026-03-31")
    assert sales.status_code == 200 and b"Gross sales" in sales.content
    assert SecurityEvent.objects.for_business(business).filter(event_type__endswith=".exported").count() == 2


def test_creating_and_assigning_a_scheme_from_the_page(business, month, client_for, call_center_operator):
    owner = client_for(business.owner)
    response = owner.post(
        reverse("payroll:schemes"),
        {
            "create_scheme": "1",
            "name": "Call center",
            "rule_0_kind": "fixed",
            "rule_0_amount": "25000",
            "rule_1_kind": "kpi_bonus",
            "rule_1_metric": "appointments_created",
            "rule_1_tiers": "100=3000; 200=10%",
        },
    )
    assert response.status_code == 302
    scheme = PayScheme.objects.for_business(business).get(name="Call center")
    assert scheme.rules.get(kind="kpi_bonus").tiers[1]["percent"] == "10.00"
    response = owner.post(
        reverse("payroll:schemes"),
        {"assign": "1", "scheme": scheme.pk, "role": role_of(business, "call_center").pk, "valid_from": "2026-03-01"},
    )
    assert response.status_code == 302
    bad = owner.post(reverse("payroll:schemes"), {"create_scheme": "1", "name": "Empty"})
    assert "at least one rule" in bad.content.decode()


def test_kpi_target_and_dashboard_progress(business, month, client_for, administrator):
    owner = client_for(business.owner)
    response = owner.post(
        reverse("reports:kpi_target_set"),
        {"role": role_of(business, "administrator").pk, "metric": "appointments_created", "target": "10"},
    )
    assert response.status_code == 302
    home = client_for(administrator).get(reverse("tenancy:home")).content.decode()
    assert "My targets this month" in home and 'role="progressbar"' in home
    assert "Targets this month" in owner.get(reverse("tenancy:home")).content.decode()


@pytest.mark.parametrize("persona", ["specialist", "administrator", "accountant"])
def test_navigation_shows_what_each_role_may_open(request, business, client_for, persona):
    html = client_for(request.getfixturevalue(persona)).get(reverse("tenancy:home")).content.decode()
    assert (f'href="{reverse("payroll:runs")}"' in html) is (persona == "accountant")
    assert (f'href="{reverse("payroll:payslips")}"' in html) is (persona == "specialist")
    assert (f'href="{reverse("reports:kpi")}"' in html) is (persona == "accountant")


def test_editing_a_scheme_keeps_what_was_paid(business, month, client_for, specialist):
    owner = client_for(business.owner)
    url = reverse("payroll:scheme_edit", args=[month["scheme"].pk])
    form = owner.get(url).content.decode()
    assert 'value="40.00"' in form or 'value="40"' in form
    response = owner.post(url, {"name": "Stylist", "rule_0_kind": "services_percent", "rule_0_percent": "50"})
    assert response.status_code == 302
    assert month["payslip"].lines.get().amount == 600  # the draft keeps its figures until recalculated
    services.payroll_run_recalculate(actor=business.owner, run=month["run"])
    assert month["run"].payslips.get(employee=specialist).total == 750
    assert client_for(specialist).get(url).status_code == 403
