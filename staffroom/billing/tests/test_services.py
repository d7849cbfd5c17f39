"""Subscriptions, the seat ledger hooked into employee changes, invoices, renewals and the daily run."""

import datetime
import itertools
from decimal import Decimal

import pytest
import time_machine

from staffroom.billing import selectors, services
from staffroom.billing.models import (
    Invoice,
    InvoiceStatus,
    LedgerEventKind,
    SeatLedgerEvent,
    Subscription,
    SubscriptionStatus,
)
from staffroom.core.errors import Conflict
from staffroom.core.testing import database_fingerprint
from staffroom.security.models import SecurityEvent
from staffroom.staff.catalogue import Perm
from staffroom.staff.services import employee_block, employee_create, employee_unblock, employee_update, role_update
from staffroom.staff.tests.factories import make_employee, role_of

from .factories import make_active_subscription, make_plan, noon_utc

date = datetime.date
START = date(2026, 1, 1)


@pytest.fixture
def plan(db):
    return make_plan()


@pytest.fixture
def staffed(business, owner, administrator, specialist, accountant):
    """Owner (free), administrator and specialist (billable), accountant (free): 2 billable, 0 paid seats."""
    return business


def subscription_of(business) -> Subscription:
    return Subscription.objects.for_business(business).get()


def test_trial_then_purchase_opens_the_term(staffed, plan):
    subscription = make_active_subscription(staffed, plan, start=START, months=12)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.billable_count == 2
    assert subscription.paid_until == date(2027, 1, 1)
    assert subscription.term_start == START
    kinds = list(SeatLedgerEvent.objects.for_business(staffed).order_by("version").values_list("kind", flat=True))
    assert kinds == [LedgerEventKind.TRIAL_STARTED, LedgerEventKind.PURCHASED]
    invoice = Invoice.objects.for_business(staffed).get()
    assert invoice.status == InvoiceStatus.PAID and invoice.is_applied
    assert invoice.total == Decimal("20298.00")  # 12 × 1990 × 0.85, no paid seats
    assert invoice.number.startswith("SR-2025-")


def test_making_an_employee_billable_shortens_the_paid_until_date(staffed, plan, owner, accountant):
    make_employee(staffed, "specialist", provides_services=True)  # 3 billable: one paid seat
    subscription = make_active_subscription(staffed, plan, start=START, months=12)
    assert subscription.billable_count == 3
    with time_machine.travel(noon_utc(date(2026, 7, 1)), tick=False):
        employee_update(actor=owner, employee=accountant, provides_services=True)
    subscription.refresh_from_db()
    assert subscription.billable_count == 4
    assert subscription.paid_until == date(2026, 12, 7)  # the table test's 12-month shrink, through the hook
    event = SeatLedgerEvent.objects.for_business(staffed).latest("version")
    assert (event.billable_before, event.billable_after) == (3, 4)
    assert event.employee == accountant and event.cause == "employee.updated"
    assert event.effective_date == date(2026, 7, 1)
    assert event.paid_until_before == date(2027, 1, 1)
    assert SecurityEvent.objects.for_business(staffed).filter(event_type="billing.seats_changed").count() == 1


def test_every_kind_of_employee_change_moves_the_count(staffed, plan, owner, specialist, accountant):
    subscription = make_active_subscription(staffed, plan, start=START)
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False):
        employee_block(actor=owner, employee=specialist)
        assert subscription_of(staffed).billable_count == 1
        employee_unblock(actor=owner, employee=specialist)
        assert subscription_of(staffed).billable_count == 2
        employee_update(actor=owner, employee=accountant, role=role_of(staffed, "administrator"))
        assert subscription_of(staffed).billable_count == 3
        employee_create(
            actor=owner, full_name="New Stylist", role=role_of(staffed, "specialist"), provides_services=True
        )
        assert subscription_of(staffed).billable_count == 4
        viewer_role = role_of(staffed, "viewer")
        make_employee(staffed, "viewer")
        make_employee(staffed, "viewer")
        role_update(actor=owner, role=viewer_role, permissions=[*viewer_role.permissions, Perm.PAYMENTS_PROCESS])
        assert subscription_of(staffed).billable_count == 6
    causes = list(SeatLedgerEvent.objects.for_business(staffed).order_by("version").values_list("cause", flat=True))
    assert causes[-5:] == [
        "employee.blocked",
        "employee.unblocked",
        "employee.role_changed",
        "employee.created",
        "role.permissions_changed",
    ]
    # Same-day add and remove left the date where it was.
    events = SeatLedgerEvent.objects.for_business(staffed).order_by("version")
    assert events[2].paid_until_before == events[3].paid_until_after == subscription.paid_until


