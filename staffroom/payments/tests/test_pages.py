"""Payment pages: discount, refund, and who may use them."""

import re
from decimal import Decimal

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.payments import services
from staffroom.payments.models import Refund
from staffroom.scheduling import services as scheduling
from staffroom.scheduling.tests.factories import local


@pytest.fixture
def visit(business, administrator, a_client, working_specialist, branch, haircut, tomorrow):
    return scheduling.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut],
    )


def test_discount_by_amount_then_pay_the_rest(administrator, visit, client_for):
    browser = client_for(administrator)
    browser.post(f"/calendar/appointments/{visit.pk}/discount/", {"kind": "amount", "value": "300"})
    visit.refresh_from_db()
    assert (visit.discount_amount, visit.total) == (Decimal("300.00"), Decimal("1200.00"))
    page = browser.get(f"/calendar/appointments/{visit.pk}/pay/").content.decode()
    assert 'value="1200.00"' in page  # the form offers what is still due
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    browser.post(
        f"/calendar/appointments/{visit.pk}/pay/", {"amount": "1200.00", "method": "cash", "idempotency_key": key}
    )
    card = browser.get(f"/calendar/appointments/{visit.pk}/").content.decode()
    assert 'id="appointment-balance">RUB\xa00.00<' in card


def test_a_discount_below_what_is_paid_is_refused(administrator, visit, client_for):
    services.payment_take(actor=administrator, appointment=visit, amount=Decimal("1500"), method="card")
    before = database_fingerprint()
    client_for(administrator).post(f"/calendar/appointments/{visit.pk}/discount/", {"kind": "percent", "value": "10"})
    assert database_fingerprint() == before


def test_refund_page(business, administrator, accountant, visit, client_for):
    payment = services.payment_take(actor=administrator, appointment=visit, amount=Decimal("1500"), method="card")
    assert client_for(accountant).get(f"/payments/{payment.pk}/refund/").status_code == 403
    browser = client_for(administrator)
    page = browser.get(f"/payments/{payment.pk}/refund/").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {"amount": "500.00", "reason": "Unhappy", "method": "card", "idempotency_key": key}
    assert browser.post(f"/payments/{payment.pk}/refund/", form).status_code == 302
    assert browser.post(f"/payments/{payment.pk}/refund/", form).status_code == 302  # resubmitted: still one
    assert Refund.objects.for_business(business).count() == 1
    too_much = {**form, "amount": "1000.01", "idempotency_key": "other"}
    assert browser.post(f"/payments/{payment.pk}/refund/", too_much).status_code == 200
    assert Refund.objects.for_business(business).count() == 1
