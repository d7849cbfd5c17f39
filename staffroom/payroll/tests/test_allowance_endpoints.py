"""Allowances through the API and the pages: who may grant them, bad input changes nothing, another business's
visit or order is not found, and the sales report's API and CSV export carry them."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.orders.models import Order
from staffroom.orders.services import ItemInput
from staffroom.orders.tests.factories import make_product
from staffroom.payments.models import Allowance
from staffroom.reports.tests.factories import make_visit, pay, sell_order, service
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.tests.factories import first_branch

D = Decimal
DAY = dt.date(2026, 3, 10)


@pytest.fixture
def visit(business, specialist, administrator):
    return make_visit(
        business,
        specialist=specialist,
        branch=first_branch(business),
        date=DAY,
        lines=[(service(business, "Cut"), "1500.00", "0")],
        created_by=administrator,
    )


@pytest.fixture
def sold_order(business, owner, manager):
    return sell_order(
        owner,
        responsible=manager,
        items=[ItemInput(product=make_product(business, price="800.00"), quantity=1)],
        at=local_to_utc(DAY, dt.time(12), business.zone),
        branch=first_branch(business),
    )


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_api_grants_an_allowance_on_a_visit_once_per_key(business, visit, administrator, api_for):
    pay(visit, by=administrator)
    client = api_for(administrator)
    body = {"appointment_id": visit.pk, "amount": "250.50", "reason": "Defect", "idempotency_key": "a-1"}
    response = _post(client, "/api/v1/allowances", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert (D(data["amount"]), data["reason"], data["granted_by_id"], D(data["paid_back"])) == (
        D("250.50"),
        "Defect",
        administrator.pk,
        D("250.50"),
    )
    assert _post(client, "/api/v1/allowances", body).status_code == 200
    assert Allowance.objects.for_business(business).count() == 1
    listed = client.get(f"/api/v1/allowances?appointment_id={visit.pk}").json()
    assert [(item["id"], D(item["paid_back"])) for item in listed] == [(data["id"], D("250.50"))]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "1500.01", "reason": "Too much"}, "amount"),
        ({"amount": "0", "reason": "Zero"}, "amount"),
        ({"amount": "10.00", "reason": ""}, "reason"),
        ({"amount": "10.00", "reason": "Bad method", "refund_method": "barter"}, "refund_method"),
    ],
)
def test_api_bad_input_answers_4xx_with_the_field_and_changes_nothing(visit, administrator, api_for, body, field):
    client = api_for(administrator)
    before = database_fingerprint()
    response = _post(client, "/api/v1/allowances", {"appointment_id": visit.pk, **body})
    assert response.status_code in (400, 422)
    assert field in str(response.json())
    assert database_fingerprint() == before


def test_api_permission_matrix(visit, specialist, accountant, outsider, api_for, anonymous):
    body = {"appointment_id": visit.pk, "amount": "10.00", "reason": "Defect"}
    as_specialist, as_accountant, as_outsider = api_for(specialist), api_for(accountant), api_for(outsider)
    before = database_fingerprint()
    assert _post(anonymous, "/api/v1/allowances", body).status_code == 401
    assert _post(as_specialist, "/api/v1/allowances", body).status_code == 403
    assert _post(as_accountant, "/api/v1/allowances", body).status_code == 403
    foreign = _post(as_outsider, "/api/v1/allowances", body)
    assert foreign.status_code == 422 and "appointment_id" in foreign.json()["errors"]
    assert database_fingerprint() == before
    # Seeing allowances needs the finances right: the accountant has it, the specialist not.
    assert as_accountant.get("/api/v1/allowances").status_code == 200
    assert as_specialist.get("/api/v1/allowances").status_code == 403
    assert as_outsider.get(f"/api/v1/allowances?appointment_id={visit.pk}").json() == []


def test_api_grants_an_allowance_on_an_order(business, sold_order, administrator, outsider, manager, api_for):
    url = f"/api/v1/orders/{sold_order.pk}/allowances"
    body = {"amount": "80.00", "reason": "Dented tin"}
    as_outsider, as_manager = api_for(outsider), api_for(manager)
    before = database_fingerprint()
    assert _post(as_outsider, url, body).status_code == 404
    assert _post(as_manager, url, body).status_code == 403
    assert database_fingerprint() == before
    response = _post(api_for(administrator), url, body)
    assert response.status_code == 201, response.content
    card = response.json()
    assert (D(card["allowance_amount"]), D(card["paid_amount"]), D(card["balance"])) == (
        D("80.00"),
        D("720.00"),
        D("0.00"),
    )
    assert [(D(a["amount"]), a["reason"]) for a in card["allowances"]] == [(D("80.00"), "Dented tin")]


def test_sales_report_api_and_csv_carry_allowances(business, owner, visit, sold_order, administrator, api_for):
    from staffroom.orders.services import order_allowance_grant
    from staffroom.payments.services import allowance_grant

    allowance_grant(actor=administrator, appointment=visit, amount="100.00", reason="Defect")
    order_allowance_grant(actor=administrator, order=sold_order, amount="0.10", reason="Dented tin")
    client = api_for(owner)
    report = client.get("/api/v1/reports/sales?start=2026-03-01&end=2026-03-31&grouping=month").json()
    assert (D(report["total"]["allowances"]), D(report["total"]["net"])) == (D("100.10"), D("2199.90"))
    export = client.get("/api/v1/reports/sales/export?start=2026-03-01&end=2026-03-31&grouping=month&format=csv")
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, total = rows[0], rows[-1]
    assert total[header.index("Allowances")] == "100.10"
    assert total[header.index("Net sales")] == "2199.90"
    by_manager = client.get("/api/v1/reports/sales-by-manager?date_from=2026-03-01&date_to=2026-03-31")
    assert by_manager.status_code == 200
    assert (D(by_manager.json()["totals"]["allowances"]), D(by_manager.json()["totals"]["net"])) == (
        D("0.10"),
        D("799.90"),
    )


def test_allowance_page_grants_and_shows_it(business, visit, administrator, client_for):
    client = client_for(administrator)
    url = f"/calendar/appointments/{visit.pk}/allowance/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    before = database_fingerprint()
    response = client.post(url, {"amount": "100.00", "reason": "", "idempotency_key": "p-1"})
    assert response.status_code == 200
    assert database_fingerprint() == before
    response = client.post(url, {"amount": "100.00", "reason": "Chipped polish", "idempotency_key": "p-1"})
    assert response.status_code == 302
    card = client.get(f"/calendar/appointments/{visit.pk}/").content.decode()
    assert "Chipped polish" in card
    assert Allowance.objects.for_business(business).get().granted_by == administrator


def test_allowance_page_permissions(visit, specialist, outsider, client_for):
    url = f"/calendar/appointments/{visit.pk}/allowance/"
    assert client_for(specialist).get(url).status_code == 403
    as_outsider = client_for(outsider)
    assert as_outsider.get(url).status_code == 404
    before = database_fingerprint()
    assert as_outsider.post(url, {"amount": "1.00", "reason": "x", "idempotency_key": "o"}).status_code == 404
    assert database_fingerprint() == before


def test_order_page_grants_an_allowance(business, sold_order, administrator, manager, client_for):
    url = f"/orders/{sold_order.pk}/allowances/"
    card = client_for(administrator).get(f"/orders/{sold_order.pk}/").content.decode()
    assert 'action="' + url + '"' in card
    assert client_for(manager).post(url, {"amount": "5.00", "reason": "x", "idempotency_key": "m"}).status_code == 403
    response = client_for(administrator).post(
        url, {"amount": "50.00", "reason": "Late delivery", "idempotency_key": "o-1"}
    )
    assert response.status_code == 302
    order = Order.objects.for_business(business).get(pk=sold_order.pk)
    assert order.allowance_amount == D("50.00")
    assert "Late delivery" in client_for(administrator).get(f"/orders/{sold_order.pk}/").content.decode()
