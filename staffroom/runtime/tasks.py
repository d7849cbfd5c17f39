"""The one task layer: services enqueue after commit; Celery runs the task (in-process when no broker is set).

Every task of Staffroom is declared with `@background_task` and enqueued with `enqueue(...)`. Tasks are idempotent
and call services; a periodic task also takes its job's overlap lock (`exclusive_run`), so a slow run is never
started twice, whichever worker or beat instance triggers it.
"""

from __future__ import annotations

import base64
import datetime
import functools
import logging
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundEmail, PeriodicJob

logger = logging.getLogger(__name__)

RETRY_OPTIONS = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,  # 1 s, 2 s, 4 s … with jitter
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
    "acks_late": True,  # a worker that dies mid-task leaves it to another worker; tasks are idempotent
}


def background_task(name: str, **options):
    """Declare a task: retried with exponential back-off, acknowledged late, named explicitly (names are an API)."""
    return shared_task(name=name, **{**RETRY_OPTIONS, **options})


def enqueue(task, *args, **kwargs) -> None:
    """Run `task` after the current transaction commits (at once outside one); never inside the request's work."""
    transaction.on_commit(functools.partial(task.apply_async, args=args, kwargs=kwargs), robust=True)


# --- periodic jobs: one run at a time ------------------------------------------------------------------------


@contextmanager
def exclusive_run(name: str, *, stale_after: datetime.timedelta):
    """Claim the job `name` (yields True) unless a run younger than `stale_after` holds it (yields False).

    The claim is one conditional UPDATE, so two schedulers or workers racing for it get exactly one winner on any
    database; a run that died is taken over once it is `stale_after` old.
    """
    started = timezone.now()
    PeriodicJob.objects.get_or_create(name=name)
    claimed = (
        PeriodicJob.objects.filter(name=name)
        .filter(Q(running_since__isnull=True) | Q(running_since__lt=started - stale_after))
        .update(running_since=started, last_started_at=started)
    )
    if not claimed:
        PeriodicJob.objects.filter(name=name).update(skipped_overlaps=F("skipped_overlaps") + 1)
        logger.info("periodic job %s is already running; this run is skipped", name)
        yield False
        return
    clock = time.monotonic()
    outcome, result = PeriodicJob.Outcome.FAILED, ""
    try:
        holder = {"result": ""}
        yield holder
        outcome, result = PeriodicJob.Outcome.OK, str(holder.get("result", ""))[:500]
    finally:
        PeriodicJob.objects.filter(name=name, running_since=started).update(
            running_since=None,
            last_finished_at=timezone.now(),
            last_duration_seconds=time.monotonic() - clock,
            last_outcome=outcome,
            last_result=result,
            runs=F("runs") + 1,
            failures=F("failures") + (1 if outcome == PeriodicJob.Outcome.FAILED else 0),
        )


def periodic_job(name: str, *, stale_after: datetime.timedelta = datetime.timedelta(hours=1), **options):
    """A scheduled task that runs under its overlap lock; its return value is kept as the job's last result."""

    def decorator(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            with exclusive_run(name, stale_after=stale_after) as claim:
                if not claim:
                    return {"skipped": "already running"}
                claim["result"] = function(*args, **kwargs)
                return claim["result"]

        return background_task(name, **options)(run)

    return decorator


def job_progress(name: str, *, done: int, total: int, note: str = "") -> None:
    """Show how far a periodic job's run is (operator console): written at once, outside the caller's batches."""
    PeriodicJob.objects.filter(name=name).update(
        progress_done=done, progress_total=total, progress_note=note[:200], progress_at=timezone.now()
    )


# --- e-mail through the outbox -----------------------------------------------------------------------------


def email_after_commit(
    *,
    subject: str,
    body: str,
    recipients: Sequence[str],
    attachments: Iterable[tuple[str, bytes, str]] = (),
    idempotency_key: str | None = None,
    from_email: str = "",
) -> OutboundEmail | None:
    """Write one e-mail into the outbox in the caller's transaction and send it after commit.

    With an `idempotency_key` the same event announces itself once, however often the caller runs (a repeated
    billing run, a retried request): the second call finds the first message and sends nothing new.
    """
    recipients = [address for address in recipients if address]
    if not recipients:
        return None
    fields = {
        "subject": " ".join(str(subject).split())[:998],  # a header is one line
        "body": str(body),
        "from_email": from_email,
        "recipients": recipients,
        "attachments": [
            {"filename": filename, "content": base64.b64encode(content).decode("ascii"), "mimetype": mimetype}
            for filename, content, mimetype in attachments
        ],
    }
    if idempotency_key is None:
        email = OutboundEmail.objects.create(**fields)
    else:
        try:
            with transaction.atomic():
                email, created = OutboundEmail.objects.get_or_create(idempotency_key=idempotency_key, defaults=fields)
        except IntegrityError:  # a concurrent caller wrote it first
            return OutboundEmail.objects.get(idempotency_key=idempotency_key)
        if not created:
            return email
    enqueue(email_send, email.pk)
    return email


@background_task("runtime.email_send")
def email_send(email_id: int) -> str:
    """Send one outbox message, once: the row is locked while sending and marked sent in the same transaction."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
            if email is None or email.status == OutboundEmail.Status.SENT:
                return "already sent"
            email.as_message().send()
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.attempts = F("attempts") + 1
            email.save(update_fields=["status", "sent_at", "attempts"])
            return "sent"
    except Exception as error:
        OutboundEmail.objects.filter(pk=email_id).exclude(status=OutboundEmail.Status.SENT).update(
            status=OutboundEmail.Status.FAILED, attempts=F("attempts") + 1, last_error=type(error).__name__[:500]
        )
        raise


@periodic_job("runtime.purge_outbox", stale_after=datetime.timedelta(hours=6))
def purge_outbox() -> int:
    """Delete sent e-mails older than OUTBOUND_EMAIL_RETENTION_DAYS (their content may be personal data)."""
    cutoff = timezone.now() - datetime.timedelta(days=settings.OUTBOUND_EMAIL_RETENTION_DAYS)
    deleted, _details = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT, sent_at__lt=cutoff).delete()
    return deleted
