"""The day calendar as history grows: the same day (20 specialists, 160 visits) with 10 000, 100 000 and 1 000 000
appointments of earlier days in the business.

Every calendar range query has a lower bound on `starts_at` (`AppointmentQuerySet.overlapping`), so its cost must
follow the day's rows, not the history: ratio = time at the larger history / time at 10 000 rows, limit 1.2 (the
issue's target). Each sample is divided by a fixed-cost request (/health/live/ through the same client) timed right
beside it, so a machine whose load changes between the sizes does not read as growth. Measured: the branch day page over the test client and the calendar API feed for the day, the
median of ROUNDS each. The history is inserted with one INSERT ... SELECT (generate_series on PostgreSQL, a recursive
CTE on SQLite); SQLite stops at 100 000 rows (`BENCH_CALENDAR_MAX` overrides the largest size).
"""

import datetime as dt
import os
from decimal import Decimal

from django.db import connection

from bench.timing import interleave, repeat

SPECIALISTS = 20
VISITS_PER_SPECIALIST = 8  # 160 visits on the measured day, as in the issue
SIZES = (10_000, 100_000, 1_000_000)
ROUNDS = 7
LIMIT = 1.2
DAY = dt.date(2031, 3, 4)


def _history(business, branch, specialists, client, creator, first: int, last: int) -> None:
    """Rows first..last-1 of the history: 160 one-hour visits a day on the days before DAY, no overlap."""
    count = len(specialists)
    per_day = count * VISITS_PER_SPECIALIST
    mapping = " UNION ALL ".join(f"SELECT {index} AS k, {person.pk} AS id" for index, person in enumerate(specialists))
    zone_start = dt.datetime.combine(DAY, dt.time(9), tzinfo=business.zone).astimezone(dt.UTC)
    columns = (
        "business_id, created_at, updated_at, branch_id, specialist_id, client_id, starts_at, ends_at, status,"
        " created_by_id, source, source_site, source_referrer, utm_source, utm_medium, utm_campaign, note, price,"
        " discount_kind, discount_value, discount_amount, total, version, cancellation_reason"
    )
    # Day d before DAY (d = n / per_day + 1), hour slot n / count % visits; every % is doubled for the driver.
    day, slot = f"(seq.n / {per_day} + 1)", f"(seq.n / {count} %% {VISITS_PER_SPECIALIST})"
    if connection.vendor == "postgresql":
        start = f"%s::timestamptz - {day} * interval '1 day' + {slot} * interval '1 hour'"
        end = f"%s::timestamptz - {day} * interval '1 day' + ({slot} + 1) * interval '1 hour'"
        prefix = f"WITH seq(n) AS (SELECT generate_series({first}, {last - 1}))"
        stamp = zone_start
    else:
        start = f"datetime(%s, '-' || {day} || ' days', '+' || {slot} || ' hours')"
        end = f"datetime(%s, '-' || {day} || ' days', '+' || ({slot} + 1) || ' hours')"
        prefix = f"WITH RECURSIVE seq(n) AS (SELECT {first} UNION ALL SELECT n + 1 FROM seq WHERE n < {last - 1})"
        stamp = connection.ops.adapt_datetimefield_value(zone_start)
    now = connection.ops.adapt_datetimefield_value(dt.datetime.now(dt.UTC))
    sql = (
        f"INSERT INTO scheduling_appointment ({columns}) {prefix}"
        f" SELECT %s, %s, %s, %s, m.id, %s, {start}, {end}, 'completed', %s, 'staff', '', '', '', '', '', '',"
        " 1000.00, 'none', 0, 0, 1000.00, 1, ''"
        f" FROM seq JOIN ({mapping}) m ON m.k = seq.n %% {count}"
    )
    params = [business.pk, now, now, branch.pk, client.pk, stamp, stamp, creator.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        cursor.execute("ANALYZE scheduling_appointment" if connection.vendor == "postgresql" else "ANALYZE")


def run(report):
    from django.test import Client

    from conftest import sign_in
    from staffroom.clients.models import Client as SalonClient
    from staffroom.identity.services import api_token_create
    from staffroom.scheduling.models import Appointment, WorkingHours
    from staffroom.staff.tests.factories import make_business, make_employee
    from staffroom.tenancy.models import Branch

    business = make_business(name="Calendar History Salon")
    branch = Branch.objects.for_business(business).order_by("name").first()
    desk = make_employee(business, "administrator", full_name="Desk Admin")
    specialists = [
        make_employee(business, full_name=f"Specialist {number:02d}", provides_services=True)
        for number in range(SPECIALISTS)
    ]
    WorkingHours.objects.bulk_create(
        WorkingHours(
            business=business,
            specialist=person,
            branch=branch,
            weekday=weekday,
            starts_at=dt.time(8),
            ends_at=dt.time(20),
        )
        for person in specialists
        for weekday in range(7)
    )
    client = SalonClient.objects.create(business=business, full_name="Bench Client", search_text="bench client")
    Appointment.objects.bulk_create(
        Appointment(
            business=business,
            branch=branch,
            specialist=person,
            client=client,
            starts_at=dt.datetime.combine(DAY, dt.time(9 + slot), tzinfo=business.zone),
            ends_at=dt.datetime.combine(DAY, dt.time(10 + slot), tzinfo=business.zone),
            created_by=desk,
            price=Decimal("1000"),
            total=Decimal("1000"),
        )
        for person in specialists
        for slot in range(VISITS_PER_SPECIALIST)
    )
    browser = sign_in(Client(HTTP_HOST="127.0.0.1"), desk)
    _token, plain = api_token_create(actor=desk, name="bench")
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}")
    page_path = f"/calendar/?branch={branch.pk}&date={DAY.isoformat()}"
    feed_path = f"/api/v1/appointments?date_from={DAY.isoformat()}&branch_id={branch.pk}"

    def page():
        assert browser.get(page_path).status_code == 200

    def feed():
        response = api.get(feed_path)
        assert response.status_code == 200 and len(response.json()) == SPECIALISTS * VISITS_PER_SPECIALIST

    def floor():
        # A fixed cost through the same client and middleware: each sample is divided by the floor measured beside
        # it, so a machine that gets busier between the history sizes does not read as growth.
        assert browser.get("/health/live/").status_code == 200

    def normalised(work):
        samples = []
        for _ in range(ROUNDS):
            cost, base = interleave(work, floor, 1)
            samples += [c / b for c, b in zip(cost, base, strict=True)]
        return samples

    largest = int(os.environ.get("BENCH_CALENDAR_MAX", 1_000_000 if connection.vendor == "postgresql" else 100_000))
    sizes = [size for size in SIZES if size <= largest]
    samples = {}
    inserted = 0
    for size in sizes:
        _history(business, branch, specialists, client, desk, inserted, size)
        inserted = size
        page()
        feed()  # warm after the insert
        samples[size] = {"page": normalised(page), "feed": normalised(feed)}
        print(f"   {size} rows of history: page {min(repeat(page)) * 1000:.1f} ms (fastest)", flush=True)
    assert Appointment.objects.for_business(business).count() == sizes[-1] + SPECIALISTS * VISITS_PER_SPECIALIST
    smallest = sizes[0]
    for size in sizes[1:]:
        for kind, label in (("page", "branch day page"), ("feed", "calendar API feed")):
            report(
                f"{label}, 160 visits, {size} vs {smallest} rows of history",
                samples[size][kind],
                samples[smallest][kind],
                LIMIT,
            )
