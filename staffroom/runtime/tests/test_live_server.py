"""The in-process live server over the test database: overlapping requests must not share one transaction.

On in-memory SQLite the live server's request threads use the test's one connection. Before
`SharedConnectionWSGIServer`, 16 simultaneous bookings of one slot through it answered 500 ("cannot open savepoint -
SQL statements in progress", or a TransactionManagementError when one request's rollback broke another's atomic
block) and booked the slot more than once, because all of them ran in one transaction.
"""

import datetime as dt
import http.client
import json
import threading

import pytest

from staffroom.identity.services import api_token_create
from staffroom.runtime.testing import live_server_thread
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_client, make_service, make_weekly_schedule
from staffroom.staff.tests.factories import make_business, make_employee
from staffroom.tenancy.models import Branch

CLIENTS = 16


def _post_together(port: int, path: str, bodies: list[str], headers: dict) -> list[int]:
    """POST every body at once from its own thread (released together); the status codes."""
    statuses = []
    start = threading.Barrier(len(bodies))

    def send(body):
        start.wait()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        conn.close()
        statuses.append(response.status)

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_slot_through_the_live_server_book_it_once_without_a_server_error():
    business = make_business(name="Live Server Salon")
    other = make_business(name="Other Salon")
    branch = Branch.objects.for_business(business).order_by("name").first()
    specialist = make_employee(business, "specialist", provides_services=True)
    make_weekly_schedule(specialist, branch)
    service = make_service(business, name="Cut", duration=60, price="1000.00", specialists=[specialist])
    desk = make_employee(business, "administrator")
    _token, plain = api_token_create(actor=desk, name="live")
    day = dt.datetime.now(dt.UTC).astimezone(business.zone).date() + dt.timedelta(days=2)
    clients = [make_client(business, full_name=f"Client {number}") for number in range(CLIENTS)]
    bodies = [
        json.dumps(
            {
                "client_id": client.pk,
                "specialist_id": specialist.pk,
                "branch_id": branch.pk,
                "service_ids": [service.pk],
                "starts_at": local(business, day, 11).isoformat(),
            }
        )
        for client in clients
    ]
    headers = {"Authorization": f"Bearer {plain}", "Content-Type": "application/json"}
    with live_server_thread() as port:
        statuses = _post_together(port, "/api/v1/appointments", bodies, headers)
    assert sorted(statuses) == [201] + [409] * (CLIENTS - 1)
    booked = Appointment.objects.for_business(business)
    assert booked.count() == 1
    assert booked.get().starts_at == local(business, day, 11)
    assert not Appointment.objects.for_business(other).exists()
