"""XLSX cells are typed: money as numbers, business dates as dates, moments as the business's wall-clock time."""

import datetime as dt
import io
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from staffroom.reports.exports import table_xlsx


def test_numbers_dates_and_moments_are_typed_cells():
    late = dt.datetime(2026, 1, 31, 21, 1, tzinfo=dt.UTC)  # 00:01 on Feb 1 in Moscow
    rows = [["=cmd", Decimal("-40000.50"), 7, dt.date(2028, 2, 29), late]]
    with timezone.override("Europe/Moscow"):
        content = table_xlsx("Sales", ["Name", "Amount", "Visits", "Day", "At"], rows)
    sheet = load_workbook(io.BytesIO(content)).active
    name, amount, visits, day, moment = (cell for cell in sheet[2])
    assert name.value == "'=cmd"
    assert amount.data_type == "n" and amount.value == -40000.5 and amount.number_format == "#,##0.00"
    assert visits.data_type == "n" and visits.value == 7
    assert day.is_date and day.value.date() == dt.date(2028, 2, 29) and day.number_format == "yyyy-mm-dd"
    assert moment.is_date and moment.value == dt.datetime(2026, 2, 1, 0, 1)
    assert moment.number_format == "yyyy-mm-dd hh:mm"
