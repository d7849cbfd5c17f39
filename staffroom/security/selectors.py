"""Reads of the security log: filtered, keyset-paginated (fast at millions of events), and the CSV rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from .models import SecurityEvent

PAGE_SIZE = 50


@dataclass(frozen=True)
class EventFilters:
    event_type: str = ""
    employee_id: int | None = None
    branch_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict:
        return {
            "event_type": self.event_type or None,
            "employee": self.employee_id,
            "branch": self.branch_id,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
        }


def _local_midnight(business, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=business.zone)


def events_filtered(business, filters: EventFilters):
    queryset = SecurityEvent.objects.for_business(business)
    if filters.event_type:
        if filters.event_type.endswith("."):
            queryset = queryset.filter(event_type__startswith=filters.event_type)
        else:
            queryset = queryset.filter(event_type=filters.event_type)
    if filters.employee_id:
        queryset = queryset.filter(
            Q(actor_id=filters.employee_id) | Q(object_type="staff.employee", object_id=str(filters.employee_id))
        )
    if filters.branch_id:
        queryset = queryset.filter(branch_id=filters.branch_id)
    # A period becomes a range of sequence numbers (events are numbered in time order under the chain lock),
    # so every filter walks the (business, …, sequence) indexes newest first and stops after one page.
    if filters.date_from:
        first = _first_sequence_at_or_after(business, _local_midnight(business, filters.date_from))
        queryset = queryset.filter(sequence__gte=first) if first is not None else queryset.none()
    if filters.date_to:
        end = _first_sequence_at_or_after(business, _local_midnight(business, filters.date_to + dt.timedelta(days=1)))
        if end is not None:
            queryset = queryset.filter(sequence__lt=end)
    return queryset.order_by("-sequence")


def _first_sequence_at_or_after(business, moment: dt.datetime) -> int | None:
    return (
        SecurityEvent.objects.for_business(business)
        .filter(occurred_at__gte=moment)
        .order_by("occurred_at")
        .values_list("sequence", flat=True)
        .first()
    )


def events_page(business, filters: EventFilters, *, before_sequence: int | None = None, size: int = PAGE_SIZE):
    """One page, newest first, and the sequence to continue from (None on the last page)."""
    queryset = events_filtered(business, filters)
    if before_sequence:
        queryset = queryset.filter(sequence__lt=before_sequence)
    rows = list(queryset[: size + 1])
    next_before = rows[size - 1].sequence if len(rows) > size else None
    return rows[:size], next_before


def events_for_export(business, filters: EventFilters, *, chunk: int = 2000):
    """Every matching event, newest first, read in keyset chunks (constant memory)."""
    before = None
    while True:
        rows, before = events_page(business, filters, before_sequence=before, size=chunk)
        yield from rows
        if before is None:
            return


# Offered in the filter (prefixes end with "."); other apps' types can still be typed in.
KNOWN_EVENT_TYPES = [
    "sign_in.", "sign_in.succeeded", "sign_in.failed", "sign_in.locked", "sign_in.unlocked", "sign_out",
    "second_factor.", "two_factor.", "session.", "employee.", "employee.blocked", "employee.unblocked", "role.",
    "api_token.", "security_log.", "security.", "business.", "client.", "appointment.", "payment.", "order.",
    "billing.", "export.",
]  # fmt: skip
