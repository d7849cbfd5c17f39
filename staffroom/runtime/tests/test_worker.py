"""A real Celery worker on a real Redis broker runs every periodic task and the e-mail task, with their effects.

The test starts its own redis-server on a free port (so it never touches another program's data); where the
binary is missing it uses REDIS_TEST_URL. The worker runs in a thread of this process, so it shares the test
database (committed data: `transactional_db`) and the in-memory mailbox. It runs on PostgreSQL (CI's second pass):
SQLite's shared in-memory test database locks whole tables across threads, which production never sees.

The tests clean up after themselves: every result is read and forgotten while Redis still answers (an AsyncResult
left for the garbage collector would try to reach a stopped Redis from `__del__`), and the worker thread closes its
database connection after each task (an open one would keep PostgreSQL from dropping the test database).
"""

import datetime as dt
import gc
import os
import shutil
import socket
import subprocess
import threading
import time
import zoneinfo
from unittest import mock

import pytest
import redis
from celery import signals
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import connections
from django.test import override_settings
from django.utils import timezone

from config.celery import app
from staffroom.runtime.models import OutboundEmail, PeriodicJob
from staffroom.runtime.tasks import email_after_commit

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]
RESULT_TIMEOUT = 120


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
        redis.Redis.from_url(url).ping()  # fails the test clearly when there is no Redis at all
        yield url
        return
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - a fixed local binary with our own arguments
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _attempt in range(100):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)  # waiting for the server to listen, not a timing assertion
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _forget_connections():
    """The app caches its result backend and producer pool; after a configuration change they are made anew."""
    app._backend_cache = None
    app._local = threading.local()
    app._pool = None
    app.amqp._producer_pool = None


def _close_worker_database_connections(**_kwargs):
    """After each task on the worker's thread: its database connection is closed, not left to the thread's end."""
    if threading.current_thread() is not threading.main_thread():
        connections.close_all()


@pytest.fixture
def worker(redis_url):
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    _forget_connections()
    signals.task_postrun.connect(_close_worker_database_connections, weak=False, dispatch_uid="worker-test-db")
    try:
        with (
            override_settings(CELERY_BROKER_URL=redis_url),
            start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as running,
        ):
            yield running
    finally:
        signals.task_postrun.disconnect(dispatch_uid="worker-test-db")
        # Results the test dropped (tasks enqueued after commit) are collected now, while Redis still answers.
        gc.collect()
        consumer = getattr(app.backend, "result_consumer", None)
        if consumer is not None:
            consumer.stop()
        app.conf.update(**previous)
        _forget_connections()


def _run(task_name: str, **kwargs):
    """Run a task on the worker and return its result; the result is forgotten so nothing of it outlives the test."""
    result = app.send_task(task_name, kwargs=kwargs)
    try:
        return result.get(timeout=RESULT_TIMEOUT)
    finally:
        result.forget()
        del result


