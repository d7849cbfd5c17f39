"""Under gunicorn (production settings, 2 workers): 32 simultaneous bookings of one slot, and the free-slot search's
95th-percentile latency over HTTP.

1. 32 clients book the same specialist at the same minute at once (released together by a barrier), three rounds
   on three slots: exactly one booking wins each round, the others get 409, none a 5xx. Reported as the bookings
   made per round against 1 (limit 1.0); a 5xx or a second winner fails the module outright.
2. `GET /api/v1/free-slots` (a 90-minute service, 10 specialists, 7 days, a busy calendar) from 8 client threads:
   its p95 against the p95 of a hello-world view on the same server, rounds of REQUESTS each.
"""

import datetime as dt
import http.client
import json
import statistics
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

BOOKERS = 32
BOOKING_ROUNDS = 3
REQUESTS = 160
CLIENT_THREADS = 8
ROUNDS = 3
P95_LIMIT = 6.0  # no figure in the issue; first measurement noted in bench/README.md


def _send(port: int, method: str, path: str, body: str | None, headers: dict) -> tuple[int, float]:
    began = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status, time.perf_counter() - began


def _together(port: int, bodies: list[str], headers: dict) -> list[int]:
    statuses = []
    start = threading.Barrier(len(bodies))

    def book(body):
        start.wait()
        statuses.append(_send(port, "POST", "/api/v1/appointments", body, headers)[0])

    threads = [threading.Thread(target=book, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def _p95(port: int, path: str, headers: dict) -> float:
    latencies, failures = [], []

    def client(count):
        for _ in range(count):
            status, seconds = _send(port, "GET", path, None, headers)
            latencies.append(seconds)
            if status != 200:
                failures.append(status)

    threads = [threading.Thread(target=client, args=(REQUESTS // CLIENT_THREADS,)) for _ in range(CLIENT_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:5]
    return statistics.quantiles(latencies, n=20)[-1]


def run(report):
    from staffroom.catalog.models import Service, SpecialistService
    from staffroom.clients.models import Client
    from staffroom.identity.services import api_token_create
    from staffroom.runtime.testing import gunicorn_server
    from staffroom.scheduling.models import Appointment, WorkingHours
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.tenancy.models import Branch

    business = make_business(name="HTTP Bench Salon", time_zone="Europe/Moscow")
    branch = Branch.objects.for_business(business).order_by("name").first()
    specialists = [make_employee(business, "specialist", provides_services=True) for _ in range(10)]
    service = Service.objects.create(business=business, name="Colour", duration_minutes=90, price=Decimal("3000"))
    SpecialistService.objects.bulk_create(
        SpecialistService(business=business, service=service, specialist=s) for s in specialists
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(
            business=business, specialist=s, branch=branch, weekday=weekday, starts_at=dt.time(9), ends_at=dt.time(21)
        )
        for s in specialists
        for weekday in range(7)
    )
    clients = [Client.objects.create(business=business, full_name=f"Client {n}") for n in range(BOOKERS)]
    zone = business.zone
    first_day = dt.datetime.now(zone).date() + dt.timedelta(days=1)
    busy = []
    for offset in range(7):
        day = first_day + dt.timedelta(days=offset)
        for number, specialist in enumerate(specialists):
            for hour in (9, 12, 15, 18):
                if (hour + number + offset) % 3 == 0:
                    continue
                starts_at = dt.datetime.combine(day, dt.time(hour), tzinfo=zone)
                busy.append(
                    Appointment(
                        business=business,
                        branch=branch,
                        specialist=specialist,
                        client=clients[0],
                        starts_at=starts_at,
                        ends_at=starts_at + dt.timedelta(minutes=90),
                        created_by=business.owner,
                        price=Decimal("3000"),
                        total=Decimal("3000"),
                    )
                )
    Appointment.objects.bulk_create(busy)
    _token, plain = api_token_create(actor=business.owner, name="bench")
    headers = {"Authorization": f"Bearer {plain}", "Content-Type": "application/json"}
    slots_path = "/api/v1/free-slots?" + urllib.parse.urlencode(
        {"service_id": service.pk, "date_from": first_day.isoformat(), "days": 7, "branch_id": branch.pk}
    )
    winners, outcomes = [], []
    with (
        tempfile.TemporaryDirectory() as directory,
        gunicorn_server(Path(directory), workers=2, settings_module="bench.production_settings") as base,
    ):
        port = int(base.rsplit(":", 1)[1])
        for number in range(BOOKING_ROUNDS):
            slot = dt.datetime.combine(first_day + dt.timedelta(days=8 + number), dt.time(10, 30), tzinfo=zone)
            bodies = [
                json.dumps(
                    {
                        "client_id": client.pk,
                        "specialist_id": specialists[number].pk,
                        "branch_id": branch.pk,
                        "service_ids": [service.pk],
                        "starts_at": slot.isoformat(),
                    }
                )
                for client in clients
            ]
            statuses = _together(port, bodies, headers)
            outcomes.append(sorted(statuses))
            winners.append(statuses.count(201))
        _p95(port, "/bench/hello/", {})  # warm both paths before timing
        _p95(port, slots_path, headers)
        hello, slots = [], []
        for _ in range(ROUNDS):
            hello.append(_p95(port, "/bench/hello/", {}))
            slots.append(_p95(port, slots_path, headers))
    for statuses in outcomes:
        assert all(status < 500 for status in statuses), statuses
        assert statuses.count(201) >= 1 and statuses.count(409) == BOOKERS - statuses.count(201), statuses
    print(f"   simultaneous bookings: winners per round {winners}; statuses {[set(s) for s in outcomes]}")
    print(f"   p95 free slots {statistics.median(slots) * 1000:.0f} ms, hello {statistics.median(hello) * 1000:.0f} ms")
    report(
        f"{BOOKERS} simultaneous bookings of one slot under gunicorn: bookings made", winners, [1.0] * len(winners), 1.0
    )
    report("free slots over HTTP (7 days, 10 specialists), p95 vs hello world p95", slots, hello, P95_LIMIT)
