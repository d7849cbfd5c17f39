"""Operator API: operator tokens apart from business tokens, the permission matrix, the console's actions logged."""

import datetime
import json

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from staffroom.billing import services
from staffroom.billing.models import Invoice, InvoiceStatus, Plan, Subscription
from staffroom.core.testing import database_fingerprint
from staffroom.identity.models import OperatorToken
from staffroom.identity.services import operator_token_create, operator_token_revoke
from staffroom.security.models import SecurityEvent
from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.tests.factories import PASSWORD, PersonFactory

from .factories import make_active_subscription, make_plan, noon_utc

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon_utc(TODAY), tick=False):
        yield


def call(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def bearer(plain: str) -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}")


def _operator(*perms, superuser=False):
    person = PersonFactory(is_staff=True, is_superuser=superuser)
    person.set_password(PASSWORD)
    person.save()
    enrol_totp(person)  # SECURITY.md 34
    for perm in perms:
        app_label, codename = perm.split(".")
        person.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return person


def _token_for(person) -> Client:
    _token, plain = operator_token_create(operator=person, name="script")
    return bearer(plain)


@pytest.fixture
def billing(business, other_business, outsider):
    plan = make_plan()
    make_plan("business", base_price="4990", free_seats=5)
    make_active_subscription(business, plan, start=datetime.date(2026, 3, 1), months=1)
    services.subscription_start_trial(business=other_business, plan=plan)
    issued = services.subscription_purchase(actor=outsider, months=3)
    return {"plan": plan, "issued": issued}


@pytest.fixture
def operator(db):
    return _operator(superuser=True)


@pytest.fixture
def reader(db):
    """An operator who may look at plans, subscriptions and invoices, and change nothing."""
    return _operator("billing.view_plan", "billing.view_subscription", "billing.view_invoice")


def _routes(billing):
    plan = billing["plan"]
    subscription = Subscription.objects.unscoped().order_by("pk").first()
    invoice = billing["issued"]
    reads = [
        ("get", "/api/v1/operator/plans", None),
        ("get", f"/api/v1/operator/plans/{plan.pk}", None),
        ("get", "/api/v1/operator/subscriptions", None),
        ("get", f"/api/v1/operator/subscriptions/{subscription.pk}", None),
        ("get", "/api/v1/operator/invoices", None),
        ("get", f"/api/v1/operator/invoices/{invoice.pk}", None),
    ]
    writes = [
        ("post", f"/api/v1/operator/plans/{plan.pk}/revisions", {"base_price": "2190.00"}),
        ("patch", f"/api/v1/operator/subscriptions/{subscription.pk}/next-term", {"next_term_months": 6}),
        ("post", "/api/v1/operator/subscriptions/recount", {"subscription_ids": [subscription.pk]}),
        ("post", f"/api/v1/operator/invoices/{invoice.pk}/payments", {"reference": "BANK-77"}),
        (
            "post",
            "/api/v1/operator/plans",
            {"code": "mini", "name": "Mini", "currency": "RUB", "base_price": "990.00", "seat_price": "0.00"},
        ),
    ]
    return reads, writes


def test_the_permission_matrix(billing, owner, api_for, anonymous, operator, reader):
    reads, writes = _routes(billing)
    owner_token = api_for(owner)
    reader_token = _token_for(reader)
    nobody = _token_for(_operator())  # platform staff without any console permission
    before = database_fingerprint()
    for method, path, body in reads + writes:
        assert call(anonymous, method, path, body).status_code == 401, path
        # a business token, even the owner's, never reaches an operator route
        assert call(owner_token, method, path, body).status_code == 401, path
        assert call(nobody, method, path, body).status_code == 403, path
    for method, path, body in reads:
        assert call(reader_token, method, path, body).status_code == 200, path
    for method, path, body in writes:
        assert call(reader_token, method, path, body).status_code == 403, path
    assert database_fingerprint() == before
    token = _token_for(operator)
    for method, path, body in reads + writes:
        assert call(token, method, path, body).status_code in (200, 201), (path, call(token, method, path, body))


def test_an_operator_token_never_acts_inside_a_business(billing, operator, owner):
    operator_token = _token_for(operator)
    for path in ("/api/v1/business", "/api/v1/billing/subscription", "/api/v1/clients", "/api/v1/tokens"):
        assert operator_token.get(path).status_code == 401, path


