"""Pages: my exports (status, download); and the one response every export page gives (the file, or "queued")."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from staffroom.core.errors import NotFound
from staffroom.core.exports import ExportFile, export_kinds
from staffroom.security.reauthentication import reauthentication_required
from staffroom.staff.permissions import EMPLOYEE, permission_required

from . import services


def file_response(built: ExportFile) -> HttpResponse:
    response = HttpResponse(built.content, content_type=built.content_type)
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return response


def export_page_response(request, kind: str, params: dict, *, fmt: str = "csv") -> HttpResponse:
    """What an export page answers: the file when it is small, otherwise a notice and the list of my exports.

    Raises ApplicationError as the service does (the calling page shows it where it always has)."""
    result = services.export_start(actor=request.employee, kind=kind, params=params, fmt=fmt)
    if isinstance(result, ExportFile):
        return file_response(result)
    messages.info(
        request,
        _("Your export is being prepared. It will be listed here, and you will get an e-mail when it is ready."),
    )
    return redirect("exports:list")


@permission_required(EMPLOYEE)
def export_list(request):
    kinds = export_kinds()
    exports = [(export, kinds[export.kind].label) for export in services.exports_visible_to(request.employee)[:100]]
    return render(request, "exports/list.html", {"exports": exports})


@permission_required(EMPLOYEE)
@reauthentication_required
def export_download(request, export_id: int):
    try:
        export = services.export_for_download(employee=request.employee, export_id=export_id)
    except NotFound as error:
        raise Http404 from error
    try:
        handle = export.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=export.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
