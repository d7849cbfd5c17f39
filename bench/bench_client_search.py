"""Client search on 100 000 clients of one business (and as many of another): the search page against
the same hand-written SQL, and against the plainest indexed read of one page of clients by name."""

from django.db import connection

from bench.timing import interleave

CLIENTS_PER_BUSINESS = 100_000
QUERIES = ["anna", "petrov", "916123", "4567", "example.com", "ivan smir", "olga", "zzz-no-match", "+7 916 55", "k@"]
PAGE = 50


def run(report):
    from staffroom.clients.calculations import search_text
    from staffroom.clients.models import Client
    from staffroom.clients.selectors import client_search, clients_for_business
    from staffroom.staff.tests.factories import make_business

    first_names = ["Anna", "Olga", "Ivan", "Petr", "Maria", "Sergey", "Elena", "Dmitry", "Irina", "Pavel"]
    last_names = ["Petrov", "Smirnov", "Ivanov", "Kuznetsov", "Sokolov", "Popov", "Lebedev", "Kozlov"]
    businesses = [make_business(name="Search Salon"), make_business(name="Neighbour Salon")]
    for business in businesses:
        rows = []
        for number in range(CLIENTS_PER_BUSINESS):
            name = f"{first_names[number % 10]} {last_names[number // 10 % 8]}{number % 97}"
            phone = f"+7916{(number * 7919) % 10_000_000:07d}"
            email = f"c{number}@example.com" if number % 3 else ""
            rows.append(
                Client(
                    business=business,
                    full_name=name,
                    phone=phone,
                    email=email,
                    search_text=search_text(full_name=name, phone=phone, email=email),
                )
            )
            if len(rows) == 10_000:
                Client.objects.bulk_create(rows)
                rows = []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
    business = businesses[0]

    def search():
        for query in QUERIES:
            list(client_search(business, query)[:PAGE])

    sql = (
        "SELECT * FROM clients_client WHERE business_id = %s AND is_deleted = %s AND search_text LIKE %s "
        "ORDER BY full_name, id LIMIT %s"
    )

    def raw_sql():
        with connection.cursor() as cursor:
            for query in QUERIES:
                cursor.execute(sql, [business.pk, False, f"%{query.lower()}%", PAGE])
                cursor.fetchall()

    def one_page():
        for _query in QUERIES:
            list(clients_for_business(business).order_by("full_name", "id")[:PAGE])

    search()  # warm the caches of both sides
    searched, raw = interleave(search, raw_sql)
    searched_again, page = interleave(search, one_page)

    report(f"client search, {len(QUERIES)} queries on 100 000 clients vs the same hand-written SQL", searched, raw, 3.0)
    report(
        f"client search, {len(QUERIES)} queries on 100 000 clients vs one indexed page by name",
        searched_again,
        page,
        20.0,
    )