def test_a_change_that_keeps_the_count_writes_no_ledger_event(staffed, plan, owner, specialist):
    make_active_subscription(staffed, plan, start=START)
    before = SeatLedgerEvent.objects.for_business(staffed).count()
    employee_update(actor=owner, employee=specialist, position="Senior stylist")
    assert SeatLedgerEvent.objects.for_business(staffed).count() == before


def test_without_a_subscription_employee_changes_work_as_before(staffed, owner, accountant):
    employee_update(actor=owner, employee=accountant, provides_services=True)
    assert not Subscription.objects.for_business(staffed).exists()


def test_preview_equals_apply(staffed, plan, owner, accountant, specialist):
    make_active_subscription(staffed, plan, start=START)
    with time_machine.travel(noon_utc(date(2026, 5, 17)), tick=False):
        for proposal, apply in [
            (
                {"employee": accountant, "provides_services": True},
                lambda version: employee_update(
                    actor=owner, employee=accountant, provides_services=True, expected_seat_version=version
                ),
            ),
            (
                {"employee": specialist, "status": "blocked"},
                lambda version: employee_block(actor=owner, employee=specialist, expected_seat_version=version),
            ),
            (
                {"employee": None, "is_new": True, "role": role_of(staffed, "administrator")},
                lambda version: employee_create(
                    actor=owner,
                    full_name="Front desk",
                    role=role_of(staffed, "administrator"),
                    expected_seat_version=version,
                ),
            ),
        ]:
            preview = selectors.seat_preview(staffed, **proposal)
            apply(preview["seat_version"])
            subscription = subscription_of(staffed)
            assert subscription.billable_count == preview["billable_after"]
            assert subscription.paid_through == preview["paid_through_after"]
            assert (
                subscription.plan.price_terms.monthly_price(subscription.billable_count)
                == (preview["monthly_price_after"])
            )


def test_a_stale_preview_is_refused_and_changes_nothing(staffed, plan, owner, accountant, specialist):
    make_active_subscription(staffed, plan, start=START)
    preview = selectors.seat_preview(staffed, employee=accountant, provides_services=True)
    employee_block(actor=owner, employee=specialist)  # someone else's change moves the ledger
    fingerprint = database_fingerprint()
    with pytest.raises(Conflict) as caught:
        employee_update(
            actor=owner, employee=accountant, provides_services=True, expected_seat_version=preview["seat_version"]
        )
    assert caught.value.status_code == 409
    assert database_fingerprint() == fingerprint


def test_role_permission_preview(staffed, plan, owner):
    make_active_subscription(staffed, plan, start=START)
    viewer_role = role_of(staffed, "viewer")
    make_employee(staffed, "viewer")
    preview = selectors.seat_preview(
        staffed, role=viewer_role, role_permissions=[*viewer_role.permissions, Perm.CALENDAR_CREATE_APPOINTMENT]
    )
    assert (preview["billable_before"], preview["billable_after"]) == (2, 3)
    assert preview["monthly_price_after"] == Decimal("2370")


