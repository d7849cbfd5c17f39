"""The task layer without a broker: the outbox sends each e-mail once, periodic jobs never overlap, failures are kept."""

import datetime as dt
import logging
from unittest import mock

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.utils import timezone

from config.celery import app
from staffroom.billing.tasks import zones_at_local_hour
from staffroom.runtime.models import OutboundEmail, PeriodicJob, TaskFailure
from staffroom.runtime.tasks import RETRY_OPTIONS, background_task, email_after_commit, email_send, exclusive_run
from staffroom.staff.tests.factories import make_business

pytestmark = pytest.mark.django_db


def test_an_event_announced_twice_sends_one_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_after_commit(
            subject="Invoice 7", body="b", recipients=["owner@example.com"], idempotency_key="i7"
        )
        second = email_after_commit(
            subject="Invoice 7", body="b", recipients=["owner@example.com"], idempotency_key="i7"
        )
    assert first.pk == second.pk
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.com"]
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        email_after_commit(subject="s", body="b", recipients=["a@example.com"])
        raise RuntimeError("the change failed")
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


def test_a_retried_email_task_sends_once(django_capture_on_commit_callbacks):
    """The first attempt fails at the SMTP step; the retry sends; a duplicate delivery afterwards sends nothing."""
    email = OutboundEmail.objects.create(subject="Hello", body="b", recipients=["a@example.com"])
    real_send = mail.EmailMessage.send
    calls = {"n": 0}

    def flaky_send(message, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP went away")
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", flaky_send):
        with pytest.raises(ConnectionError):
            email_send.run(email.pk)
        email.refresh_from_db()
        assert (email.status, email.attempts, len(mail.outbox)) == (OutboundEmail.Status.FAILED, 1, 0)
        assert email_send.run(email.pk) == "sent"
        assert email_send.run(email.pk) == "already sent"
    email.refresh_from_db()
    assert (email.status, email.attempts, len(mail.outbox)) == (OutboundEmail.Status.SENT, 2, 1)
    assert email_send.autoretry_for == (Exception,) and email_send.max_retries == RETRY_OPTIONS["max_retries"]


def test_attachments_travel_through_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_after_commit(
            subject="Visit",
            body="b",
            recipients=["c@example.com"],
            attachments=[("visit.ics", b"BEGIN:VCALENDAR", "text/calendar")],
        )
    assert mail.outbox[0].attachments == [("visit.ics", "BEGIN:VCALENDAR", "text/calendar")]


def test_a_running_job_is_not_started_twice_and_a_dead_run_is_taken_over():
    with exclusive_run("demo.job", stale_after=dt.timedelta(minutes=10)) as first:
        assert first
        with exclusive_run("demo.job", stale_after=dt.timedelta(minutes=10)) as second:
            assert not second
    job = PeriodicJob.objects.get(name="demo.job")
    assert (job.runs, job.failures, job.skipped_overlaps, job.running_since, job.last_outcome) == (1, 0, 1, None, "ok")
    # A run that died an hour ago still holds the row; the next run takes it over.
    PeriodicJob.objects.filter(name="demo.job").update(running_since=timezone.now() - dt.timedelta(hours=1))
    with exclusive_run("demo.job", stale_after=dt.timedelta(minutes=10)) as third:
        assert third
    assert PeriodicJob.objects.get(name="demo.job").runs == 2


def test_a_failing_job_is_recorded_as_failed():
    with pytest.raises(ZeroDivisionError), exclusive_run("demo.failing", stale_after=dt.timedelta(minutes=10)):
        1 / 0  # noqa: B018
    job = PeriodicJob.objects.get(name="demo.failing")
    assert (job.runs, job.failures, job.last_outcome, job.running_since) == (1, 1, "failed", None)


@background_task("runtime_tests.always_fails", max_retries=0)
def always_fails(order_id):
    raise ValueError("the service refused")


def test_a_task_that_fails_for_good_is_kept_for_platform_staff():
    always_fails.apply(args=[42])
    failure = TaskFailure.objects.get()
    assert failure.task_name == "runtime_tests.always_fails"
    assert "ValueError: the service refused" in failure.exception and "42" in failure.arguments


EXPECTED_SCHEDULE = {
    "billing.run_local_morning": crontab(minute=5),
    "support.sla_sweep": crontab(minute="*/5"),
    "orders.task_reminders": crontab(minute="*"),
    "booking.send_reminders": crontab(minute="*/5"),
    "security.purge_requests": crontab(hour=2, minute=30),
    "runtime.purge_outbox": crontab(hour=2, minute=45),
    "exports.purge_expired": crontab(hour=3, minute=0),
}


def test_the_schedule_holds_every_periodic_job_with_its_timing():
    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == EXPECTED_SCHEDULE
    app.loader.import_default_modules()
    assert set(scheduled) <= set(app.tasks)
    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # 20:05 UTC on Dec 1 is 06:05 on Dec 2 in Vladivostok (UTC+10): its run is for its own local date.
        (dt.datetime(2026, 12, 1, 20, 5, tzinfo=dt.UTC), {("Asia/Vladivostok", dt.date(2026, 12, 2))}),
        (dt.datetime(2026, 12, 1, 11, 5, tzinfo=dt.UTC), {("America/New_York", dt.date(2026, 12, 1))}),  # EST, UTC-5
        (dt.datetime(2026, 7, 1, 10, 5, tzinfo=dt.UTC), {("America/New_York", dt.date(2026, 7, 1))}),  # EDT, UTC-4
        (dt.datetime(2026, 12, 1, 13, 5, tzinfo=dt.UTC), set()),
    ],
)
def test_the_billing_run_reaches_each_time_zone_at_its_local_morning(now, expected):
    make_business(name="East", time_zone="Asia/Vladivostok")
    make_business(name="West", time_zone="America/New_York")
    assert set(zones_at_local_hour(now, 6)) == expected


