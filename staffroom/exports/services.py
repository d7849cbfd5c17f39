"""Exports: requested by an employee, built at once when small, otherwise queued and built by a background task.

The permissions of the export kind are checked when the export is requested, again in the task (a person whose
access ended in the meantime gets nothing) and again at download. The builder is the app's own export service, so
the file's content and its security event are the same whichever way the export runs.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from staffroom.core.errors import ApplicationError, NotFound, PermissionDenied, field_error
from staffroom.core.exports import ExportFile, ExportKind, export_kind, export_kinds
from staffroom.runtime.tasks import email_after_commit, enqueue
from staffroom.staff.models import Employee
from staffroom.staff.permissions import has_permission

from .models import Export, ExportStatus

logger = logging.getLogger(__name__)


def may_export(employee, kind: ExportKind) -> bool:
    """The employee may (still) have this export: an active employee with a login that is active, holding every
    permission of the kind."""
    if employee is None or not employee.is_active or employee.person_id is None or not employee.person.is_active:
        return False
    return all(has_permission(employee, perm) for perm in kind.permissions)


def _kind(code: str) -> ExportKind:
    try:
        return export_kind(code)
    except KeyError as error:
        raise NotFound() from error


@transaction.atomic
def export_start(*, actor, kind: str, params: dict, fmt: str = "csv") -> ExportFile | Export:
    """Build the export now when it is small (fewer rows than EXPORT_BACKGROUND_ROWS), else queue it.

    Returns the file, or the queued `Export` (its task runs after this transaction commits)."""
    export_kind_ = _kind(kind)
    if not may_export(actor, export_kind_):
        raise PermissionDenied()
    if fmt not in export_kind_.formats:
        raise field_error("format", _("Choose CSV or XLSX.") if "xlsx" in export_kind_.formats else _("Choose CSV."))
    rows = export_kind_.count(actor, params) if export_kind_.count is not None else 0
    if rows < settings.EXPORT_BACKGROUND_ROWS:
        return export_kind_.build(actor, {**params, "format": fmt})
    export = Export.objects.create(
        business=actor.business,
        requested_by=actor,
        kind=kind,
        fmt=fmt,
        params=params,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    from .tasks import export_build

    enqueue(export_build, export.pk)
    return export


def _recipient_address(employee) -> str:
    if employee.person_id and employee.person.email:
        return employee.person.email
    return employee.email


def _announce(export: Export, actor) -> None:
    address = _recipient_address(actor)
    if not address:
        return
    link = settings.STAFFROOM_PUBLIC_URL.rstrip("/") + reverse("exports:list")
    label = export_kind(export.kind).label
    with translation.override(export.language):
        subject = _("Your export is ready: %(name)s") % {"name": label}
        body = "\n".join(
            [
                _("The export you asked for in %(business)s is ready: %(name)s.")
                % {"business": export.business.name, "name": label},
                _("Download it here (signed in to %(business)s): %(link)s")
                % {"business": export.business.name, "link": link},
                _("The file is deleted after %(days)s days.") % {"days": settings.EXPORT_RETENTION_DAYS},
            ]
        )
    email_after_commit(subject=subject, body=body, recipients=[address], idempotency_key=f"exports.ready.{export.pk}")


def export_run(*, export_id: int, final_attempt: bool = True) -> str:
    """Build a queued export once: its row is locked while it is built; a finished one is left alone.

    A refusal (access ended, invalid parameters) fails the export for good. Any other error is counted and raised
    for the task layer to retry; the last attempt marks the export failed (and the task layer keeps the failure
    for platform staff)."""
    try:
        return _export_run(export_id)
    except Exception as error:
        update = {"attempts": F("attempts") + 1, "error": type(error).__name__[:500]}
        if final_attempt:
            update.update(status=ExportStatus.FAILED, finished_at=timezone.now())
        Export.objects.unscoped().filter(pk=export_id, status=ExportStatus.PENDING).update(**update)
        raise


@transaction.atomic
def _export_run(export_id: int) -> str:
    export = Export.objects.unscoped().select_for_update().filter(pk=export_id).first()
    if export is None:
        return "gone"
    if export.status != ExportStatus.PENDING:
        return f"already {export.status}"
    business = export.business
    actor = Employee.objects.for_business(business).select_related("person", "role").get(pk=export.requested_by_id)
    kind = export_kind(export.kind)
    export.attempts += 1
    try:
        with (
            transaction.atomic(),
            translation.override(export.language),
            timezone.override(business.zone),
        ):
            if not may_export(actor, kind):
                raise PermissionDenied()
            built = kind.build(actor, {**export.params, "format": export.fmt})
    except ApplicationError as error:
        export.status = ExportStatus.FAILED
        export.error = str(error.message)[:500]
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "attempts", "finished_at"])
        return "refused"
    export.file.save(built.filename, ContentFile(built.content), save=False)
    name = export.file.name
    export.filename = built.filename
    export.rows = built.rows
    export.status = ExportStatus.READY
    export.error = ""
    export.finished_at = timezone.now()
    export.expires_at = export.finished_at + dt.timedelta(days=settings.EXPORT_RETENTION_DAYS)
    try:  # should the row not be saved, the file it would point to is removed
        export.save(
            update_fields=["file", "filename", "rows", "status", "error", "attempts", "finished_at", "expires_at"]
        )
        _announce(export, actor)
    except Exception:
        default_storage.delete(name)
        raise
    return "ready"


def exports_visible_to(employee):
    """The exports an employee sees: their own in the current business, for kinds they may still export."""
    codes = [code for code, kind in export_kinds().items() if may_export(employee, kind)]
    return (
        Export.objects.for_business(employee.business)
        .filter(requested_by=employee, kind__in=codes)
        .order_by("-created_at", "-pk")
    )


def export_for_download(*, employee, export_id: int) -> Export:
    """A ready export of this employee in this business that they may still have; anything else is not found."""
    export = exports_visible_to(employee).filter(pk=export_id, status=ExportStatus.READY).first()
    if export is None or not export.file:
        raise NotFound()
    return export


@transaction.atomic
def exports_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the files of exports past their expiry; the rows stay, marked expired (platform job: every business)."""
    now = now or timezone.now()
    expired = list(
        Export.objects.unscoped()
        .select_for_update()
        .filter(status=ExportStatus.READY, expires_at__lt=now)
        .only("pk", "file")
    )
    for export in expired:
        if export.file:
            export.file.delete(save=False)
    Export.objects.unscoped().filter(pk__in=[export.pk for export in expired]).update(
        status=ExportStatus.EXPIRED, file=""
    )
    return len(expired)
