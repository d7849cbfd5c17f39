"""Billing API: permission matrix, the dry_run previews in the staff API, stale previews (409), read-only mode."""

import datetime
import json
from decimal import Decimal

import pytest
import time_machine

from staffroom.billing import services
from staffroom.billing.models import Invoice, Subscription
from staffroom.core.testing import database_fingerprint
from staffroom.staff.models import Employee
from staffroom.staff.tests.factories import role_of

from .factories import make_active_subscription, make_plan, noon_utc

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture
def subscribed(business, owner, administrator, specialist, accountant):
    plan = make_plan()
    make_plan("business", base_price="4990", free_seats=5)
    return make_active_subscription(business, plan, start=datetime.date(2026, 3, 1), months=1)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon_utc(TODAY), tick=False):
        yield


def call(client, method, path, body=None, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    url = f"{path}?{query}" if query else path
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


READS = [
    "/api/v1/billing/subscription",
    "/api/v1/billing/plans",
    "/api/v1/billing/ledger",
    "/api/v1/billing/invoices",
    "/api/v1/billing/savings",
    "/api/v1/billing/savings/realized",
    "/api/v1/billing/savings/suggestions",
    "/api/v1/billing/savings/by-month",
    "/api/v1/billing/price-changes",
]


@pytest.mark.parametrize("path", READS)
def test_reads_need_billing_view(subscribed, api_for, anonymous, owner, accountant, administrator, path):
    assert anonymous.get(path).status_code == 401
    assert api_for(administrator).get(path).status_code == 403
    assert api_for(accountant).get(path).status_code == 200
    assert api_for(owner).get(path).status_code == 200


def test_subscription_shape(subscribed, api_for, owner):
    body = api_for(owner).get("/api/v1/billing/subscription").json()
    assert body["status"] == "active"
    assert body["billable_count"] == 2 and body["paid_seats"] == 0
    # The term Mar 1 – Apr 1 (exclusive) is paid through Mar 31, the last paid day.
    assert body["paid_through"] == "2026-03-31"
    assert body["anchor_day"] == 1 and body["included_seats"] == 2
    assert Decimal(body["monthly_price"]) == Decimal("1990")
    assert body["seat_version"] == subscribed.ledger_version


def test_invoice_of_another_business_is_not_found(subscribed, api_for, outsider):
    invoice = Invoice.objects.for_business(subscribed.business).first()
    assert api_for(outsider).get(f"/api/v1/billing/invoices/{invoice.pk}").status_code == 404


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/billing/next-term", {"term_months": 3}),
        ("/api/v1/billing/purchase", {"term_months": 1}),
    ],
)
def test_writes_need_billing_manage_and_refusals_change_nothing(subscribed, api_for, accountant, path, body):
    client = api_for(accountant)
    fingerprint = database_fingerprint()
    assert call(client, "post", path, body).status_code == 403
    assert database_fingerprint() == fingerprint


def test_next_term_change(subscribed, api_for, owner):
    response = call(api_for(owner), "post", "/api/v1/billing/next-term", {"term_months": 12})
    assert response.status_code == 200
    assert response.json()["next_term_months"] == 12
    assert response.json()["renewal_total"] == "20298.00"


def test_purchase_refused_while_active(subscribed, api_for, owner):
    client = api_for(owner)
    fingerprint = database_fingerprint()
    assert call(client, "post", "/api/v1/billing/purchase", {"term_months": 1}).status_code == 409
    assert call(client, "post", "/api/v1/billing/purchase", {"term_months": 2}).status_code in (409, 422)
    assert database_fingerprint() == fingerprint


def test_dry_run_previews_without_saving_then_applies(subscribed, api_for, owner, accountant):
    client = api_for(owner)
    fingerprint = database_fingerprint()
    preview = call(
        client, "patch", f"/api/v1/employees/{accountant.pk}", {"provides_services": True}, dry_run="true"
    ).json()
    assert database_fingerprint() == fingerprint
    assert preview["dry_run"] is True
    assert (preview["billable_before"], preview["billable_after"]) == (2, 3)
    assert (preview["paid_seats_before"], preview["paid_seats_after"]) == (0, 1)
    assert Decimal(preview["monthly_price_after"]) == Decimal("2370")
    # 22 days of 1990 left from Mar 10, now at 2370: 18.47… days → Mar 29 exclusive, paid through Mar 28.
    assert preview["paid_through_before"] == "2026-03-31" and preview["paid_through_after"] == "2026-03-28"
    assert preview["as_of"] == "2026-03-10"
    assert Decimal(preview["charge_now"]) == Decimal("0.00")
    assert Decimal(preview["term_discount_percent"]) == Decimal("0")
    assert preview["paid_through_reason"]
    assert Decimal(preview["renewal_total"]) == Decimal("2370.00")
    applied = call(
        client,
        "patch",
        f"/api/v1/employees/{accountant.pk}",
        {"provides_services": True, "expected_seat_version": preview["seat_version"]},
    )
    assert applied.status_code == 200
    assert applied.json()["seat"]["is_billable"] is True
    subscription = Subscription.objects.for_business(subscribed.business).get()
    assert subscription.paid_through.isoformat() == preview["paid_through_after"]


