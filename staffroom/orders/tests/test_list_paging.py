"""The orders list pages by keyset (`before`): stable order, no order skipped or repeated when new ones arrive
between pages; the count is exact for a small list and the planner's estimate beyond EXACT_COUNT_LIMIT."""

import pytest

from staffroom.orders import selectors
from staffroom.orders.models import Order
from staffroom.staff.tests.factories import make_business, make_employee

from .factories import make_order


def _page(api, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    response = api.get(f"/api/v1/orders?scope=all&page_size=3&{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_keyset_pages_neither_skip_nor_repeat_orders_that_arrive_between_pages(business, manager, api_for):
    elsewhere = make_business(name="Neighbour Shop")
    make_order(make_employee(elsewhere, "manager"))  # another business's order never shows
    first_seven = [make_order(manager).number for _ in range(7)]
    api = api_for(manager)
    first = _page(api)
    assert [row["number"] for row in first["results"]] == sorted(first_seven, reverse=True)[:3]
    assert first["next_before"] == first["results"][-1]["number"]
    assert (first["count"], first["count_is_estimate"]) == (7, False)
    arrived = [make_order(manager).number for _ in range(2)]  # new orders between the pages
    seen = [row["number"] for row in first["results"]]
    cursor = first["next_before"]
    while cursor is not None:
        page = _page(api, before=cursor)
        seen += [row["number"] for row in page["results"]]
        cursor = page["next_before"]
    assert seen == sorted(first_seven, reverse=True)  # every original once, in order; the newcomers are on page 1
    assert not set(arrived) & set(seen)
    assert [row["number"] for row in _page(api)["results"]] == sorted(arrived + first_seven, reverse=True)[:3]


def test_a_page_number_still_works_and_the_last_page_has_no_next_cursor(business, manager, api_for):
    numbers = sorted((make_order(manager).number for _ in range(4)), reverse=True)
    last = _page(api_for(manager), page=2)
    assert [row["number"] for row in last["results"]] == numbers[3:]
    assert last["next_before"] is None


def test_a_cursor_that_is_not_an_order_number_is_refused(business, manager, api_for):
    response = api_for(manager).get("/api/v1/orders?before=0")
    assert response.status_code == 422
    assert "before" in response.json()["errors"]


def test_keyset_pages_keep_the_visibility_rule(business, manager, colleague, api_for):
    """A limited role pages through colleagues' orders with their limited form on every page, as on page numbers."""
    theirs = [make_order(colleague).number for _ in range(4)]
    api = api_for(manager)
    page = _page(api, before=max(theirs) + 1)
    by_number = {row["number"]: row for row in _page(api)["results"]}
    assert [row["number"] for row in page["results"]] == sorted(theirs, reverse=True)[:3]
    assert page["results"] == [by_number[row["number"]] for row in page["results"]]


@pytest.mark.postgres_only
def test_beyond_the_limit_the_count_is_the_planners_estimate(business, manager, api_for, monkeypatch):
    for _ in range(6):
        make_order(manager)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 2)
    count, is_estimate = selectors.list_count(Order.objects.for_business(business))
    assert is_estimate and count > 2
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 10_000)
    assert selectors.list_count(Order.objects.for_business(business)) == (6, False)
