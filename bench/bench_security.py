"""Security log: event ingestion and chain verification, against a plain batched INSERT and a plain SELECT."""

import time

from django.db import transaction

from staffroom.security.chain import ROW_FIELDS, chain_verify
from staffroom.security.models import SecurityEvent
from staffroom.security.services import security_event_record

EVENTS = 2000
# Recording links each event to the one before under a row lock (one INSERT + one UPDATE per event); the
# baseline inserts the same rows in one batch. Verification re-hashes every event; the baseline only reads them.
INGEST_LIMIT = 40.0
VERIFY_LIMIT = 8.0


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def run(report) -> None:
    def ingest():
        with transaction.atomic():
            for number in range(EVENTS):
                security_event_record(
                    event_type="bench.recorded",
                    target_label=f"object {number}",
                    before={"status": "active"},
                    after={"status": "blocked", "number": number},
                )

    ingest_seconds = _timed(ingest)
    template = list(SecurityEvent.objects.unscoped().filter(chain_key="platform").order_by("sequence"))

    def baseline_insert():
        rows = [
            SecurityEvent(
                chain_key="baseline",
                sequence=event.sequence,
                occurred_at=event.occurred_at,
                event_type=event.event_type,
                outcome=event.outcome,
                object_label=event.object_label,
                before=event.before,
                after=event.after,
                previous_hash=event.previous_hash,
                hash=event.hash,
            )
            for event in template
        ]
        with transaction.atomic():
            SecurityEvent.objects.bulk_create(rows, batch_size=500)

    baseline_seconds = _timed(baseline_insert)
    report(f"record {EVENTS} chained events vs batched INSERT", ingest_seconds, baseline_seconds, INGEST_LIMIT)

    verify_results = []
    verify_seconds = _timed(lambda: verify_results.append(chain_verify("platform")))
    assert verify_results[0].is_intact and verify_results[0].events == EVENTS

    def plain_select():
        rows = list(
            SecurityEvent.objects.unscoped().filter(chain_key="platform").order_by("sequence").values(*ROW_FIELDS)
        )
        assert len(rows) == EVENTS

    select_seconds = _timed(plain_select)
    report(f"verify a chain of {EVENTS} events vs plain SELECT", verify_seconds, select_seconds, VERIFY_LIMIT)
