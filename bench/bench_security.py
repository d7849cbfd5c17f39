"""Security log: event ingestion and chain verification, against a plain batched INSERT and a plain SELECT."""

import hashlib
import json

from django.db import transaction

from bench.timing import REPEATS, interleave, repeat
from staffroom.security.chain import ROW_FIELDS, chain_verify
from staffroom.security.models import SecurityEvent
from staffroom.security.services import security_event_record

EVENTS = 2000
# Recording links each event to the one before under a row lock (one INSERT + one UPDATE per event); the
# baseline inserts the same rows in one batch. Verification re-hashes every event; the baseline only reads them.
INGEST_LIMIT = 40.0
BOOKINGS_PER_ROUND = 20
OVERHEAD_ROUNDS = 5
OVERHEAD_LIMIT = 1.25  # no figure in the issue (the billing run spent 40 % in events); first measurement in README
VERIFY_LIMIT = 1.5  # measured 1.26 against read + SHA-256 on PostgreSQL; the issue keeps it within target


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

    ingest_seconds = repeat(ingest)
    template = list(SecurityEvent.objects.unscoped().filter(chain_key="platform").order_by("sequence")[:EVENTS])
    baseline_round = iter(range(REPEATS))

    def baseline_insert():
        chain_key = f"baseline-{next(baseline_round)}"
        rows = [
            SecurityEvent(
                chain_key=chain_key,
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

    baseline_seconds = repeat(baseline_insert, REPEATS)
    report(f"record {EVENTS} chained events vs batched INSERT", ingest_seconds, baseline_seconds, INGEST_LIMIT)

    total = REPEATS * EVENTS
    verify_results = []
    verify_seconds = repeat(lambda: verify_results.append(chain_verify("platform")))
    assert all(result.is_intact and result.events == total for result in verify_results)

    def select_and_hash():
        # The least a verification must do: read every row and hash it once.
        rows = list(
            SecurityEvent.objects.unscoped().filter(chain_key="platform").order_by("sequence").values(*ROW_FIELDS)
        )
        for row in rows:
            hashlib.sha256(json.dumps(row, sort_keys=True, default=str).encode()).hexdigest()
        assert len(rows) == total

    select_seconds = repeat(select_and_hash)
    report(
        f"verify a chain of {total} events vs SELECT + SHA-256 of each row",
        verify_seconds,
        select_seconds,
        VERIFY_LIMIT,
    )
    bench_event_overhead(report)
    run_log_pages(report)


def run_log_pages(report) -> None:
    """The Security section's pages at scale: each filtered page vs a bare newest-50 SELECT on the same table."""
    import datetime as dt
    import os

    from django.db import connection
    from django.utils import timezone

    from staffroom.security.selectors import EventFilters, events_page
    from staffroom.staff.services import business_onboard

    size = int(os.environ.get("BENCH_SECURITY_EVENTS", "100000"))
    business = business_onboard(
        name="Bench Log",
        time_zone="Europe/Moscow",
        currency="RUB",
        owner_email="bench-log@example.test",
        owner_name="B",
    )
    owner = business.owner
    start = timezone.now() - dt.timedelta(days=365)
    types = ["sign_in.succeeded", "employee.updated", "appointment.created", "payment.processed", "order.claimed"]
    batch = []
    for number in range(1, size + 1):
        batch.append(
            SecurityEvent(
                business=business,
                chain_key=f"bench-{business.pk}",
                sequence=number,
                occurred_at=start + dt.timedelta(seconds=number * 30),
                event_type=types[number % len(types)],
                actor_id=owner.pk if number % 100 == 0 else None,
                object_label=f"object {number}",
                previous_hash="0" * 64,
                hash="0" * 64,
            )
        )
        if len(batch) == 5000:
            SecurityEvent.objects.bulk_create(batch)
            batch = []
    if batch:
        SecurityEvent.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE security_securityevent")
    repeats = 20
    middle = (start + dt.timedelta(seconds=size * 15)).astimezone(business.zone).date()

    def baseline():
        for _ in range(repeats):
            list(SecurityEvent.objects.unscoped().filter(business=business).order_by("-id")[:50])

    baseline_seconds = repeat(baseline)
    cases = {
        "no filter": EventFilters(),
        "event type": EventFilters(event_type="payment.processed"),
        "employee": EventFilters(employee_id=owner.pk),
        "one day in the middle": EventFilters(date_from=middle, date_to=middle),
    }
    for name, filters in cases.items():

        def page(filters=filters):
            for _ in range(repeats):
                rows, before = events_page(business, filters)
                older, _next = events_page(business, filters, before_sequence=before)
                assert rows and older

        report(f"log page at {size} events, {name} (2 pages) vs newest-50 SELECT", repeat(page), baseline_seconds, 12.0)


def bench_event_overhead(report) -> None:
    """What the security event costs inside a request: bookings over the API with the event recorded, against the
    same bookings with the recorder replaced by a no-op (interleaved rounds of BOOKINGS_PER_ROUND each)."""
    import datetime as dt
    import json
    from decimal import Decimal
    from unittest import mock

    from django.test import Client

    from staffroom.catalog.models import Service, SpecialistService
    from staffroom.clients.models import Client as SalonClient
    from staffroom.identity.services import api_token_create
    from staffroom.scheduling import services as scheduling_services
    from staffroom.scheduling.models import WorkingHours
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.tenancy.models import Branch

    business = make_business(name="Bench Event Overhead", time_zone="Europe/Moscow")
    branch = Branch.objects.for_business(business).order_by("name").first()
    specialist = make_employee(business, "specialist", provides_services=True)
    service = Service.objects.create(business=business, name="Cut", duration_minutes=30, price=Decimal("1000"))
    SpecialistService.objects.create(business=business, service=service, specialist=specialist)
    WorkingHours.objects.bulk_create(
        WorkingHours(
            business=business,
            specialist=specialist,
            branch=branch,
            weekday=day,
            starts_at=dt.time(0),
            ends_at=dt.time(23, 30),
        )
        for day in range(7)
    )
    client = SalonClient.objects.create(business=business, full_name="Bench Client")
    _token, plain = api_token_create(actor=business.owner, name="bench")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}")
    first = dt.datetime.now(business.zone).date() + dt.timedelta(days=1)
    slots = (
        dt.datetime.combine(
            first + dt.timedelta(days=n // 40), dt.time(n % 40 // 2, 30 * (n % 2)), tzinfo=business.zone
        )
        for n in range(10_000)
    )

    def bookings():
        for _ in range(BOOKINGS_PER_ROUND):
            body = {
                "client_id": client.pk,
                "specialist_id": specialist.pk,
                "branch_id": branch.pk,
                "service_ids": [service.pk],
                "starts_at": next(slots).isoformat(),
            }
            response = api.post("/api/v1/appointments", json.dumps(body), content_type="application/json")
            assert response.status_code == 201, response.content

    def without_event():
        with mock.patch.object(scheduling_services, "security_event_record", lambda **kwargs: None):
            bookings()

    bookings()  # warm
    with_event, without = interleave(bookings, without_event, OVERHEAD_ROUNDS)
    report(
        f"{BOOKINGS_PER_ROUND} bookings over the API with the security event vs without",
        with_event,
        without,
        OVERHEAD_LIMIT,
    )
