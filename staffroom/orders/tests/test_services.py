"""Order services: numbering, totals, edits with versions, the status table, claims, reassigning, payments,
returns, tasks, reminders, and an action log that records each change exactly once."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.orders import services
from staffroom.orders.choices import ActionKind, OrderStatus
from staffroom.orders.models import Order, OrderAction, OrderTask
from staffroom.orders.services import ItemInput, ReturnInput
from staffroom.security.models import SecurityEvent

from .factories import make_order, make_product, make_service


def actions(order, kind=None):
    queryset = OrderAction.objects.for_business(order.business).filter(order=order)
    return queryset.filter(kind=kind) if kind else queryset


def events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type)


def test_numbers_are_per_business_and_totals_are_exact(business, other_business, manager, outsider):
    product = make_product(business, price="333.33")
    service = make_service(business, price="1500.00")
    order = services.order_create(
        actor=manager,
        client=make_order(manager).client,
        items=[
            ItemInput(product=product, quantity=3, discount_amount=Decimal("0.99")),
            ItemInput(service=service, quantity=1, unit_price=Decimal("1400.00")),
        ],
    )
    assert order.number == 2
    assert (order.gross_amount, order.discount_amount, order.total) == (
        Decimal("2399.99"),
        Decimal("0.99"),
        Decimal("2399.00"),
    )
    assert order.item_count == 4
    assert order.responsible == manager  # a manager's own new order is theirs
    assert make_order(outsider).number == 1


def test_an_administrators_new_order_waits_in_the_queue(queued_order):
    assert queued_order.responsible is None


def test_bad_items_change_nothing(business, manager, a_client, other_business):
    foreign = make_product(other_business)
    product = make_product(business)
    before = database_fingerprint()
    for items in (
        [],
        [ItemInput(product=foreign, quantity=1)],
        [ItemInput(product=product, quantity=0)],
        [ItemInput(product=product, quantity=1, discount_amount=Decimal("100.01"))],
        [ItemInput(product=product, quantity=1, unit_price=Decimal("1.001"))],
        [ItemInput(product=product, service=make_service(business), quantity=1)],
    ):
        with pytest.raises(ValidationFailed):
            services.order_create(actor=manager, client=a_client, items=items)
    assert database_fingerprint().get("orders.order") == before.get("orders.order")


def test_repeated_idempotency_key_creates_one_order(business, manager, a_client):
    first = make_order(manager, client=a_client, idempotency_key="form-1")
    again = make_order(manager, client=a_client, idempotency_key="form-1")
    assert again.pk == first.pk
    assert Order.objects.for_business(business).count() == 1


def test_stale_edit_gets_a_conflict_not_a_lost_update(manager, own_order):
    version = own_order.version
    services.order_update(actor=manager, order=own_order, expected_version=version, comment="first")
    with pytest.raises(Conflict):
        services.order_update(actor=manager, order=own_order, expected_version=version, comment="second")
    own_order.refresh_from_db()
    assert own_order.comment == "first"
    assert own_order.version == version + 1


def test_item_edit_recomputes_amounts_and_is_logged_once(business, manager, own_order):
    product = make_product(business, price="50.00")
    services.order_update(
        actor=manager,
        order=own_order,
        expected_version=own_order.version,
        items=[ItemInput(product=product, quantity=4)],
        comment="bigger",
    )
    own_order.refresh_from_db()
    assert own_order.total == Decimal("200.00")
    assert own_order.item_count == 4
    assert actions(own_order, ActionKind.ITEMS).count() == 1
    assert actions(own_order, ActionKind.DETAILS).count() == 1
    item_log = actions(own_order, ActionKind.ITEMS).get()
    assert item_log.before["total"] == "190.00" and item_log.after["total"] == "200.00"
    assert item_log.actor == manager
    # Saving the same values again is not a change: nothing more is logged.
    services.order_update(
        actor=manager, order=own_order, items=[ItemInput(product=product, quantity=4)], comment="bigger"
    )
    assert actions(own_order).exclude(kind=ActionKind.CREATED).count() == 2
    assert events(business, "order.updated").count() == 1


TABLE = [
    (OrderStatus.NEW, OrderStatus.IN_PROGRESS, True),
    (OrderStatus.NEW, OrderStatus.PAID, False),
    (OrderStatus.NEW, OrderStatus.SHIPPED, False),
    (OrderStatus.NEW, OrderStatus.CANCELLED, True),
    (OrderStatus.IN_PROGRESS, OrderStatus.NEW, False),
    (OrderStatus.IN_PROGRESS, OrderStatus.COMPLETED, False),
    (OrderStatus.CANCELLED, OrderStatus.IN_PROGRESS, False),
]


@pytest.mark.parametrize(("start", "target", "allowed"), TABLE)
def test_status_transition_table_is_enforced(manager, own_order, start, target, allowed):
    Order.objects.for_business(own_order.business).filter(pk=own_order.pk).update(status=start)
    own_order.refresh_from_db()
    before = database_fingerprint()
    if allowed:
        services.order_status_change(actor=manager, order=own_order, status=target)
        own_order.refresh_from_db()
        assert own_order.status == target
        return
    with pytest.raises(Conflict) as refused:
        services.order_status_change(actor=manager, order=own_order, status=target)
    assert refused.value.status_code == 409
    assert refused.value.extra["allowed_transitions"] == [str(s) for s in services.allowed_transitions(start)]
    assert database_fingerprint() == before


def test_paid_needs_the_full_balance_and_the_whole_pipeline_runs(business, administrator, own_order):
    services.order_status_change(actor=administrator, order=own_order, status=OrderStatus.IN_PROGRESS)
    with pytest.raises(Conflict):
        services.order_status_change(actor=administrator, order=own_order, status=OrderStatus.PAID)
    services.order_payment_take(actor=administrator, order=own_order, amount=Decimal("90.00"), method="cash")
    with pytest.raises(ValidationFailed):  # more than is due
        services.order_payment_take(actor=administrator, order=own_order, amount=Decimal("100.01"), method="card")
    services.order_payment_take(actor=administrator, order=own_order, amount=Decimal("100.00"), method="card")
    for status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED):
        services.order_status_change(actor=administrator, order=own_order, status=status)
    own_order.refresh_from_db()
    assert own_order.status == OrderStatus.COMPLETED
    assert own_order.paid_amount == own_order.total == Decimal("190.00")
    assert own_order.sold_at is not None
    assert actions(own_order, ActionKind.STATUS).count() == 4
    assert actions(own_order, ActionKind.PAYMENT).count() == 2
    assert events(business, "order.status_changed").count() == 4
    assert events(business, "payment.taken").count() == 2


def test_repeated_payment_key_takes_one_payment(administrator, own_order):
    first = services.order_payment_take(
        actor=administrator, order=own_order, amount=Decimal("10.00"), method="cash", idempotency_key="k1"
    )
    again = services.order_payment_take(
        actor=administrator, order=own_order, amount=Decimal("10.00"), method="cash", idempotency_key="k1"
    )
    assert again.pk == first.pk
    own_order.refresh_from_db()
    assert own_order.paid_amount == Decimal("10.00")


def test_a_manager_without_payments_process_cannot_take_payment(business, manager, own_order):
    before = database_fingerprint()
    with pytest.raises(PermissionDenied):
        services.order_payment_take(actor=manager, order=own_order, amount=Decimal("1.00"), method="cash")
    assert database_fingerprint() == before


def _paid(administrator, order):
    services.order_status_change(actor=administrator, order=order, status=OrderStatus.IN_PROGRESS)
    order.refresh_from_db()
    services.order_payment_take(actor=administrator, order=order, amount=order.total, method="card")
    return services.order_status_change(actor=administrator, order=order, status=OrderStatus.PAID)


def test_partial_then_full_return_refunds_through_payments(business, administrator, manager, a_client):
    product = make_product(business, price="100.00")
    order = make_order(
        manager, client=a_client, items=[ItemInput(product=product, quantity=3, discount_amount=Decimal("0.01"))]
    )
    order = _paid(administrator, order)
    assert order.total == Decimal("299.99")
    item = order.items.get()
    services.order_return_register(actor=administrator, order=order, lines=[ReturnInput(item, 1)], reason="Broken")
    order.refresh_from_db()
    assert order.returned_amount == Decimal("100.00")
    assert order.paid_amount == Decimal("199.99")
    assert order.status == OrderStatus.PAID
    with pytest.raises(ValidationFailed):
        services.order_return_register(actor=administrator, order=order, lines=[ReturnInput(item, 3)], reason="x")
    services.order_return_register(actor=administrator, order=order, lines=[ReturnInput(item, 2)], reason="All")
    order.refresh_from_db()
    assert order.returned_amount == order.total
    assert order.paid_amount == Decimal("0.00")
    assert order.status == OrderStatus.RETURNED
    assert events(business, "payment.refunded").count() == 2
    assert actions(order, ActionKind.RETURN).count() == 2


def test_claim_takes_a_queued_order_once(business, manager, colleague, queued_order):
    claimed = services.order_claim(actor=manager, order=queued_order)
    assert claimed.responsible == manager
    before = database_fingerprint()
    with pytest.raises(Conflict):
        services.order_claim(actor=colleague, order=queued_order)
    assert database_fingerprint() == before
    log = actions(queued_order, ActionKind.RESPONSIBLE).get()
    assert (log.before, log.after, log.actor) == ({"responsible": None}, {"responsible": manager.full_name}, manager)
    assert events(business, "order.claimed").count() == 1


def test_administrator_cannot_claim_without_orders_claim_but_reassigns(business, administrator, manager, queued_order):
    with pytest.raises(PermissionDenied):
        services.order_claim(actor=administrator, order=queued_order)
    mail.outbox.clear()
    services.order_reassign(actor=administrator, order=queued_order, responsible=manager)
    queued_order.refresh_from_db()
    assert queued_order.responsible == manager
    assert events(business, "order.reassigned").count() == 1
    assert actions(queued_order, ActionKind.RESPONSIBLE).count() == 1


def test_reassign_without_orders_assign_is_refused_and_changes_nothing(manager, colleague, own_order):
    before = database_fingerprint()
    with pytest.raises(PermissionDenied):
        services.order_reassign(actor=manager, order=own_order, responsible=colleague)
    assert database_fingerprint() == before


def test_reassign_notifies_the_new_responsible(django_capture_on_commit_callbacks, administrator, colleague, own_order):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_reassign(actor=administrator, order=own_order, responsible=colleague)
    assert len(mail.outbox) == 1
    assert f"#{own_order.number}" in mail.outbox[0].subject
    assert "Carla Client" in mail.outbox[0].body  # now theirs: shown in full


def test_writes_to_a_colleagues_order_are_refused_and_change_nothing(manager, colleague_order):
    before = database_fingerprint()
    for attempt in (
        lambda: services.order_update(actor=manager, order=colleague_order, comment="mine now"),
        lambda: services.order_status_change(actor=manager, order=colleague_order, status=OrderStatus.IN_PROGRESS),
        lambda: services.order_task_create(actor=manager, order=colleague_order, title="Call", assignee=manager),
        lambda: services.order_claim(actor=manager, order=colleague_order),
    ):
        with pytest.raises((PermissionDenied, Conflict)):
            attempt()
    assert database_fingerprint() == before


def test_tasks_are_logged_and_reminders_are_sent_once(
    django_capture_on_commit_callbacks, business, manager, colleague, own_order, administrator
):
    due = dt.datetime(2030, 1, 10, 9, 0, tzinfo=dt.UTC)
    task = services.order_task_create(
        actor=manager, order=own_order, title="Call the client", assignee=manager, due_at=due
    )
    # The administrator gives the colleague a task on the manager's order: the colleague's e-mail shows a summary.
    other = services.order_task_create(
        actor=administrator, order=own_order, title="Check stock", assignee=colleague, due_at=due
    )
    mail.outbox.clear()
    with time_machine.travel(due - dt.timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        assert services.order_tasks_remind_due() == 0
    with time_machine.travel(due + dt.timedelta(minutes=1)), django_capture_on_commit_callbacks(execute=True):
        assert services.order_tasks_remind_due() == 2
        assert services.order_tasks_remind_due() == 0
    assert len(mail.outbox) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    mine = by_recipient[manager.person.email]
    assert "Call the client" in mine.subject and "Carla Client" in mine.body
    theirs = by_recipient[colleague.person.email]
    assert f"#{own_order.number}" in theirs.body
    assert "Carla Client" not in theirs.body and "190" not in theirs.body
    services.order_task_set_done(actor=manager, task=task)
    services.order_task_set_done(actor=colleague, task=other)  # the assignee may close their own task
    assert actions(own_order, ActionKind.TASK).count() == 4
    assert OrderTask.objects.for_business(business).filter(is_done=True).count() == 2


def test_a_specialist_has_no_orders(specialist, own_order):
    with pytest.raises(PermissionDenied):
        services.order_update(actor=specialist, order=own_order, comment="x")
    with pytest.raises(PermissionDenied):
        make_order(specialist)


def test_each_change_is_logged_exactly_once(business, administrator, manager, queued_order):
    services.order_claim(actor=manager, order=queued_order)
    services.order_update(actor=manager, order=queued_order, comment="note")
    services.order_status_change(actor=manager, order=queued_order, status=OrderStatus.IN_PROGRESS)
    services.order_task_create(actor=manager, order=queued_order, title="Ship", assignee=manager)
    services.order_reassign(actor=administrator, order=queued_order, responsible=None)
    kinds = list(actions(queued_order).order_by("occurred_at", "id").values_list("kind", flat=True))
    assert kinds == [
        ActionKind.CREATED,
        ActionKind.RESPONSIBLE,
        ActionKind.DETAILS,
        ActionKind.STATUS,
        ActionKind.TASK,
        ActionKind.RESPONSIBLE,
    ]


def test_a_pickup_orders_payment_counts_in_its_branchs_cash_summary(business, administrator, manager, a_client):
    from staffroom.payments.selectors import cash_summary
    from staffroom.scheduling.tests.factories import first_branch

    branch = first_branch(business)
    order = make_order(manager, client=a_client, fulfilment="pickup", pickup_branch=branch)
    link = services.order_payment_take(actor=administrator, order=order, amount=Decimal("50.00"), method="cash")
    day = link.payment.processed_at.astimezone(business.zone).date()
    summary = cash_summary(business, branch, day)
    assert summary["totals"]["taken"] == Decimal("50.00")


def test_a_manager_without_payments_cannot_set_a_unit_price_through_the_service(manager, own_order):
    line = own_order.items.get()
    with pytest.raises(ValidationFailed) as raised:
        services.order_update(
            actor=manager,
            order=own_order,
            items=[ItemInput(product=line.product, quantity=1, unit_price=Decimal("1.00"))],
        )
    assert "items.0.unit_price" in raised.value.errors
    own_order.refresh_from_db()
    assert own_order.items.get().unit_price == line.unit_price


def test_an_administrator_sets_a_unit_price_and_the_totals_follow(administrator, own_order):
    line = own_order.items.get()
    services.order_update(
        actor=administrator,
        order=own_order,
        items=[ItemInput(product=line.product, quantity=2, unit_price=Decimal("30.00"))],
    )
    own_order.refresh_from_db()
    assert own_order.items.get().unit_price == Decimal("30.00")
    assert own_order.gross_amount == Decimal("60.00")