def test_a_business_sees_nothing_of_other_businesses_through_the_operator_routes(billing, business, other_business):
    """The operator's lists cross businesses (the console's do); filters narrow them to one."""
    token = _token_for(_operator("billing.view_subscription", "billing.view_invoice"))
    listed = token.get(f"/api/v1/operator/subscriptions?business_id={other_business.pk}").json()["items"]
    assert [item["business_id"] for item in listed] == [other_business.pk]
    invoices = token.get(f"/api/v1/operator/invoices?business_id={business.pk}").json()["items"]
    assert invoices and {item["business_id"] for item in invoices} == {business.pk}
    assert token.get("/api/v1/operator/invoices/999999").status_code == 404


def test_recording_a_payment_is_the_consoles_payment(billing, other_business, operator):
    token = _token_for(operator)
    invoice = billing["issued"]
    response = call(token, "post", f"/api/v1/operator/invoices/{invoice.pk}/payments", {"reference": "BANK-77"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["invoice"]["status"] == "paid" and body["invoice"]["payment_reference"] == "BANK-77"
    assert body["invoice"]["paid_by"] == str(operator)
    events = SecurityEvent.objects.for_business(other_business).filter(event_type="billing.invoice_paid")
    assert events.filter(after__by=str(operator)).count() == 1
    again = call(token, "post", f"/api/v1/operator/invoices/{invoice.pk}/payments", {"reference": "BANK-78"})
    assert again.status_code == 200 and again.json()["invoice"]["payment_reference"] == "BANK-77"
    Invoice.objects.for_business(other_business).filter(pk=invoice.pk).update(status=InvoiceStatus.VOID, paid_at=None)
    void = call(token, "post", f"/api/v1/operator/invoices/{invoice.pk}/payments", {"reference": "BANK-79"})
    assert void.status_code == 409
    blank = call(token, "post", f"/api/v1/operator/invoices/{invoice.pk}/payments", {"reference": "   "})
    assert blank.status_code in (409, 422)


def test_the_bulk_recount_is_logged_in_each_business(billing, business, other_business, operator):
    token = _token_for(operator)
    ids = list(Subscription.objects.unscoped().order_by("pk").values_list("pk", flat=True))
    unknown = call(token, "post", "/api/v1/operator/subscriptions/recount", {"subscription_ids": [*ids, 999999]})
    assert unknown.status_code == 422 and "subscription_ids" in unknown.json()["errors"]
    assert not SecurityEvent.objects.unscoped().filter(event_type="billing.seats_recounted").exists()
    response = call(token, "post", "/api/v1/operator/subscriptions/recount", {"subscription_ids": ids})
    assert response.status_code == 200 and response.json()["recounted"] == 2
    for each in (business, other_business):
        event = SecurityEvent.objects.for_business(each).get(event_type="billing.seats_recounted")
        assert event.after["operator"] == str(operator)


def test_a_plan_revision_is_a_new_version_validated_and_logged(billing, operator):
    token = _token_for(operator)
    plan = billing["plan"]
    bad = call(token, "post", f"/api/v1/operator/plans/{plan.pk}/revisions", {"discount_3": "150.00"})
    assert bad.status_code == 422 and "discount_3" in bad.json()["errors"]
    assert Plan.objects.filter(code=plan.code).count() == 1
    revised = call(token, "post", f"/api/v1/operator/plans/{plan.pk}/revisions", {"base_price": "2190.00"})
    assert revised.status_code == 201
    body = revised.json()
    assert body["plan"]["version"] == 2 and body["plan"]["base_price"] == "2190.00" and body["businesses_told"] == 2
    plan.refresh_from_db()
    assert str(plan.base_price) == "1990.00"  # never edited in place
    assert SecurityEvent.objects.unscoped().filter(event_type="billing.plan_revised").count() == 1
    clash = call(
        token,
        "post",
        "/api/v1/operator/plans",
        {"code": plan.code, "name": "Again", "currency": "RUB", "base_price": "1.00", "seat_price": "0.00"},
    )
    assert clash.status_code == 422 and "code" in clash.json()["errors"]


def test_the_next_term_change_refuses_another_currency(billing, business, operator):
    token = _token_for(operator)
    subscription = Subscription.objects.for_business(business).get()
    euro = make_plan("euro", currency="EUR")
    path = f"/api/v1/operator/subscriptions/{subscription.pk}/next-term"
    refused = call(token, "patch", path, {"next_plan_id": euro.pk})
    assert refused.status_code == 422 and "next_plan" in refused.json()["errors"]
    bad_term = call(token, "patch", path, {"next_term_months": 5})
    assert bad_term.status_code == 422
    other = Plan.objects.get(code="business")
    done = call(token, "patch", path, {"next_plan_id": other.pk, "next_term_months": 12})
    assert done.status_code == 200 and done.json()["next_plan_id"] == other.pk
    event = SecurityEvent.objects.for_business(business).filter(event_type="billing.next_term_changed").last()
    assert event.after["operator"] == str(operator) and event.after["next_term_months"] == 12


# --- operator tokens -------------------------------------------------------------------------------------------


def test_operator_tokens_are_hashed_shown_once_logged_and_need_a_second_factor(operator):
    _token, plain = operator_token_create(operator=operator, name="nightly export")
    assert plain.startswith("so_") and plain not in json.dumps(list(OperatorToken.objects.values()), default=str)
    assert SecurityEvent.objects.unscoped().filter(event_type="operator_token.created").count() == 1
    assert plain not in json.dumps(list(SecurityEvent.objects.unscoped().values("before", "after")), default=str)
    client = bearer(plain)
    assert client.get("/api/v1/operator/tokens").status_code == 200
    # Without a second factor an operator token stops working, and no new one can be made.
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=operator).delete()
    assert client.get("/api/v1/operator/tokens").status_code == 401
    from staffroom.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        operator_token_create(operator=operator, name="again")
    with pytest.raises(PermissionDenied):
        operator_token_create(operator=PersonFactory(is_staff=False), name="not staff")


def test_minting_an_operator_token_through_the_api_needs_a_fresh_password(operator):
    client = _token_for(operator)
    refused = call(client, "post", "/api/v1/operator/tokens", {"name": "second"})
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    assert OperatorToken.objects.filter(person=operator).count() == 1
    assert call(client, "post", "/api/v1/operator/reauthenticate", {"password": PASSWORD}).status_code == 204
    made = call(client, "post", "/api/v1/operator/tokens", {"name": "second"})
    assert made.status_code == 201 and made["Cache-Control"] == "no-store"
    plain = made.json()["token"]
    assert bearer(plain).get("/api/v1/operator/plans").status_code == 200
    revoked = call(client, "post", f"/api/v1/operator/tokens/{made.json()['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert bearer(plain).get("/api/v1/operator/plans").status_code == 401
    assert SecurityEvent.objects.unscoped().filter(event_type="operator_token.revoked").count() == 1


def test_an_operator_revokes_only_their_own_tokens(operator, reader):
    theirs, _plain = operator_token_create(operator=reader, name="reader's")
    client = _token_for(operator)
    assert call(client, "post", f"/api/v1/operator/tokens/{theirs.pk}/revoke").status_code == 404
    from staffroom.core.errors import NotFound

    with pytest.raises(NotFound):
        operator_token_revoke(operator=operator, token=theirs)
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_console_makes_a_token_shown_once_and_revokes_it(operator, reader):
    operator_token_create(operator=reader, name="not mine")
    console = Client(HTTP_HOST="127.0.0.1")
    console.force_login(operator)
    page = console.post("/operator/identity/operatortoken/add/", {"name": "console token"})
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    token = OperatorToken.objects.get(person=operator, name="console token")
    assert f"so_{token.key_id}_" in page.content.decode()
    listing = console.get("/operator/identity/operatortoken/").content.decode()
    assert "console token" in listing and "not mine" not in listing
    console.post(
        "/operator/identity/operatortoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert SecurityEvent.objects.unscoped().filter(event_type="operator_token.revoked").count() == 1


def test_an_operator_session_without_a_second_factor_gets_no_operator_route(db):
    person = PersonFactory(is_staff=True, is_superuser=True)
    console = Client(HTTP_HOST="127.0.0.1")
    console.force_login(person)
    assert console.get("/api/v1/operator/plans").status_code == 403
    enrol_totp(person)
    assert console.get("/api/v1/operator/plans").status_code == 200
