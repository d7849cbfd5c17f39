"""Operator console: failed tasks, periodic jobs and the e-mail outbox, for platform staff."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutboundEmail, PeriodicJob, TaskFailure


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    list_display = ("failed_at", "task_name", "exception", "resolved")
    list_filter = ("resolved", "task_name")
    readonly_fields = ("task_name", "task_id", "arguments", "exception", "traceback", "failed_at")
    list_editable = ("resolved",)


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "last_outcome",
        "last_finished_at",
        "last_duration_seconds",
        "runs",
        "failures",
        "progress",
        "progress_note",
    )
    readonly_fields = [field.name for field in PeriodicJob._meta.fields]

    @admin.display(description=_("progress"))
    def progress(self, job: PeriodicJob) -> str:
        return job.progress


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "subject", "status", "attempts", "sent_at")
    list_filter = ("status",)
    search_fields = ("subject",)
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
