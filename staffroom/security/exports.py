"""The security log as CSV (SECURITY.md 24: exporting it is itself an event), for the shared export mechanism."""

from __future__ import annotations

import csv
import datetime as dt

from django.db import transaction
from django.utils import timezone

from staffroom.core.exports import ExportFile

from . import selectors, services
from .labels import event_type_label


def _csv_safe(value) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: such text is exported as text."""
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t") else text


class _Echo:
    def write(self, value):
        return value


def export_rows(business, filters):
    zone = business.zone
    yield [
        "sequence", "time", "event", "event_name", "outcome", "employee", "ip", "device", "object", "before", "after", "hash",
    ]  # fmt: skip
    for event in selectors.events_for_export(business, filters):
        yield [
            _csv_safe(cell)
            for cell in (
                event.sequence,
                event.occurred_at.astimezone(zone).isoformat(timespec="seconds"),
                event.event_type,
                event_type_label(event.event_type),  # the code stays for machines; the name is for people
                event.outcome,
                event.actor_label,
                event.ip_address,
                event.device,
                event.object_label,
                event.before,
                event.after,
                event.hash,
            )
        ]


def _filters(params: dict) -> selectors.EventFilters:
    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return selectors.EventFilters(
        event_type=str(params.get("event_type") or "").strip()[:64],
        employee_id=int(params["employee"]) if params.get("employee") else None,
        branch_id=int(params["branch"]) if params.get("branch") else None,
        date_from=day(params.get("from")),
        date_to=day(params.get("to")),
    )


def security_log_export_count(actor, params: dict) -> int:
    return selectors.events_filtered(actor.business, _filters(params)).count()


@transaction.atomic
def security_log_export_build(actor, params: dict) -> ExportFile:
    """The "security_log" export kind: every matching event, newest first; the export is recorded first."""
    filters = _filters(params)
    services.security_log_read_record(actor=actor, filters=filters.as_dict(), exported=True)
    writer = csv.writer(_Echo())
    lines = [writer.writerow(row) for row in export_rows(actor.business, filters)]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile("".join(lines).encode("utf-8"), "csv", f"security-log-{stamp}", rows=len(lines) - 1)
