"""Platform-level records of background work: the e-mail outbox, periodic job runs and failed tasks."""

import base64

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundEmail(models.Model):
    """One e-mail to send, written in the same transaction as the change that caused it (an outbox)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # Set when the message belongs to an event that must be announced once (e.g. "invoice 42 issued").
    idempotency_key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    from_email = models.CharField(max_length=320, blank=True)
    recipients = models.JSONField(default=list)
    # [{"filename": ..., "mimetype": ..., "content": base64}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "created_at"], name="runtime_email_status_created")]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.recipients)}"

    def as_message(self) -> EmailMessage:
        message = EmailMessage(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=self.recipients,
        )
        for attachment in self.attachments:
            message.attach(attachment["filename"], base64.b64decode(attachment["content"]), attachment["mimetype"])
        return message


class PeriodicJob(models.Model):
    """One row per scheduled job: who runs it now (the overlap lock) and how its last run went (metrics)."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Succeeded")
        FAILED = "failed", _("Failed")

    name = models.CharField(max_length=100, unique=True)
    running_since = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_seconds = models.FloatField(null=True, blank=True)  # a duration for metrics, never money
    last_outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    last_result = models.CharField(max_length=500, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    skipped_overlaps = models.PositiveIntegerField(default=0)
    # A long run's progress, written after each committed step (e.g. a billing run's batch): done of total.
    progress_done = models.PositiveIntegerField(null=True, blank=True)
    progress_total = models.PositiveIntegerField(null=True, blank=True)
    progress_note = models.CharField(max_length=200, blank=True)
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name

    @property
    def progress(self) -> str:
        """ "done / total" of the run in progress or the last one (empty for jobs that report none)."""
        if self.progress_total is None:
            return ""
        return f"{self.progress_done or 0} / {self.progress_total}"


class TaskFailure(models.Model):
    """A background task that failed for good (after its retries): shown to platform staff."""

    task_name = models.CharField(max_length=200)
    task_id = models.CharField(max_length=100)
    arguments = models.CharField(max_length=1000, blank=True)
    exception = models.CharField(max_length=1000)
    traceback = models.TextField(blank=True)
    failed_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")
        ordering = ["-failed_at"]
        indexes = [models.Index(fields=["resolved", "failed_at"], name="runtime_failure_open")]

    def __str__(self):
        return f"{self.task_name} {self.task_id}"