def test_stale_dry_run_is_refused_with_409(subscribed, api_for, owner, accountant, specialist):
    client = api_for(owner)
    preview = call(client, "patch", f"/api/v1/employees/{accountant.pk}", {"provides_services": True}, dry_run="true")
    assert call(client, "post", f"/api/v1/employees/{specialist.pk}/block").status_code == 200
    fingerprint = database_fingerprint()
    response = call(
        client,
        "patch",
        f"/api/v1/employees/{accountant.pk}",
        {"provides_services": True, "expected_seat_version": preview.json()["seat_version"]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale_preview"
    assert database_fingerprint() == fingerprint


def test_dry_run_of_create_block_and_role(subscribed, api_for, owner, specialist, business):
    client = api_for(owner)
    fingerprint = database_fingerprint()
    created = call(
        client,
        "post",
        "/api/v1/employees",
        {"full_name": "Front desk", "role_id": role_of(business, "administrator").pk},
        dry_run="true",
    )
    assert created.status_code == 200 and created.json()["billable_after"] == 3
    blocked = call(client, "post", f"/api/v1/employees/{specialist.pk}/block", dry_run="true")
    assert blocked.json()["billable_after"] == 1
    viewer = role_of(business, "viewer")
    role = call(
        client,
        "patch",
        f"/api/v1/roles/{viewer.pk}",
        {"permissions": [*viewer.permissions, "payments.process"]},
        dry_run="true",
    )
    assert role.status_code == 200 and role.json()["billable_after"] == 2  # nobody holds Viewer
    assert database_fingerprint() == fingerprint
    assert not Employee.objects.for_business(business).filter(full_name="Front desk").exists()


def test_read_only_business_cannot_change_anything_through_the_api(subscribed, api_for, owner, accountant):
    Subscription.objects.for_business(subscribed.business).update(status="read_only")
    client = api_for(owner)
    fingerprint = database_fingerprint()
    response = call(client, "patch", f"/api/v1/employees/{accountant.pk}", {"position": "Chief"})
    assert response.status_code == 402
    assert response.json()["code"] == "subscription_read_only"
    assert client.get("/api/v1/employees").status_code == 200  # reading still works
    assert database_fingerprint() == fingerprint
    # Paying stays possible.
    assert call(client, "post", "/api/v1/billing/purchase", {"term_months": 1}).status_code == 201


def test_savings_advisor_api_and_make_free(subscribed, api_for, owner, administrator, specialist):
    from staffroom.billing.activity import register_activity_source, unregister_activity_source

    make_plan_free_seats = subscribed.plan
    assert make_plan_free_seats.free_seats == 2
    extra = services.Subscription.objects.for_business(subscribed.business).get()
    assert extra.billable_count == 2
    # Three billable: one paid seat to save.
    from staffroom.staff.tests.factories import make_employee

    idle = make_employee(subscribed.business, "administrator", full_name="Idle Admin")
    Employee.objects.for_business(subscribed.business).update(created_at=noon_utc(datetime.date(2025, 1, 1)))
    services.seats_recount(business=subscribed.business)
    register_activity_source("fake", lambda business, since: {specialist.pk, administrator.pk})
    try:
        body = api_for(owner).get("/api/v1/billing/savings").json()
        assert body["is_tracked"] is True
        assert [item["employee_id"] for item in body["advice"]] == [idle.pk]
        assert Decimal(body["total_monthly_saving"]) == Decimal("380")
        client = api_for(owner)
        preview = call(client, "post", f"/api/v1/billing/savings/{idle.pk}/make-free", {}, dry_run="true").json()
        assert preview["billable_after"] == 2
        done = call(
            client,
            "post",
            f"/api/v1/billing/savings/{idle.pk}/make-free",
            {"expected_seat_version": preview["seat_version"], "expected_as_of": preview["as_of"]},
        )
        assert done.status_code == 201
        assert done.json()["kind"] == "advisor"
        assert Decimal(done.json()["monthly_saving"]) == Decimal("380")
        realized = client.get("/api/v1/billing/savings/realized").json()
        assert [item["employee_id"] for item in realized] == [idle.pk]
    finally:
        unregister_activity_source("fake")
