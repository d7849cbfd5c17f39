"""Serving: an authenticated API read under gunicorn (production settings, 2 workers) against a hello-world view
on the same server.

The API read is a day's appointments of a branch (`GET /api/v1/appointments?…`) with a personal token, as an
integration would poll it. Both are requested by the same 8 client threads, each request on its own connection
(gunicorn's sync workers close it). ratio = API time / hello-world time for the same number of requests; the
target (issue "running it for real") is at least 0.6 of the hello world's requests per second, a ratio of 1.67.
"""

import datetime as dt
import http.client
import tempfile
import threading
import time
import urllib.parse
from decimal import Decimal
from pathlib import Path

REQUESTS = 400
CLIENT_THREADS = 8
REPEATS = 3
LIMIT = 1 / 0.6


def _load(port: int, path: str, headers: dict) -> float:
    """Seconds for REQUESTS GETs of `path` from CLIENT_THREADS threads; every answer must be 200."""
    failures = []

    def client(count):
        for _ in range(count):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                failures.append(response.status)

    threads = [threading.Thread(target=client, args=(REQUESTS // CLIENT_THREADS,)) for _ in range(CLIENT_THREADS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    assert not failures, failures[:5]
    return elapsed


def run(report):
    from staffroom.identity.services import api_token_create
    from staffroom.runtime.testing import gunicorn_server
    from staffroom.scheduling.models import Appointment
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.tenancy.models import Branch

    business = make_business(name="Gunicorn Bench", time_zone="Europe/Moscow")
    branch = Branch.objects.for_business(business).order_by("name").first()
    specialists = [make_employee(business, "specialist", provides_services=True) for _ in range(10)]
    from staffroom.clients.models import Client

    client = Client.objects.create(business=business, full_name="Bench Client", search_text="bench client")
    day = dt.date(2026, 12, 7)
    rows = []
    for number, specialist in enumerate(specialists * 4):
        starts_at = dt.datetime.combine(day, dt.time(9 + number // 10), tzinfo=business.zone)
        rows.append(
            Appointment(
                business=business,
                branch=branch,
                specialist=specialist,
                client=client,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=50),
                created_by=business.owner,
                price=Decimal("1000"),
                total=Decimal("1000"),
            )
        )
    Appointment.objects.bulk_create(rows)
    _token, plain = api_token_create(actor=business.owner, name="bench")
    query = urllib.parse.urlencode({"branch_id": branch.pk, "date_from": day.isoformat()})
    api_path = f"/api/v1/appointments?{query}"
    headers = {"Authorization": f"Bearer {plain}"}

    with (
        tempfile.TemporaryDirectory() as directory,
        gunicorn_server(Path(directory), workers=2, settings_module="bench.production_settings") as base,
    ):
        port = int(base.rsplit(":", 1)[1])
        _load(port, "/bench/hello/", {})  # warm both paths (imports, connections) before timing
        _load(port, api_path, headers)
        hello_times, api_times = [], []
        for _ in range(REPEATS):
            hello_times.append(_load(port, "/bench/hello/", {}))
            api_times.append(_load(port, api_path, headers))
    hello, api = sorted(hello_times)[REPEATS // 2], sorted(api_times)[REPEATS // 2]
    print(
        f"  hello world {REQUESTS / hello:.0f} req/s, API read {REQUESTS / api:.0f} req/s "
        f"(medians of {REPEATS}; spread hello {min(hello_times):.2f}-{max(hello_times):.2f}s, "
        f"API {min(api_times):.2f}-{max(api_times):.2f}s)"
    )
    report(f"authenticated API read vs hello world under gunicorn (2 workers), {REQUESTS} requests", api, hello, LIMIT)
