"""The manager's order list (50 per page) with 1 000 000 orders in the business: with the visibility rule
(`selectors.orders_list` + `order_view`) against the same page query without it, measured in the same run."""

from __future__ import annotations

import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bench.timing import interleave

ORDER_COUNT = 1_000_000
MANAGERS = 10
PAGE_SIZE = 50
ROUNDS = 25
QUERY_LIMIT = 1.25  # the visibility rule measured 1.01-1.15 on PostgreSQL (issue #20): kept there


def _fill(business, client, managers, creator) -> None:
    """Insert the orders with one SQL statement (a Python loop would take minutes): every 11th is unassigned."""
    now = timezone.now()
    mapping = " UNION ALL ".join(f"SELECT {index} AS k, {manager.pk} AS id" for index, manager in enumerate(managers))
    columns = (
        "business_id, created_at, updated_at, number, client_id, status, responsible_id, created_by_id, fulfilment,"
        " delivery_address, delivery_notes, comment, gross_amount, discount_amount, total, returned_amount,"
        " allowance_amount, paid_amount, item_count, idempotency_key, version"
    )
    select = (
        f"SELECT %s, %s, %s, seq.n, %s, 'new', m.id, %s, 'pickup', '', '', '', 200.00, 10.00, 190.00, 0, 0, 0, 2, '', 1"
        f" FROM seq LEFT JOIN ({mapping}) m ON m.k = seq.n %% {len(managers) + 1}"
    )
    params = [business.pk, now, now, client.pk, creator.pk]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO orders_order ({columns}) WITH seq(n) AS (SELECT generate_series(1, {ORDER_COUNT}))"
                f" {select}"
            )
        else:
            sql = (
                f"INSERT INTO orders_order ({columns}) WITH RECURSIVE seq(n) AS"
                f" (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {ORDER_COUNT}) {select}"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE orders_order")  # a fresh table: give index-only scans their map
        else:
            cursor.execute("ANALYZE")


def _compare(measured_work, baseline_work) -> tuple[list[float], list[float]]:
    """Alternate the two so a busy neighbour slows both alike; the samples of each (the table shows the median)."""
    return interleave(measured_work, baseline_work, ROUNDS)


def run(report) -> None:
    from staffroom.orders.models import Order, OrderNumberCounter
    from staffroom.orders.selectors import order_view, orders_list
    from staffroom.scheduling.tests.factories import make_client
    from staffroom.staff.tests.factories import make_business, make_employee

    business = make_business(name="Bench Orders")
    client = make_client(business)
    managers = [make_employee(business, "manager", full_name=f"Manager {index}") for index in range(MANAGERS)]
    viewer = managers[0]
    started = time.perf_counter()
    _fill(business, client, managers, business.owner)
    OrderNumberCounter.objects.create(business=business, last_number=ORDER_COUNT)
    print(f"   {ORDER_COUNT} orders inserted in {time.perf_counter() - started:.1f}s ({connection.vendor})")

    def plain_queryset(scope):
        queryset = Order.objects.for_business(business).select_related("client", "responsible")
        if scope == "mine":
            queryset = queryset.filter(responsible=viewer)
        return queryset.order_by("-number")

    def plain_row(order) -> dict:
        # The same fields as the full form, without deciding who may see what.
        return {
            "id": order.pk,
            "number": order.number,
            "date": order.created_at.date().isoformat(),
            "status": order.status,
            "responsible": order.responsible.full_name if order.responsible_id else None,
            "item_count": order.item_count,
            "client": {"full_name": order.client.full_name, "phone": order.client.phone},
            "total": order.total,
            "balance": order.total - order.returned_amount - order.paid_amount,
        }

    for scope in ("all", "mine"):
        for page in (1, 200):
            offset = (page - 1) * PAGE_SIZE

            def query_with_rule(scope=scope, offset=offset):
                queryset = orders_list(viewer, scope=scope)
                assert len(list(queryset[offset : offset + PAGE_SIZE])) == PAGE_SIZE and queryset.count() > 0

            def query_without_rule(scope=scope, offset=offset):
                queryset = plain_queryset(scope)
                assert len(list(queryset[offset : offset + PAGE_SIZE])) == PAGE_SIZE and queryset.count() > 0

            query_with_rule()
            query_without_rule()
            measured, baseline = _compare(query_with_rule, query_without_rule)
            report(f"orders query '{scope}' page {page} (50 rows + count)", measured, baseline, QUERY_LIMIT)

            def with_rule(scope=scope, offset=offset):
                queryset = orders_list(viewer, scope=scope)
                rows = [order_view(order, viewer=viewer) for order in queryset[offset : offset + PAGE_SIZE]]
                assert len(rows) == PAGE_SIZE and queryset.count() > 0

            def without_rule(scope=scope, offset=offset):
                queryset = plain_queryset(scope)
                rows = [plain_row(order) for order in queryset[offset : offset + PAGE_SIZE]]
                assert len(rows) == PAGE_SIZE and queryset.count() > 0

            with_rule()
            without_rule()  # warm both before timing
            measured, baseline = _compare(with_rule, without_rule)
            report(f"orders page '{scope}' page {page} (query + representation)", measured, baseline, 3.0)

    total = Order.objects.for_business(business).aggregate(
        count=__import__("django.db.models", fromlist=["Count"]).Count("id")
    )
    assert total["count"] == ORDER_COUNT
    assert Decimal("190.00") == Order.objects.for_business(business).only("total").first().total
