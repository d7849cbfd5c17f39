"""Billing pages, the preview fragment in the employee and role forms, read-only mode and the operator console."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import translation

from staffroom.billing import services
from staffroom.billing.activity import register_activity_source, unregister_activity_source
from staffroom.billing.models import Invoice, RealizedSaving, Subscription
from staffroom.core.testing import database_fingerprint
from staffroom.security.tests.helpers import enrol_totp, reauthenticated
from staffroom.staff.models import Employee
from staffroom.staff.tests.factories import make_employee, role_of

from .factories import make_active_subscription, make_plan, noon_utc

TODAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(noon_utc(TODAY), tick=False):
        yield


@pytest.fixture
def subscribed(business, owner, administrator, specialist, accountant):
    return make_active_subscription(business, make_plan(), start=datetime.date(2026, 3, 1), months=1)


def test_billing_page_shows_plan_seats_ledger_and_invoices(subscribed, client_for, owner, specialist):
    page = client_for(owner).get("/billing/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="paid-through" datetime="2026-03-31"' in html
    assert specialist.full_name in html and "Provides services" in html
    assert Invoice.objects.for_business(subscribed.business).get().number in html
    assert "Term purchased" in html


def test_billing_page_needs_billing_view(subscribed, client_for, administrator, accountant, anonymous):
    assert client_for(administrator).get("/billing/").status_code == 403
    assert client_for(accountant).get("/billing/").status_code == 200
    assert anonymous.get("/billing/").status_code == 302


def test_without_subscription_the_page_says_so(business, client_for, owner):
    assert "no subscription" in client_for(owner).get("/billing/").content.decode()


def test_printable_invoice_is_scoped(subscribed, client_for, owner, outsider):
    invoice = Invoice.objects.for_business(subscribed.business).get()
    assert client_for(owner).get(f"/billing/invoices/{invoice.pk}/").status_code == 200
    assert client_for(outsider).get(f"/billing/invoices/{invoice.pk}/").status_code == 404


def test_employee_form_preview_fragment(subscribed, client_for, owner, accountant, business):
    client = client_for(owner)
    fragment = client.get(
        f"/billing/preview/employee/?employee={accountant.pk}&role={accountant.role_id}&provides_services=on"
    ).content.decode()
    assert 'data-testid="preview-paid-through" datetime="2026-03-28"' in fragment
    assert f'name="seat_version" value="{subscribed.ledger_version}"' in fragment
    assert 'name="seat_as_of" value="2026-03-10"' in fragment
    assert 'data-field="charge-now" data-value="0.00"' in fragment
    new = client.get(f"/billing/preview/employee/?role={role_of(business, 'administrator').pk}").content.decode()
    assert "2 → 3" in new
    edit_page = client.get(f"/employees/{accountant.pk}/").content.decode()
    assert "/billing/preview/employee/" in edit_page


def test_role_form_preview_fragment(subscribed, client_for, owner, business):
    viewer = role_of(business, "viewer")
    make_employee(business, "viewer")
    fragment = (
        client_for(owner)
        .get(f"/billing/preview/role/{viewer.pk}/?permissions=calendar.create_appointment")
        .content.decode()
    )
    assert "2 → 3" in fragment


def test_saving_a_stale_preview_from_the_form_is_refused(subscribed, client_for, owner, accountant, specialist):
    client = reauthenticated(client_for(owner))
    version = subscribed.ledger_version
    services_block = client.post(f"/employees/{specialist.pk}/block/")
    assert services_block.status_code == 302
    fingerprint = database_fingerprint()
    response = client.post(
        f"/employees/{accountant.pk}/",
        {
            "full_name": accountant.full_name,
            "role": accountant.role_id,
            "provides_services": "on",
            "version": accountant.version,
            "seat_version": version,
        },
    )
    assert response.status_code == 200
    assert "review the change again" in response.content.decode()
    assert database_fingerprint() == fingerprint


def test_read_only_business_views_but_cannot_change(subscribed, client_for, owner, accountant):
    Subscription.objects.for_business(subscribed.business).update(status="read_only")
    client = client_for(owner)
    listing = client.get("/employees/")
    assert listing.status_code == 200
    assert "Read-only mode." in listing.content.decode()
    fingerprint = database_fingerprint()
    refused = client.post(f"/employees/{accountant.pk}/block/")
    assert refused.status_code == 402
    assert "read-only" in refused.content.decode()
    assert database_fingerprint() == fingerprint
    assert client.post("/billing/purchase/", {"term_months": "1"}).status_code == 302
    assert Invoice.objects.for_business(subscribed.business).filter(kind="purchase", status="issued").exists()


def test_grace_banner(subscribed, client_for, owner):
    Subscription.objects.for_business(subscribed.business).update(status="grace")
    assert "Payment overdue." in client_for(owner).get("/employees/").content.decode()


def test_next_term_change_from_the_page(subscribed, client_for, owner, accountant):
    business_plan = make_plan("business", base_price="4990", free_seats=5)
    assert client_for(accountant).post("/billing/next-term/", {"term_months": "3"}).status_code == 403
    response = client_for(owner).post("/billing/next-term/", {"plan": business_plan.pk, "term_months": "12"})
    assert response.status_code == 302
    subscription = Subscription.objects.for_business(subscribed.business).get()
    assert (subscription.next_plan, subscription.next_term_months) == (business_plan, 12)


def test_savings_advisor_make_free_through_the_preview(subscribed, client_for, owner, specialist, business):
    idle = make_employee(business, "administrator", full_name="Idle Admin")
    Employee.objects.for_business(business).update(created_at=noon_utc(datetime.date(2025, 1, 1)))
    services.seats_recount(business=business)
    register_activity_source("fake", lambda business, since: {specialist.pk})
    try:
        client = client_for(owner)
        page = client.get("/billing/").content.decode()
        assert "Idle Admin" in page and f"/billing/savings/{idle.pk}/make-free/" in page
        confirm = client.get(f"/billing/savings/{idle.pk}/make-free/")
        assert "3 → 2" in confirm.content.decode()
        version = Subscription.objects.for_business(business).get().ledger_version
        done = client.post(
            f"/billing/savings/{idle.pk}/make-free/", {"seat_version": version, "seat_as_of": "2026-03-10"}
        )
        assert done.status_code == 302
        saving = RealizedSaving.objects.for_business(business).get()
        assert saving.employee == idle and str(saving.monthly_saving) == "380.00"
        assert saving.kind == "advisor"  # recorded once, as the advisor's, not also as "made free by hand"
        idle.refresh_from_db()
        assert idle.role == role_of(business, "viewer")
    finally:
        unregister_activity_source("fake")


def test_without_activity_sources_the_advisor_says_it_cannot_tell(subscribed, client_for, owner, monkeypatch):
    monkeypatch.setattr("staffroom.billing.activity._sources", {})
    assert "Activity is not tracked yet" in client_for(owner).get("/billing/").content.decode()


@pytest.fixture
def operator_client(db, client):
    operator = get_user_model().objects.create_superuser(email="operator@example.test", password="x-Operator-1")
    enrol_totp(operator)  # SECURITY.md 34: the operator console needs a second factor
    client.force_login(operator)
    return client


def test_operator_marks_an_invoice_paid_and_revises_a_plan(operator_client, business, owner):
    plan = make_plan()
    services.subscription_start_trial(business=business, plan=plan)
    invoice = services.subscription_purchase(actor=owner, months=1)
    assert operator_client.get("/operator/billing/invoice/?q=" + invoice.number).status_code == 200
    response = operator_client.post(f"/operator/billing/invoice/{invoice.pk}/change/", {"bank_reference": "PP-77"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.payment_reference == "PP-77"
    data = {
        "code": "standard",
        "name": "Standard",
        "currency": "RUB",
        "base_price": "2490",
        "free_seats": "2",
        "seat_price": "380",
        "discount_1": "0",
        "discount_3": "5",
        "discount_6": "10",
        "discount_12": "15",
        "seat_removal_extends_term": "on",
        "grace_days": "14",
        "trial_days": "14",
        "is_offered": "on",
    }
    assert operator_client.post(f"/operator/billing/plan/{plan.pk}/change/", data).status_code == 302
    plan.refresh_from_db()
    assert str(plan.base_price) == "1990.00"  # the old version is kept as it was
    assert services.current_plan_version("standard").version == 2
    for page in ("subscription", "seatledgerevent", "realizedsaving", "plan"):
        assert operator_client.get(f"/operator/billing/{page}/").status_code == 200


def test_operator_starts_a_subscription_and_sets_the_next_term(operator_client, business):
    from staffroom.security.models import SecurityEvent

    plan = make_plan()
    response = operator_client.post(
        "/operator/billing/subscription/add/", {"business": business.pk, "plan": plan.pk, "term_months": "3"}
    )
    assert response.status_code == 302
    subscription = Subscription.objects.for_business(business).get()
    assert subscription.status == "trial" and subscription.term_months == 3
    page = operator_client.get(f"/operator/billing/subscription/{subscription.pk}/change/")
    assert page.status_code == 200
    response = operator_client.post(
        f"/operator/billing/subscription/{subscription.pk}/change/",
        {
            "next_plan": plan.pk,
            "next_term_months": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscription.refresh_from_db()
    assert subscription.next_term_months == 12
    assert SecurityEvent.objects.for_business(business).filter(event_type="billing.next_term_changed").exists()


def test_block_button_offers_the_price_effect_and_refuses_a_stale_one(
    subscribed, client_for, owner, specialist, administrator
):
    client = reauthenticated(client_for(owner))
    listing = client.get("/employees/").content.decode()
    assert f"?employee={specialist.pk}&amp;role={specialist.role_id}&amp;status=blocked" in listing
    fragment = client.get(
        f"/billing/preview/employee/?employee={specialist.pk}&role={specialist.role_id}&status=blocked"
        "&provides_services=on"
    ).content.decode()
    assert "2 → 1" in fragment
    stale = subscribed.ledger_version
    client.post(f"/employees/{administrator.pk}/block/", {"seat_version": stale})
    response = client.post(f"/employees/{specialist.pk}/block/", {"seat_version": stale}, follow=True)
    assert "review the change again" in response.content.decode()
    specialist.refresh_from_db()
    assert not specialist.is_blocked


@pytest.mark.parametrize("days", ["abc", "0", "-5", "1000000000"])
def test_advisor_window_is_clamped(subscribed, client_for, owner, days):
    assert client_for(owner).get(f"/billing/?days={days}").status_code == 200


@pytest.fixture
def default_language_after():
    yield
    translation.activate(settings.LANGUAGE_CODE)  # a request in Russian leaves its language active


@pytest.mark.usefixtures("default_language_after")
def test_built_in_plan_names_and_the_invoice_cause_follow_the_reader_language(subscribed, client_for, owner):
    # The history's payment row is caused by an invoice: its cause is stored as "invoice <number>".
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = client.get("/billing/").content.decode()
    number = Invoice.objects.for_business(subscribed.business).get().number
    assert "Стандарт" in html and "Standard" not in html
    assert f"Счет {number}" in html and f"invoice {number}" not in html
    # English readers see the English names.
    english = client_for(owner).get("/billing/").content.decode()
    assert "Standard" in english and f"Invoice {number}" in english


@pytest.mark.usefixtures("default_language_after")
def test_a_renamed_plan_keeps_the_name_as_entered(business, client_for, owner):
    make_active_subscription(business, make_plan(name="Salon Pro"), start=datetime.date(2026, 3, 1), months=1)
    client = client_for(owner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    assert "Salon Pro" in client.get("/billing/").content.decode()
