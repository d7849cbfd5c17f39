"""Request history: every authenticated request, buffered and written after the response in batches."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import RequestRecord

_lock = threading.Lock()
_buffer: list[RequestRecord] = []
_last_flush = time.monotonic()


def batch_size() -> int:
    return max(1, getattr(settings, "REQUEST_HISTORY_BATCH_SIZE", 50))


def retention_days() -> int:
    return getattr(settings, "REQUEST_HISTORY_RETENTION_DAYS", 90)


def request_record(*, employee, method: str, path: str, status: int, ip_address: str | None, duration_ms: int) -> bool:
    """Queue one record; True when the queue is due to be written (the caller flushes after the response)."""
    record = RequestRecord(
        business_id=employee.business_id,
        employee_id=employee.pk,
        occurred_at=timezone.now(),
        method=method[:8],
        path=path[:300],
        status=status,
        ip_address=ip_address,
        duration_ms=max(0, duration_ms),
    )
    with _lock:
        _buffer.append(record)
        return len(_buffer) >= batch_size() or time.monotonic() - _last_flush > 5


def request_history_flush() -> int:
    global _last_flush
    with _lock:
        pending = _buffer[:]
        _buffer.clear()
        _last_flush = time.monotonic()
    if pending:
        RequestRecord.objects.bulk_create(pending)
    return len(pending)


def request_history_purge(*, now=None) -> int:
    """Delete records older than the retention period (all businesses: a platform maintenance job)."""
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    deleted, _ = RequestRecord.objects.unscoped().filter(occurred_at__lt=cutoff).delete()
    return deleted


def request_history_of(business, employee):
    return RequestRecord.objects.for_business(business).filter(employee=employee).order_by("-occurred_at", "-id")