def test_log_records_carry_the_request_and_hide_secrets(client, caplog):
    from staffroom.runtime.logging import RedactSecretsFilter, RequestContextFilter

    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "token=%s password=%s", ("sr_abcdefgh12345", "hunter2"), None
    )
    RedactSecretsFilter().filter(record)
    RequestContextFilter().filter(record)
    assert "hunter2" not in record.getMessage() and "sr_abcdefgh12345" not in record.getMessage()
    assert record.request_id is None and record.business_id is None

    response = client.get("/health/live/", HTTP_X_REQUEST_ID="proxy-given-id-1")
    assert response["X-Request-ID"] == "proxy-given-id-1"
    assert len(client.get("/health/live/", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]) == 32


def test_a_line_django_logs_after_the_response_names_the_business_and_employee_and_no_query(
    business, specialist, client_for, caplog
):
    """django.request logs a refused request after the middleware has left: the ids come from the record's request;
    the JSON line holds them, and not the request's URL with its query string."""
    import json

    from django.conf import settings as django_settings

    from staffroom.runtime.logging import JsonFormatter, RedactSecretsFilter, RequestContextFilter

    page = client_for(specialist)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = page.get("/security/export.csv?token=hunter2secret", HTTP_X_REQUEST_ID="proxy-given-id-2")
    assert response.status_code == 403
    [record] = [record for record in caplog.records if record.name == "django.request"]
    RequestContextFilter().filter(record)
    RedactSecretsFilter().filter(record)
    assert (record.request_id, record.business_id, record.employee_id) == (
        "proxy-given-id-2",
        business.pk,
        specialist.pk,
    )
    formatter_config = django_settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(formatter_config["fmt"], rename_fields=formatter_config["rename_fields"])
    line = formatter.format(record)
    assert "\n" not in line and "hunter2secret" not in line
    fields = json.loads(line)
    assert (fields["request_id"], fields["business_id"], fields["employee_id"]) == (
        "proxy-given-id-2",
        business.pk,
        specialist.pk,
    )
    assert fields["level"] == "WARNING" and fields["status_code"] == 403