def test_renewal_is_issued_once_and_opens_the_next_term_when_paid(staffed, plan):
    make_active_subscription(staffed, plan, start=START, months=1)
    assert subscription_of(staffed).paid_until == date(2026, 2, 1)
    with time_machine.travel(noon_utc(date(2026, 1, 20)), tick=False):
        assert services.billing_run(run_date=date(2026, 1, 20)).invoices_issued == 0  # not yet due
    for day in (date(2026, 1, 25), date(2026, 1, 26), date(2026, 1, 26)):
        with time_machine.travel(noon_utc(day), tick=False):
            services.billing_run(run_date=day)
    renewal = Invoice.objects.for_business(staffed).get(kind="renewal")
    assert renewal.term_start == date(2026, 2, 1) and renewal.term_end == date(2026, 3, 1)
    with time_machine.travel(noon_utc(date(2026, 1, 28)), tick=False):
        payment = services.invoice_mark_paid(invoice=renewal, operator_label="Operator", reference="BANK-2")
    assert not payment.applied  # the current term still runs
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False):
        report = services.billing_run(run_date=date(2026, 2, 1))
    assert report.terms_opened == 1 and report.moved_to_grace == 0
    subscription = subscription_of(staffed)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.paid_until == date(2026, 3, 1)


def test_unpaid_subscription_goes_to_grace_then_read_only_and_back(staffed, plan):
    make_active_subscription(staffed, plan, start=START, months=1)
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False):
        assert services.billing_run(run_date=date(2026, 2, 1)).moved_to_grace == 1
    assert subscription_of(staffed).status == SubscriptionStatus.GRACE
    with time_machine.travel(noon_utc(date(2026, 2, 14)), tick=False):
        services.billing_run(run_date=date(2026, 2, 14))
    assert subscription_of(staffed).status == SubscriptionStatus.GRACE
    with time_machine.travel(noon_utc(date(2026, 2, 15)), tick=False):
        assert services.billing_run(run_date=date(2026, 2, 15)).moved_to_read_only == 1
        services.billing_run(run_date=date(2026, 2, 15))
    assert subscription_of(staffed).status == SubscriptionStatus.READ_ONLY
    renewal = Invoice.objects.for_business(staffed).get(kind="renewal")
    with time_machine.travel(noon_utc(date(2026, 3, 3)), tick=False):
        payment = services.invoice_mark_paid(invoice=renewal, operator_label="Operator", reference="BANK-3")
    assert payment.applied
    subscription = subscription_of(staffed)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.term_start == date(2026, 3, 3) and subscription.paid_until == date(2026, 4, 3)


def test_seat_change_after_the_renewal_was_issued_reissues_it_for_the_new_start(staffed, plan, owner, accountant):
    make_active_subscription(staffed, plan, start=START, months=1)
    make_employee(staffed, "specialist", provides_services=True)
    services.seats_recount(business=staffed)
    with time_machine.travel(noon_utc(date(2026, 1, 26)), tick=False):
        services.billing_run(run_date=date(2026, 1, 26))
        first = Invoice.objects.for_business(staffed).get(kind="renewal", status="issued")
        employee_update(actor=owner, employee=accountant, provides_services=True)
        services.billing_run(run_date=date(2026, 1, 26))
    first.refresh_from_db()
    subscription = subscription_of(staffed)
    current = Invoice.objects.for_business(staffed).get(kind="renewal", status="issued")
    assert first.status == InvoiceStatus.VOID or first.term_start == subscription.paid_until
    assert current.term_start == subscription.paid_until
    assert current.billable_count == 4


def test_next_term_change_applies_from_the_renewal(staffed, plan, owner):
    business_plan = make_plan("business", base_price="4990", free_seats=5)
    make_active_subscription(staffed, plan, start=START, months=1)
    with time_machine.travel(noon_utc(date(2026, 1, 10)), tick=False):
        services.subscription_change_next_term(actor=owner, plan=business_plan, term_months=3)
    subscription = subscription_of(staffed)
    assert subscription.plan == plan  # this term stays as bought
    with time_machine.travel(noon_utc(date(2026, 1, 26)), tick=False):
        services.billing_run(run_date=date(2026, 1, 26))
    renewal = Invoice.objects.for_business(staffed).get(kind="renewal")
    assert (renewal.plan, renewal.term_months) == (business_plan, 3)
    assert renewal.total == Decimal("14221.50")  # 3 × 4990 × 0.95
    assert SecurityEvent.objects.for_business(staffed).filter(event_type="billing.next_term_changed").exists()


def test_plan_revision_applies_from_the_next_term(staffed, plan):
    make_active_subscription(staffed, plan, start=START, months=1)
    revised = make_plan("standard", base_price="2490", version=2)
    with time_machine.travel(noon_utc(date(2026, 1, 26)), tick=False):
        services.billing_run(run_date=date(2026, 1, 26))
    assert subscription_of(staffed).plan == plan
    assert Invoice.objects.for_business(staffed).get(kind="renewal").plan == revised


