"""The daily run in batches: the same outcome however it is cut (batch size, a crash after any batch, concurrent
runs), each batch one transaction, progress reported per committed batch."""

import datetime

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from staffroom.billing import services
from staffroom.billing.models import BillingNotice, Invoice, InvoiceStatus, NoticeKind, Subscription
from staffroom.core.testing import run_at_once
from staffroom.runtime.models import PeriodicJob
from staffroom.runtime.tasks import exclusive_run
from staffroom.security.chain import chain_verify
from staffroom.security.models import SecurityEvent
from staffroom.staff.tests.factories import make_business

from .factories import make_active_subscription, make_plan, noon_utc

date = datetime.date
RUN_DATE = date(2026, 2, 1)


class Crash(Exception):
    pass


def _businesses_due():
    """Six businesses, each due for something different on RUN_DATE (subscriptions in this order of id)."""
    plan = make_plan()
    paid_ahead, issued_already, moved, *others = [make_business() for _ in range(6)]
    for business, start in (
        (paid_ahead, date(2026, 1, 1)),
        (issued_already, date(2026, 1, 3)),
        (moved, date(2026, 1, 1)),
    ):
        make_active_subscription(business, plan, start=start, months=1)
    with time_machine.travel(noon_utc(date(2026, 1, 27)), tick=False):
        services.billing_run(run_date=date(2026, 1, 27), batch_size=100)
        renewal = Invoice.objects.for_business(paid_ahead).get(kind="renewal")
        services.invoice_mark_paid(invoice=renewal, operator_label="Operator", reference="BANK-9")
    # The renewal of `moved` was issued for Feb 1; then its paid-until date moved (as seat changes move it).
    Subscription.objects.for_business(moved).update(paid_until=date(2026, 2, 8))
    starts = [
        date(2026, 1, 1),  # renewal invoice, then grace (paid until Feb 1)
        date(2026, 1, 5),  # renewal invoice and the renewal reminder (paid until Feb 5)
        date(2025, 12, 10),  # invoice, grace and read-only in one run (paid until Jan 10, 14 grace days)
    ]
    for business, start in zip(others, starts, strict=True):
        make_active_subscription(business, plan, start=start, months=1)
    return [*others, paid_ahead, issued_already, moved]


def _outcome(businesses) -> list:
    """Everything the run decides, per business, without row ids (a rerun after a crash allocates others)."""
    outcome = []
    for business in businesses:
        subscription = Subscription.objects.for_business(business).get()
        invoices = sorted(
            (invoice.kind, invoice.term_start, invoice.term_end, invoice.total, invoice.status, invoice.issued_on)
            for invoice in Invoice.objects.for_business(business)
        )
        for invoice in Invoice.objects.for_business(business):
            assert invoice.number == f"SR-{invoice.issued_on.year}-{invoice.pk:07d}"
        events = [
            (
                event.sequence,
                event.event_type,
                event.object_type,
                {key: value for key, value in (event.after or {}).items() if key not in ("number", "invoices")},
            )
            for event in SecurityEvent.objects.for_business(business).order_by("sequence")
        ]
        notices = sorted(
            (notice.kind, notice.key if notice.invoice_id is None else notice.invoice.term_start.isoformat())
            for notice in BillingNotice.objects.for_business(business).select_related("invoice")
        )
        assert chain_verify(str(business.pk)).is_intact
        outcome.append((subscription.status, subscription.paid_until, invoices, events, notices))
    return outcome


def _run(**options):
    with time_machine.travel(noon_utc(RUN_DATE), tick=False):
        return services.billing_run(run_date=RUN_DATE, **options)


def test_every_kind_of_due_work_is_done_in_one_batch_as_in_batches_of_one(db):
    businesses = _businesses_due()
    with transaction.atomic():
        whole = _run(batch_size=1000)
        expected = _outcome(businesses)
        transaction.set_rollback(True)
    assert (whole.invoices_issued, whole.terms_opened, whole.moved_to_grace, whole.moved_to_read_only) == (4, 1, 2, 1)
    assert whole.batches_done == 1 and whole.subscriptions_done == whole.subscriptions_due == 6
    one_by_one = _run(batch_size=1)
    assert one_by_one.batches_done == 6
    assert _outcome(businesses) == expected
    statuses = [Subscription.objects.for_business(business).get().status for business in businesses]
    assert statuses == ["grace", "active", "read_only", "active", "active", "active"]
    voided = Invoice.objects.for_business(businesses[5]).filter(status=InvoiceStatus.VOID)
    assert voided.count() == 1
    reissued = Invoice.objects.for_business(businesses[5]).get(kind="renewal", status=InvoiceStatus.ISSUED)
    assert reissued.term_start == date(2026, 2, 8)
    notice = BillingNotice.objects.for_business(businesses[0]).get(
        kind=NoticeKind.INVOICE_ISSUED, invoice__kind="renewal"
    )
    assert notice.key == notice.invoice.number
    assert _run(batch_size=2).invoices_issued == 0  # a second run creates nothing


