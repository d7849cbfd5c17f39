"""Query budgets of the hot routes: each count is exact, so a query added to a route (or to every request) fails here.

Measured with the cache primed (the requests before the measured one filled it), as in steady production. The
test settings write the request-history row at once (REQUEST_HISTORY_BATCH_SIZE = 1): one INSERT that production
batches by 50, counted in every signed-in budget as HISTORY.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from staffroom.scheduling.tests.factories import local, make_client, make_service, make_weekly_schedule
from staffroom.staff.tests.factories import PASSWORD
from staffroom.tenancy.models import Branch

HISTORY = 1  # INSERT of the request-history row (batched in production)
# The middleware of a signed-in browser request: the session row and the person. Membership, role, 2FA policy and
# the session record come from the cache.
SESSION_MIDDLEWARE = 2
# The token: one SELECT of the token with its employee, role, business and person (2FA policy cached).
TOKEN_AUTH = 1

SIGNED_IN_FLOOR = SESSION_MIDDLEWARE + HISTORY
# The view's own queries, measured 2026-12-02 (the number after the middleware's is the route's):
# branch, the visible specialists, their appointments with paid totals, the appointments' lines
CALENDAR_LIST_API = TOKEN_AUTH + 4 + HISTORY
# branch, specialists, weekly hours, exceptions, opening hours, this branch's visits, lines, paid totals, busy elsewhere
CALENDAR_DAY_API = TOKEN_AUTH + 9 + HISTORY
# the same day as the API plus the page's branch list
CALENDAR_DAY_PAGE = SESSION_MIDDLEWARE + 10 + HISTORY
# choices (client, specialist, branch, services), working hours, overlap check under the specialist lock, the visit,
# its lines, the security event with its chain head, webhooks, the response's reads
BOOKING_API = TOKEN_AUTH + 28 + HISTORY
# the visit, its lock, payments so far, idempotency key, the payment, sale facts, the event and its chain head
PAYMENT_API = TOKEN_AUTH + 18 + HISTORY
# the page of orders (keyset) and the count
ORDERS_API = TOKEN_AUTH + 2 + HISTORY
ORDERS_PAGE = SESSION_MIDDLEWARE + 3 + HISTORY
# the employee, the role, the subscription, seat counts and the ledger's version
EMPLOYEE_PREVIEW_API = TOKEN_AUTH + 7 + HISTORY
# allauth's form, the person, the failure budget's guard row (locked), the person's memberships, the session, the
# signed-in session record, the known device, the security events of each business with their chain heads
SIGN_IN = 40


def _count(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = call()
    return len(queries.captured_queries), response


def _json(client, method, path, body):
    return getattr(client, method)(path, data=json.dumps(body, default=str), content_type="application/json")


@pytest.fixture
def day_setup(business, specialist):
    branch = Branch.objects.for_business(business).order_by("name").first()
    make_weekly_schedule(specialist, branch)
    service = make_service(business, name="Manicure", duration=60, price="900.00", specialists=[specialist])
    day = timezone.localdate() + dt.timedelta(days=2)
    return branch, service, day


def _book(api, business, specialist, branch, service, day, hour):
    client = make_client(business)
    body = {
        "client_id": client.pk,
        "specialist_id": specialist.pk,
        "branch_id": branch.pk,
        "service_ids": [service.pk],
        "starts_at": local(business, day, hour).isoformat(),
    }
    return _json(api, "post", "/api/v1/appointments", body)


def test_signed_in_request_floor(owner, client_for):
    browser = client_for(owner)
    browser.get("/health/live/")
    browser.get("/health/live/")
    count, response = _count(lambda: browser.get("/health/live/"))
    assert response.status_code == 200
    assert count == SIGNED_IN_FLOOR


def test_calendar_routes(business, owner, specialist, day_setup, api_for, client_for):
    branch, service, day = day_setup
    api = api_for(owner)
    for hour in (10, 12):
        assert _book(api, business, specialist, branch, service, day, hour).status_code == 201
    list_path = f"/api/v1/appointments?branch_id={branch.pk}&date_from={day.isoformat()}"
    day_path = f"/api/v1/branches/{branch.pk}/day?date={day.isoformat()}"
    page_path = f"/calendar/?branch={branch.pk}&date={day.isoformat()}"
    browser = client_for(owner)
    for path in (list_path, day_path):
        api.get(path)
    browser.get(page_path)
    browser.get(page_path)
    counts = {}
    for name, client, path in (("list", api, list_path), ("day", api, day_path), ("page", browser, page_path)):
        counts[name], response = _count(lambda client=client, path=path: client.get(path))
        assert response.status_code == 200, response.content[:300]
    booking_count, response = _count(lambda: _book(api, business, specialist, branch, service, day, 14))
    assert response.status_code == 201
    assert counts == {"list": CALENDAR_LIST_API, "day": CALENDAR_DAY_API, "page": CALENDAR_DAY_PAGE}
    assert booking_count == BOOKING_API


def test_payment_route(business, owner, specialist, day_setup, api_for):
    branch, service, day = day_setup
    api = api_for(owner)
    appointment = _book(api, business, specialist, branch, service, day, 10).json()
    body = {"appointment_id": appointment["id"], "amount": "100.00", "method": "cash"}
    count, response = _count(lambda: _json(api, "post", "/api/v1/payments", body))
    assert response.status_code == 201, response.content
    assert count == PAYMENT_API


def test_orders_routes(owner, api_for, client_for):
    api, browser = api_for(owner), client_for(owner)
    api.get("/api/v1/orders")
    browser.get("/orders/")
    browser.get("/orders/")
    api_count, api_response = _count(lambda: api.get("/api/v1/orders"))
    page_count, page_response = _count(lambda: browser.get("/orders/"))
    assert api_response.status_code == 200 and page_response.status_code == 200
    assert (api_count, page_count) == (ORDERS_API, ORDERS_PAGE)


def test_employee_update_preview(owner, specialist, api_for):
    api = api_for(owner)
    path = f"/api/v1/employees/{specialist.pk}?dry_run=true"
    _json(api, "patch", path, {"provides_services": False})
    count, response = _count(lambda: _json(api, "patch", path, {"provides_services": False}))
    assert response.status_code == 200, response.content
    assert count == EMPLOYEE_PREVIEW_API


def test_sign_in(owner, client):
    client.get("/accounts/login/")
    count, response = _count(
        lambda: client.post("/accounts/login/", {"login": owner.person.email, "password": PASSWORD})
    )
    assert response.status_code == 302
    assert count == SIGN_IN
