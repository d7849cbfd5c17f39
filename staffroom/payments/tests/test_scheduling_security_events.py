"""Every critical edit of clients, appointments and payments, and every export, writes exactly one security event."""

from decimal import Decimal

import pytest

from staffroom.clients import services as clients
from staffroom.clients.models import Client
from staffroom.payments import services as payments
from staffroom.scheduling import services as scheduling
from staffroom.scheduling.tests.factories import local
from staffroom.security.models import SecurityEvent


def new_events(business, since_pk):
    return list(
        SecurityEvent.objects.for_business(business).filter(pk__gt=since_pk).values_list("event_type", flat=True)
    )


def last_pk(business):
    return SecurityEvent.objects.for_business(business).order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def world(business, owner, administrator, marketer, a_client, working_specialist, branch, haircut, tomorrow):
    return locals()


def test_each_critical_action_writes_one_event_with_actor_and_object(world):
    business, admin, owner = world["business"], world["administrator"], world["owner"]
    specialist, branch, haircut, tomorrow = (
        world["working_specialist"],
        world["branch"],
        world["haircut"],
        world["tomorrow"],
    )
    steps = [
        ("client.created", lambda: clients.client_create(actor=admin, full_name="Lena", phone="+79161110000")),
        ("client.updated", lambda: clients.client_update(actor=admin, client=world["a_client"], notes="VIP")),
        (
            "appointment.created",
            lambda: scheduling.appointment_create(
                actor=admin,
                client=world["a_client"],
                specialist=specialist,
                branch=branch,
                starts_at=local(business, tomorrow, 10),
                services=[haircut],
            ),
        ),
    ]
    results = {}
    for expected, action in steps:
        before = last_pk(business)
        results[expected] = action()
        assert new_events(business, before) == [expected]
    appointment = results["appointment.created"]
    more = [
        (
            "appointment.rescheduled",
            lambda: scheduling.appointment_reschedule(
                actor=admin, appointment=appointment, starts_at=local(business, tomorrow, 12)
            ),
        ),
        (
            "appointment.status_changed",
            lambda: scheduling.appointment_status_set(actor=admin, appointment=appointment, status="arrived"),
        ),
        (
            "appointment.discount_changed",
            lambda: scheduling.appointment_discount_set(
                actor=admin, appointment=appointment, kind="amount", value=Decimal("100")
            ),
        ),
        (
            "payment.taken",
            lambda: payments.payment_take(actor=admin, appointment=appointment, amount=Decimal("500"), method="cash"),
        ),
    ]
    for expected, action in more:
        before = last_pk(business)
        results[expected] = action()
        assert new_events(business, before) == [expected]
    before = last_pk(business)
    payments.refund_issue(actor=admin, payment=results["payment.taken"], amount=Decimal("500"), reason="Oops")
    assert new_events(business, before) == ["payment.refunded"]
    before = last_pk(business)
    scheduling.appointment_cancel(actor=admin, appointment=appointment, reason="Ill")
    assert new_events(business, before) == ["appointment.cancelled"]
    lena = results["client.created"]
    for expected, action in [
        ("client.deleted", lambda: clients.client_delete(actor=admin, client=lena)),
        ("client.restored", lambda: clients.client_restore(actor=owner, client=lena)),
        ("client.merged", lambda: clients.client_merge(actor=admin, keep=world["a_client"], duplicate=lena)),
        (
            "client.exported",
            lambda: clients.clients_export_csv(actor=world["marketer"], clients=Client.objects.for_business(business)),
        ),
    ]:
        before = last_pk(business)
        action()
        assert new_events(business, before) == [expected]
    event = SecurityEvent.objects.for_business(business).get(event_type="payment.refunded")
    assert event.actor_id == admin.pk and event.object_id == str(results["payment.taken"].pk)
    assert event.before["refunded_amount"] == "0.00" and event.after["refunded_amount"] == "500.00"


def test_a_refused_action_writes_no_event_and_changes_nothing(world):
    business = world["business"]
    before = last_pk(business)
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do; the point is what did not happen
        payments.payment_take(actor=world["marketer"], client=world["a_client"], amount=Decimal("5"), method="cash")
    assert new_events(business, before) == []