@pytest.mark.parametrize("crash_in", ["events", "notices", "progress"])
@pytest.mark.parametrize("after_batches", [0, 1, 2])
def test_a_crash_after_any_batch_then_a_rerun_gives_the_uninterrupted_outcome(db, monkeypatch, crash_in, after_batches):
    businesses = _businesses_due()
    with transaction.atomic():
        _run(batch_size=2)
        expected = _outcome(businesses)
        transaction.set_rollback(True)
    calls = {"count": 0}

    def crashing(real):
        def wrapper(*args, **kwargs):
            calls["count"] += 1
            if calls["count"] > after_batches:
                raise Crash
            return real(*args, **kwargs)

        return wrapper

    with monkeypatch.context() as patch:
        if crash_in == "events":  # inside batch k + 1, after its invoices are inserted and numbered
            patch.setattr(services, "security_events_record", crashing(services.security_events_record))
        elif crash_in == "notices":  # the last write of batch k + 1
            patch.setattr(services.notifications, "notices_record", crashing(services.notifications.notices_record))
        with pytest.raises(Crash):
            _run(batch_size=2, progress=crashing(lambda report: None) if crash_in == "progress" else None)
    committed = Invoice.objects.unscoped().filter(issued_on=RUN_DATE).count()
    # Only whole batches stayed: batches 1..k (k + 1 too when the crash came after its commit, in `progress`);
    # batch 1 opens a paid term and issues nothing, batches 2 and 3 issue two invoices each.
    assert committed == [0, 0, 2, 4][after_batches + (crash_in == "progress")]
    rerun = _run(batch_size=2)
    assert rerun.subscriptions_done == rerun.subscriptions_due
    assert _outcome(businesses) == expected


def test_the_run_costs_a_fixed_number_of_queries_per_batch_whatever_its_size(db):
    plan = make_plan()
    businesses = [make_business() for _ in range(6)]
    for business in businesses:
        make_active_subscription(business, plan, start=date(2026, 1, 1), months=1)
    counts = {}
    for size in (2, 3, 6):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                report = _run(batch_size=size)
            assert report.invoices_issued == 6
            counts[report.batches_done] = len(queries)
            transaction.set_rollback(True)
    per_batch = counts[2] - counts[1]
    assert counts[3] - counts[2] == per_batch  # the same for batches of 2, 3 and 6 subscriptions
    # Per batch: due ids, lock, paid and open invoices, invoice insert and numbering, status update, chain heads
    # (lock, insert, update) and events, notices (read, insert), and the batch's savepoint.
    assert per_batch <= 14, [query["sql"][:80] for query in queries.captured_queries]


def test_the_periodic_job_shows_the_run_progress_per_batch(db, settings):
    from staffroom.billing import tasks

    plan = make_plan()
    for business in [make_business(time_zone="Asia/Vladivostok") for _ in range(3)]:
        make_active_subscription(business, plan, start=date(2026, 1, 1), months=1)
    seen = []
    real = tasks.job_progress

    def spy(name, **values):
        real(name, **values)
        seen.append(PeriodicJob.objects.get(name=name).progress)

    settings.BILLING_RUN_LOCAL_HOUR = 9
    morning = datetime.datetime(2026, 1, 27, 23, 30, tzinfo=datetime.UTC)  # 09:30 on Jan 28 in Vladivostok
    with time_machine.travel(morning, tick=False):
        with exclusive_run(tasks.JOB_NAME, stale_after=datetime.timedelta(hours=2)):
            pass  # the job row exists, as after any earlier run
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(tasks, "job_progress", spy)
            patch.setattr(tasks, "billing_run", lambda **kwargs: services.billing_run(**kwargs, batch_size=2))
            result = tasks.run_local_morning()
    assert result["invoices_issued"] == 3
    assert seen == ["2 / 3", "3 / 3"]
    job = PeriodicJob.objects.get(name=tasks.JOB_NAME)
    assert job.progress == "3 / 3"
    assert job.progress_note.startswith("Asia/Vladivostok 2026-01-28: batch 2")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_issue_each_invoice_once_without_errors():
    plan = make_plan()
    businesses = [make_business() for _ in range(8)]
    for business in businesses:
        make_active_subscription(business, plan, start=date(2026, 1, 1), months=1)
    with time_machine.travel(noon_utc(date(2026, 1, 28)), tick=True):
        outcomes = run_at_once(4, lambda index: services.billing_run(run_date=date(2026, 1, 28), batch_size=3))
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sum(outcome.invoices_issued for outcome in outcomes) == len(businesses)
    for business in businesses:
        renewal = Invoice.objects.for_business(business).get(kind="renewal")
        assert renewal.term_start == date(2026, 2, 1)
        issued = SecurityEvent.objects.for_business(business).filter(event_type="billing.invoice_issued")
        assert [event.after["number"] for event in issued if event.object_id == str(renewal.pk)] == [renewal.number]
        assert chain_verify(str(business.pk)).is_intact
        kinds = sorted(BillingNotice.objects.for_business(business).values_list("kind", flat=True))
        assert kinds == ["invoice_issued", "invoice_issued", "payment_received", "renewal_coming"]
