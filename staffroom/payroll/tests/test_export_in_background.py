"""A payroll run's XLSX built by the background task keeps the content and typed cells of the one built in the request."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from staffroom.exports.models import Export, ExportStatus
from staffroom.security.tests.helpers import reauthenticated


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _cells(content: bytes):
    return [
        [(cell.value, cell.data_type, cell.number_format) for cell in row]
        for row in load_workbook(io.BytesIO(content)).active
    ]


def test_the_queued_xlsx_equals_the_one_built_in_the_request(
    settings, business, month, client_for, django_capture_on_commit_callbacks
):
    owner = reauthenticated(client_for(business.owner))
    url = reverse("payroll:run_export", args=[month["run"].pk, "xlsx"])
    settings.EXPORT_BACKGROUND_ROWS = 1000
    inline = owner.get(url)
    assert inline.status_code == 200

    settings.EXPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert owner.get(url).url == reverse("exports:list")
    export = Export.objects.for_business(business).get()
    assert (export.status, export.kind, export.fmt) == (ExportStatus.READY, "payroll_run", "xlsx")
    download = owner.get(reverse("exports:download", args=[export.pk]))
    queued = b"".join(download.streaming_content)
    assert _cells(queued) == _cells(inline.content)
    amount = _cells(queued)[1][6]
    assert amount[1] == "n" and amount[2] == "#,##0.00" and Decimal(str(amount[0])) == month["line"].amount
