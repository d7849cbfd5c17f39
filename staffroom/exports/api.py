"""REST API: my exports (status, download), and the answer every export route gives (the file, or 202 and the job)."""

import datetime as dt

from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from staffroom.core.exports import ExportFile
from staffroom.security.reauthentication import api_reauthentication_required
from staffroom.staff.permissions import EMPLOYEE, api_permission

from . import services
from .models import Export

router = Router(tags=["exports"])


class ExportsExportOut(Schema):
    id: int
    kind: str
    format: str
    status: str
    rows: int | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    download_url: str | None


def export_out(export: Export) -> dict:
    return {
        "id": export.pk,
        "kind": export.kind,
        "format": export.fmt,
        "status": export.status,
        "rows": export.rows,
        "created_at": export.created_at,
        "finished_at": export.finished_at,
        "expires_at": export.expires_at,
        "download_url": (
            reverse("api:export_download", kwargs={"export_id": export.pk}) if export.status == "ready" else None
        ),
    }


def export_api_response(request, kind: str, params: dict, *, fmt: str = "csv"):
    """What an export route answers: 200 and the file when it is small, otherwise 202 and the queued export."""
    result = services.export_start(actor=request.employee, kind=kind, params=params, fmt=fmt)
    if isinstance(result, ExportFile):
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = f'attachment; filename="{result.filename}"'
        return response
    return Status(202, export_out(result))


@router.get("/exports", response=list[ExportsExportOut])
@api_permission(EMPLOYEE)
def export_list(request, limit: int = 50, offset: int = 0):
    """My exports in this business, newest first (only kinds I may still export)."""
    limit, offset = max(1, min(limit, 200)), max(0, offset)
    return [export_out(export) for export in services.exports_visible_to(request.employee)[offset : offset + limit]]


@router.get("/exports/{export_id}", response=ExportsExportOut)
@api_permission(EMPLOYEE)
def export_detail(request, export_id: int):
    export = services.exports_visible_to(request.employee).filter(pk=export_id).first()
    if export is None:
        raise Http404
    return export_out(export)


@router.get("/exports/{export_id}/download", response={200: None}, url_name="export_download")
@api_permission(EMPLOYEE)
@api_reauthentication_required
def export_download(request, export_id: int):
    export = services.export_for_download(employee=request.employee, export_id=export_id)
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
