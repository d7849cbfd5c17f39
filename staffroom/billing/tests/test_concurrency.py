"""Seat changes and renewal runs under real concurrent transactions (PostgreSQL row locks and unique keys)."""

import datetime
import threading

import pytest
from django.db import connection

from staffroom.billing import services
from staffroom.billing.models import Invoice, SeatLedgerEvent, Subscription
from staffroom.staff.services import employee_update
from staffroom.staff.tests.factories import make_employee

from .factories import make_active_subscription, make_plan

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def worker(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(function,)) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_admins_making_employees_billable_at_once_count_both_seats(business, owner, administrator):
    plan = make_plan()
    first = make_employee(business, "accountant")
    second = make_employee(business, "marketer")
    today = services.business_today(business)
    subscription = make_active_subscription(business, plan, start=today, months=1)
    assert subscription.billable_count == 1
    errors = run_together(
        [
            lambda: employee_update(actor=owner, employee=first, provides_services=True),
            lambda: employee_update(actor=owner, employee=second, provides_services=True),
        ]
    )
    assert errors == []
    subscription = Subscription.objects.for_business(business).get()
    assert subscription.billable_count == 3
    changes = SeatLedgerEvent.objects.for_business(business).filter(kind="seats_changed").order_by("version")
    assert [(event.billable_before, event.billable_after) for event in changes] == [(1, 2), (2, 3)]


def test_twenty_concurrent_renewal_runs_issue_one_invoice(business):
    plan = make_plan()
    start = datetime.date(2026, 1, 1)
    make_active_subscription(business, plan, start=start, months=1)
    run_date = datetime.date(2026, 1, 28)
    errors = run_together([lambda: services.billing_run(run_date=run_date) for _ in range(20)])
    assert errors == []
    renewals = Invoice.objects.for_business(business).filter(kind="renewal")
    assert renewals.count() == 1
    assert renewals.get().term_start == datetime.date(2026, 2, 1)


def test_seat_changes_and_renewal_runs_at_once_do_not_deadlock(business, owner):
    import time_machine

    from .factories import noon_utc

    plan = make_plan()
    employees = [make_employee(business, "accountant") for _ in range(4)]
    start = datetime.date(2026, 1, 1)
    make_active_subscription(business, plan, start=start, months=1)
    run_date = datetime.date(2026, 1, 28)
    with time_machine.travel(noon_utc(run_date), tick=True):
        errors = run_together(
            [
                *(
                    (lambda employee=employee: employee_update(actor=owner, employee=employee, provides_services=True))
                    for employee in employees
                ),
                *(lambda: services.billing_run(run_date=run_date) for _ in range(4)),
            ]
        )
    assert errors == []
    subscription = Subscription.objects.for_business(business).get()
    assert subscription.billable_count == 4
    assert Invoice.objects.for_business(business).exclude(status="void").filter(kind="renewal").count() == 1


def test_concurrent_renewal_runs_mail_each_billing_event_once(business):
    from django.core import mail

    from staffroom.billing.models import BillingNotice

    make_active_subscription(business, make_plan(), start=datetime.date(2026, 1, 1), months=1)
    mail.outbox.clear()
    run_date = datetime.date(2026, 1, 28)
    errors = run_together([lambda: services.billing_run(run_date=run_date) for _ in range(8)])
    assert errors == []
    kinds = sorted(BillingNotice.objects.for_business(business).values_list("kind", flat=True))
    assert kinds == ["invoice_issued", "invoice_issued", "payment_received", "renewal_coming"]
    # The run's two events (the renewal invoice, the renewal reminder): one message each.
    assert len(mail.outbox) == 2