@pytest.mark.postgres_only
def test_the_ledger_is_append_only_on_postgresql(staffed, plan):
    from django.db import DatabaseError, transaction

    make_active_subscription(staffed, plan, start=START)
    event = SeatLedgerEvent.objects.for_business(staffed).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        SeatLedgerEvent.objects.for_business(staffed).filter(pk=event.pk).update(billable_after=99)
    with pytest.raises(DatabaseError), transaction.atomic():
        SeatLedgerEvent.objects.for_business(staffed).filter(pk=event.pk).delete()


def test_billing_run_command(staffed, plan):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_active_subscription(staffed, plan, start=START, months=1)
    output = StringIO()
    call_command("billing_run", "--date", "2026-01-26", stdout=output)
    assert "1 invoices issued" in output.getvalue()
    call_command("billing_run", "--date", "2026-01-26", stdout=output)
    assert Invoice.objects.for_business(staffed).filter(kind="renewal").count() == 1
    with pytest.raises(CommandError):
        call_command("billing_run", "--date", "26.01.2026")


def test_a_removed_seat_extends_the_date_unless_the_plan_says_otherwise(staffed, owner, specialist):
    keeps = make_plan("keeps", seat_removal_extends_term=False, free_seats=0)
    subscription = make_active_subscription(staffed, keeps, start=START, months=1)
    with time_machine.travel(noon_utc(date(2026, 1, 11)), tick=False):
        employee_block(actor=owner, employee=specialist)
    after = subscription_of(staffed)
    assert after.billable_count == 1
    assert after.paid_until == subscription.paid_until == date(2026, 2, 1)


def test_buying_during_grace_continues_from_the_old_paid_until(staffed, plan, owner):
    make_active_subscription(staffed, plan, start=START, months=1)
    with time_machine.travel(noon_utc(date(2026, 2, 5)), tick=False):
        services.billing_run(run_date=date(2026, 2, 5))
        assert subscription_of(staffed).status == SubscriptionStatus.GRACE
        invoice = services.subscription_purchase(actor=owner, months=3)
        assert invoice.term_start == date(2026, 2, 1)
        assert not Invoice.objects.for_business(staffed).filter(kind="renewal", status="issued").exists()
        services.invoice_mark_paid(invoice=invoice, operator_label="Operator", reference="BANK-9")
    subscription = subscription_of(staffed)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert (subscription.term_start, subscription.paid_until) == (date(2026, 2, 1), date(2026, 5, 1))


def test_a_renewal_opens_at_the_invoiced_count_then_runs_at_todays(staffed, plan, owner, accountant):
    make_employee(staffed, "specialist", provides_services=True)
    services.seats_recount(business=staffed)
    make_active_subscription(staffed, plan, start=START, months=1)  # 3 billable: one paid seat
    with time_machine.travel(noon_utc(date(2026, 1, 26)), tick=False):
        services.billing_run(run_date=date(2026, 1, 26))
        renewal = Invoice.objects.for_business(staffed).get(kind="renewal")
        services.invoice_mark_paid(invoice=renewal, operator_label="Operator", reference="BANK-5")
    with time_machine.travel(noon_utc(date(2026, 1, 31)), tick=False):
        employee_update(actor=owner, employee=accountant, provides_services=True)  # 4 billable, same day as the end
    with time_machine.travel(noon_utc(date(2026, 2, 1)), tick=False):
        services.billing_run(run_date=date(2026, 2, 1))
    subscription = subscription_of(staffed)
    assert subscription.status == SubscriptionStatus.ACTIVE and subscription.billable_count == 4
    # 28 days of February bought at 2370 a month, run at 2750 from Feb 1: 24.13 days → Feb 26.
    assert subscription.paid_until == date(2026, 2, 26)
    events = list(SeatLedgerEvent.objects.for_business(staffed).order_by("version"))
    assert all(earlier.billable_after == later.billable_before for earlier, later in itertools.pairwise(events))
