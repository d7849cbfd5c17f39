"""billing_run over many businesses due for renewal, against one SQL aggregate plus a bulk copy of as many invoices.

`BENCH_BILLING_BUSINESSES` sets the number of businesses (default 100 000). The baseline is the least any
renewal run must do: read the due rows once (a GROUP BY over the subscriptions) and write one invoice row each
(COPY on PostgreSQL, one batched INSERT on SQLite). billing_run also locks the subscriptions, checks for paid and
void invoices, numbers the invoices, appends a security event to each business's hash chain and records an e-mail
notice per invoice and per renewal reminder, in batches of 1 000 subscriptions (one transaction each).

The notices' e-mails are composed and sent by workers after each batch commits (one task per batch); here the task
is only queued, as a broker would take it, so the comparison is the run itself and not PDF rendering.
"""

import datetime
import os
import time
from decimal import Decimal

from django.db import connection, transaction

# The target (issue #20): at most 3× the aggregate + COPY. Each batch of 1 000 costs a fixed 14 statements.
LIMIT = 3.0
BATCH = 5000


def _populate(count: int, paid_until: datetime.date):
    from staffroom.billing.models import Plan, Subscription
    from staffroom.tenancy.models import Business

    plan = Plan.objects.create(
        code="bench",
        name="Bench",
        currency="RUB",
        base_price=Decimal("1990"),
        free_seats=2,
        seat_price=Decimal("380"),
        discount_3=Decimal(5),
        discount_6=Decimal(10),
        discount_12=Decimal(15),
    )
    for offset in range(0, count, BATCH):
        size = min(BATCH, count - offset)
        businesses = Business.objects.bulk_create(
            [
                Business(name=f"Bench {offset + index}", time_zone="Europe/Moscow", currency="RUB")
                for index in range(size)
            ]
        )
        if businesses[0].pk is None:  # backends that do not return ids from bulk inserts
            businesses = list(Business.objects.order_by("-pk")[:size])[::-1]
        start = paid_until - datetime.timedelta(days=31)
        Subscription.objects.bulk_create(
            [
                Subscription(
                    business=business,
                    plan=plan,
                    term_months=1,
                    status="active",
                    term_start=start,
                    paid_until=paid_until,
                    billable_count=index % 9,
                    ledger_version=2,
                    ledger_value=str(31 * (1990 + 380 * max(0, index % 9 - 2))),
                    ledger_since=start,
                    ledger_monthly_price=str(1990 + 380 * max(0, index % 9 - 2)),
                )
                for index, business in enumerate(businesses)
            ]
        )
    return plan


def _baseline(count: int, run_date: datetime.date, paid_until: datetime.date, plan_id: int) -> float:
    """One aggregate over the due subscriptions, then as many invoice rows written in bulk."""
    columns = (
        "business_id, subscription_id, number, kind, plan_id, term_start, term_end, term_months, billable_count, "
        "paid_seats, base_price, seat_price, discount_percent, base_line, seats_line, total, currency, status, "
        "issued_on, payment_method, payment_reference, paid_by_label, is_applied, created_at, updated_at"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE TEMP TABLE bench_invoice (LIKE billing_invoice INCLUDING DEFAULTS INCLUDING IDENTITY)"
            )
        else:
            cursor.execute("CREATE TEMP TABLE bench_invoice AS SELECT * FROM billing_invoice WHERE 0")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, count(*), sum(billable_count) FROM billing_subscription "
            "WHERE paid_until <= %s AND status <> 'read_only' GROUP BY status",
            [run_date + datetime.timedelta(days=7)],
        )
        cursor.fetchall()
        cursor.execute("SELECT id, business_id, billable_count FROM billing_subscription ORDER BY id")
        due = cursor.fetchall()
        now = datetime.datetime.now(datetime.UTC)
        term_end = paid_until + datetime.timedelta(days=28)
        rows = [
            (
                business_id,
                subscription_id,
                f"B-{subscription_id:07d}",
                "renewal",
                plan_id,
                paid_until,
                term_end,
                1,
                billable,
                max(0, billable - 2),
                Decimal("1990"),
                Decimal("380"),
                Decimal(0),
                Decimal("1990.00"),
                Decimal(380 * max(0, billable - 2)),
                Decimal(1990 + 380 * max(0, billable - 2)),
                "RUB",
                "issued",
                run_date,
                "",
                "",
                "",
                False,
                now,
                now,
            )
            for subscription_id, business_id, billable in due
        ]
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY bench_invoice ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(f"INSERT INTO bench_invoice ({columns}) VALUES ({placeholders})", rows)
    elapsed = time.perf_counter() - started
    assert len(rows) == count
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_invoice")
    return elapsed


def run(report):
    from unittest import mock

    from staffroom.billing.models import BillingNotice, Invoice
    from staffroom.billing.notifications import notices_send_task
    from staffroom.billing.services import billing_run

    count = int(os.environ.get("BENCH_BILLING_BUSINESSES", "100000"))
    run_date = datetime.date(2026, 6, 25)
    paid_until = datetime.date(2026, 7, 1)
    plan = _populate(count, paid_until)
    baseline = _baseline(count, run_date, paid_until, plan.pk)
    with mock.patch.object(notices_send_task, "apply_async") as queued:  # the broker takes the send tasks
        started = time.perf_counter()
        result = billing_run(run_date=run_date)
        measured = time.perf_counter() - started
        again = billing_run(run_date=run_date)  # idempotent: a second run issues nothing
    assert result.invoices_issued == count, result
    assert Invoice.objects.unscoped().count() == count
    assert again.invoices_issued == 0
    queued_notices = sum(len(call.kwargs["args"][0]) for call in queued.call_args_list)
    assert queued_notices == BillingNotice.objects.unscoped().count() == 2 * count  # invoice + renewal reminder
    print(f"   {result.batches_done} batches, {queued.call_count} send tasks queued for {queued_notices} notices")
    report(f"billing_run, {count} businesses due (vs aggregate + bulk copy)", measured, baseline, LIMIT)