def test_every_periodic_task_runs_on_the_worker_with_its_effect(worker, owner, manager, settings, tmp_path):
    from django.core.files.base import ContentFile

    from staffroom.billing.models import Invoice
    from staffroom.billing.tests.factories import make_active_subscription, make_plan
    from staffroom.booking.choices import MessageKind
    from staffroom.booking.models import BookingSettings, ClientMessage
    from staffroom.exports.models import Export, ExportStatus
    from staffroom.orders.services import order_task_create
    from staffroom.orders.tests.factories import make_client, make_order
    from staffroom.scheduling.tests.factories import first_branch, make_appointment
    from staffroom.scheduling.tests.factories import make_client as make_visit_client
    from staffroom.security.models import RequestRecord
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.support.models import SupportPlan, Ticket, TicketStatus, TicketType

    settings.MEDIA_ROOT = str(tmp_path / "media")
    now = timezone.now()
    # Request history: one record past retention, one recent.
    for occurred_at in (now - dt.timedelta(days=400), now - dt.timedelta(days=1)):
        RequestRecord.objects.create(
            business=owner.business,
            employee=owner,
            occurred_at=occurred_at,
            method="GET",
            path="/",
            status=200,
            duration_ms=5,
        )
    # A support ticket whose SLA ran out an hour ago.
    Ticket.objects.create(
        business=owner.business,
        number=1,
        filed_by=owner,
        ticket_type=TicketType.BUG,
        subject="Broken",
        description="-",
        status=TicketStatus.NEW,
        plan=SupportPlan.PAID,
        sla_target="resolution",
        sla_clock_started_at=now - dt.timedelta(hours=9),
        sla_due_at=now - dt.timedelta(hours=1),
    )
    # An order task that became due.
    order = make_order(manager, client=make_client(owner.business, full_name="Carla Client"))
    order_task_create(
        actor=manager, order=order, title="Call back", assignee=manager, due_at=now - dt.timedelta(minutes=1)
    )
    # A business in Vladivostok whose term ends within the renewal notice: its run happens at its local morning.
    east = make_business(name="East Salon", time_zone="Asia/Vladivostok")
    east_zone = zoneinfo.ZoneInfo("Asia/Vladivostok")
    local_today = now.astimezone(east_zone).date()
    make_active_subscription(east, make_plan(), start=local_today - dt.timedelta(days=27), months=1)
    invoices_before = Invoice.objects.for_business(east).count()
    # A client's visit in three hours, at a business that reminds 24 hours ahead.
    booking_business = make_business(name="Booking Salon")
    BookingSettings.objects.create(
        business=booking_business, slug=f"s-{booking_business.pk}-w", reminder_hours_before=24
    )
    visit_branch = first_branch(booking_business)
    visit = make_appointment(
        booking_business,
        specialist=make_employee(booking_business, "specialist"),
        client=make_visit_client(booking_business, accepts_messages=True),
        branch=visit_branch,
        starts_at=now + dt.timedelta(hours=3),
    )
    # An export whose file expired, and one still fresh.
    expired_export, fresh_export = (
        Export.objects.create(
            business=owner.business,
            requested_by=owner,
            kind="clients",
            fmt="csv",
            language="en",
            status=ExportStatus.READY,
            file=ContentFile(b"id\n", name="clients.csv"),
            filename="clients.csv",
            finished_at=now,
            expires_at=expires_at,
        )
        for expires_at in (now - dt.timedelta(hours=1), now + dt.timedelta(days=1))
    )
    # An outbox message sent long ago.
    old = OutboundEmail.objects.create(subject="old", body="b", recipients=["x@example.com"], status="sent")
    OutboundEmail.objects.filter(pk=old.pk).update(sent_at=now - dt.timedelta(days=400))
    mail.outbox.clear()

    assert _run("security.purge_requests") == 1
    assert list(RequestRecord.objects.for_business(owner.business).values_list("occurred_at", flat=True)) == [
        now - dt.timedelta(days=1)
    ]
    assert _run("support.sla_sweep") == 1
    assert Ticket.objects.for_business(owner.business).get().is_breached
    assert _run("orders.task_reminders") == 1
    with override_settings(BILLING_RUN_LOCAL_HOUR=timezone.now().astimezone(east_zone).hour):
        totals = _run("billing.run_local_morning")
    assert totals["zones"] >= 1 and totals["invoices_issued"] >= 1
    assert Invoice.objects.for_business(east).count() == invoices_before + 1
    assert _run("runtime.purge_outbox") == 1
    assert not OutboundEmail.objects.filter(pk=old.pk).exists()
    assert _run("booking.send_reminders") == 1
    assert ClientMessage.objects.for_business(booking_business).get(kind=MessageKind.REMINDER).appointment == visit
    assert _run("exports.purge_expired") == 1
    expired_export.refresh_from_db()
    fresh_export.refresh_from_db()
    assert (expired_export.status, expired_export.file.name) == (ExportStatus.EXPIRED, "")
    assert fresh_export.status == ExportStatus.READY and fresh_export.file.storage.exists(fresh_export.file.name)

    jobs = {job.name: job for job in PeriodicJob.objects.all()}
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(jobs)
    for name in jobs:
        assert (jobs[name].runs, jobs[name].last_outcome, jobs[name].running_since) == (1, "ok", None)
    # The reminder e-mail went through the outbox and the worker, once.
    reminders = [message for message in mail.outbox if "Call back" in message.subject]
    deadline = time.monotonic() + RESULT_TIMEOUT
    while not reminders and time.monotonic() < deadline:  # the e-mail task runs after the reminder task
        time.sleep(0.1)
        reminders = [message for message in mail.outbox if "Call back" in message.subject]
    assert len(reminders) == 1


def test_an_email_whose_first_attempt_fails_is_retried_by_the_worker_and_sent_once(worker):
    real_send = mail.EmailMessage.send
    attempts = []

    def flaky_send(message, *args, **kwargs):
        attempts.append(timezone.now())
        if len(attempts) == 1:
            raise ConnectionError("SMTP went away")
        return real_send(message, *args, **kwargs)

    mail.outbox.clear()
    with mock.patch.object(mail.EmailMessage, "send", flaky_send):
        email = email_after_commit(subject="Invoice issued", body="b", recipients=["owner@example.com"])
        deadline = time.monotonic() + RESULT_TIMEOUT
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.status == OutboundEmail.Status.SENT:
                break
            time.sleep(0.1)
    assert (email.status, email.attempts) == (OutboundEmail.Status.SENT, 2)
    assert len(attempts) == 2 and [message.subject for message in mail.outbox] == ["Invoice issued"]
