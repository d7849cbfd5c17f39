"""Payments keep a visit's balance exact: partial payments, refunds, discounts, idempotency, permissions."""

from decimal import Decimal

import pytest

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.payments import services
from staffroom.payments.models import Payment
from staffroom.payments.selectors import appointment_balance, cash_summary
from staffroom.scheduling import services as scheduling
from staffroom.scheduling.tests.factories import local
from staffroom.security.models import SecurityEvent


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


def test_partial_payments_and_refunds_keep_the_balance_exact(administrator, visit):
    assert appointment_balance(visit) == Decimal("1500.00")
    first = services.payment_take(actor=administrator, appointment=visit, amount=Decimal("500.10"), method="cash")
    services.payment_take(
        actor=administrator, appointment=visit, amount=Decimal("999.90"), method="card", tip_amount=Decimal("100")
    )
    visit.refresh_from_db()
    assert appointment_balance(visit) == Decimal("0.00")
    with pytest.raises(ValidationFailed):
        services.payment_take(actor=administrator, appointment=visit, amount=Decimal("0.01"), method="cash")
    services.refund_issue(actor=administrator, payment=first, amount=Decimal("0.10"), reason="Rounding")
    assert appointment_balance(visit) == Decimal("0.10")
    with pytest.raises(ValidationFailed):
        services.refund_issue(actor=administrator, payment=first, amount=Decimal("500.01"), reason="Too much")
    services.refund_issue(actor=administrator, payment=first, amount=Decimal("500.00"), reason="Unhappy")
    assert appointment_balance(visit) == Decimal("500.10")


def test_discount_by_percent_is_shared_and_rounded_half_up(administrator, visit):
    scheduling.appointment_discount_set(actor=administrator, appointment=visit, kind="percent", value=Decimal("12.5"))
    visit.refresh_from_db()
    assert visit.discount_amount == Decimal("187.50")
    assert visit.total == Decimal("1312.50")
    assert sum(line.total for line in visit.lines.all()) == visit.total


def test_repeated_idempotency_key_makes_one_payment(business, administrator, visit):
    first = services.payment_take(
        actor=administrator, appointment=visit, amount=Decimal("100"), method="cash", idempotency_key="key-1"
    )
    again = services.payment_take(
        actor=administrator, appointment=visit, amount=Decimal("100"), method="cash", idempotency_key="key-1"
    )
    assert again.pk == first.pk
    assert Payment.objects.for_business(business).count() == 1
    with pytest.raises(Conflict):
        services.payment_take(
            actor=administrator, appointment=visit, amount=Decimal("200"), method="cash", idempotency_key="key-1"
        )
    assert SecurityEvent.objects.for_business(business).filter(event_type="payment.taken").count() == 1


def test_call_center_cannot_take_payments(business, call_center_operator, visit):
    with pytest.raises(PermissionDenied):
        services.payment_take(actor=call_center_operator, appointment=visit, amount=Decimal("100"), method="cash")
    assert Payment.objects.for_business(business).count() == 0


def test_payment_without_a_visit_for_other_documents(business, administrator, a_client):
    payment = services.payment_take(
        actor=administrator,
        client=a_client,
        amount=Decimal("10"),
        method="transfer",
        outstanding=Decimal("10"),
        idempotency_key="order-7-1",
    )
    assert payment.appointment is None
    with pytest.raises(ValidationFailed):
        services.payment_take(
            actor=administrator, client=a_client, amount=Decimal("11"), method="transfer", outstanding=Decimal("10")
        )


def test_cash_summary_per_branch_and_day(business, administrator, visit, branch):
    payment = services.payment_take(
        actor=administrator, appointment=visit, amount=Decimal("1000"), method="cash", tip_amount=Decimal("50")
    )
    services.refund_issue(actor=administrator, payment=payment, amount=Decimal("200"), reason="Goodwill")
    day = payment.processed_at.astimezone(business.zone).date()
    summary = cash_summary(business, branch, day)
    cash = next(row for row in summary["rows"] if row["method"] == "cash")
    assert (cash["taken"], cash["refunded"], cash["tips"], cash["net"]) == (
        Decimal("1000.00"),
        Decimal("200.00"),
        Decimal("50.00"),
        Decimal("850.00"),
    )


def test_paid_amount_over_any_set_of_payments(business, administrator, a_client):
    from staffroom.payments.selectors import paid_amount

    first = services.payment_take(actor=administrator, client=a_client, amount=Decimal("10.50"), method="cash")
    services.payment_take(actor=administrator, client=a_client, amount=Decimal("4.50"), method="card")
    services.refund_issue(actor=administrator, payment=first, amount=Decimal("0.50"), reason="Change")
    assert paid_amount(Payment.objects.for_business(business).filter(client=a_client), "RUB") == Decimal("14.50")
