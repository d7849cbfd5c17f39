"""Tables of the sales report, KPI and payroll as CSV and XLSX bytes (the caller logs the export; the response or the
background job is staffroom.exports')."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook


def csv_safe(value):
    """Text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(cell) for cell in header])
    for row in rows:
        writer.writerow(["" if cell is None else csv_safe(cell) for cell in row])
    return buffer.getvalue().encode("utf-8-sig")


# Cells keep their type (numbers, dates) so a spreadsheet can sum and sort them; the viewer's locale displays them.
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _xlsx_cell(value):
    """Excel has no time zones: a moment is written as the wall-clock time of the active (business) zone."""
    if isinstance(value, str):
        return csv_safe(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def table_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(cell) for cell in header])
    for row in rows:
        # openpyxl writes a Decimal as its exact decimal text: money never passes through float here.
        sheet.append([_xlsx_cell(cell) for cell in row])
        for cell, value in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(value, Decimal):
                cell.number_format = MONEY_FORMAT
            elif isinstance(value, dt.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    for column in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column)
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
