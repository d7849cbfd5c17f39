"""The operations API: status codes, 409 with the conflicting appointment, Call Center reach, masking, idempotency."""

import datetime as dt
import json

import pytest

from staffroom.core.testing import database_fingerprint
from staffroom.payments.models import Payment
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_client, make_service, make_weekly_schedule
from staffroom.tenancy.models import Branch


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body, default=str), content_type="application/json", **headers)


@pytest.fixture
def two_branch_setup(business, specialist):
    north, south = Branch.objects.for_business(business).order_by("name")
    make_weekly_schedule(specialist, north, intervals=((dt.time(9), dt.time(13)),))
    make_weekly_schedule(specialist, south, intervals=((dt.time(14), dt.time(18)),))
    service = make_service(business, name="Manicure", duration=60, price="900.00", specialists=[specialist])
    return north, south, service


def booking(business, specialist, branch, service, client, when):
    return {
        "client_id": client.pk,
        "specialist_id": specialist.pk,
        "branch_id": branch.pk,
        "service_ids": [service.pk],
        "starts_at": when.isoformat(),
    }


def test_call_center_books_in_both_branches_and_cannot_take_payments(
    business, call_center_operator, specialist, two_branch_setup, api_for, client_for, tomorrow
):
    north, south, service = two_branch_setup
    api = api_for(call_center_operator)
    client = make_client(business)
    first = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, client, local(business, tomorrow, 10)),
    )
    second = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, south, service, client, local(business, tomorrow, 15)),
    )
    assert first.status_code == 201, first.content
    assert second.status_code == 201, second.content
    body = first.json()
    assert body["created_by_id"] == call_center_operator.pk
    assert body["total"] is None and body["balance_due"] is None  # no financial figures for the call center
    assert body["client"]["phone"] == client.phone  # they see the contacts booking needs
    before = database_fingerprint()
    refused = post(api, "/api/v1/payments", {"appointment_id": body["id"], "amount": "100", "method": "cash"})
    assert refused.status_code == 403
    assert api.get(f"/api/v1/cash-summary?branch_id={north.pk}").status_code == 403
    assert database_fingerprint() == before


def test_clash_answers_409_with_the_conflicting_appointment(
    business, administrator, specialist, two_branch_setup, api_for, tomorrow
):
    north, _south, service = two_branch_setup
    api = api_for(administrator)
    client = make_client(business)
    first = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, client, local(business, tomorrow, 10)),
    )
    before = database_fingerprint()
    clash = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, client, local(business, tomorrow, 10, 30)),
    )
    assert clash.status_code == 409
    assert clash.json()["conflicting_appointment"]["id"] == first.json()["id"]
    assert database_fingerprint() == before


def test_outside_hours_is_422_for_the_call_center(
    business, call_center_operator, specialist, two_branch_setup, api_for, tomorrow
):
    north, _south, service = two_branch_setup
    response = post(
        api_for(call_center_operator),
        "/api/v1/appointments",
        booking(business, specialist, north, service, make_client(business), local(business, tomorrow, 15)),
    )
    assert response.status_code == 422
    assert "starts_at" in response.json()["errors"]


def test_payment_idempotency_over_the_api(business, administrator, specialist, two_branch_setup, api_for, tomorrow):
    north, _south, service = two_branch_setup
    api = api_for(administrator)
    created = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, make_client(business), local(business, tomorrow, 10)),
    ).json()
    body = {"appointment_id": created["id"], "amount": "500.00", "method": "card"}
    first = post(api, "/api/v1/payments", body, HTTP_IDEMPOTENCY_KEY="abc")
    again = post(api, "/api/v1/payments", body, HTTP_IDEMPOTENCY_KEY="abc")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Payment.objects.for_business(business).count() == 1
    detail = api.get(f"/api/v1/appointments/{created['id']}").json()
    assert detail["paid"] == "500.00" and detail["balance_due"] == "400.00"
    refund = post(api, f"/api/v1/payments/{first.json()['id']}/refunds", {"amount": "100.00", "reason": "Late"})
    assert refund.status_code == 201
    assert api.get(f"/api/v1/appointments/{created['id']}").json()["balance_due"] == "500.00"


def test_specialist_sees_only_own_calendar(business, specialist, administrator, api_for, tomorrow, two_branch_setup):
    from staffroom.staff.tests.factories import make_employee

    north, _south, service = two_branch_setup
    colleague = make_employee(business, "specialist", provides_services=True, full_name="Colleague")
    make_weekly_schedule(colleague, north)
    service_two = make_service(business, name="Pedicure", specialists=[colleague])
    admin_api = api_for(administrator)
    mine = post(
        admin_api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, make_client(business), local(business, tomorrow, 10)),
    ).json()
    theirs = post(
        admin_api,
        "/api/v1/appointments",
        booking(business, colleague, north, service_two, make_client(business), local(business, tomorrow, 10)),
    )
    api = api_for(specialist)
    listed = api.get(f"/api/v1/appointments?date_from={tomorrow}").json()
    assert [row["id"] for row in listed] == [mine["id"]]
    assert listed[0]["client"]["contacts_masked"] is True
    assert api.get(f"/api/v1/appointments/{theirs.json()['id']}").status_code == 404


def test_free_slots_api(business, administrator, specialist, two_branch_setup, api_for, tomorrow):
    _north, south, service = two_branch_setup
    response = api_for(administrator).get(
        f"/api/v1/free-slots?service_id={service.pk}&date_from={tomorrow}&days=1&step_minutes=60&branch_id={south.pk}"
    )
    assert response.status_code == 200
    starts = [dt.datetime.fromisoformat(slot["starts_at"]).astimezone(business.zone).hour for slot in response.json()]
    assert starts == [14, 15, 16, 17]


def test_other_business_appointment_is_404(
    business, outsider, administrator, specialist, two_branch_setup, api_for, tomorrow
):
    north, _south, service = two_branch_setup
    created = post(
        api_for(administrator),
        "/api/v1/appointments",
        booking(business, specialist, north, service, make_client(business), local(business, tomorrow, 10)),
    )
    api = api_for(outsider)
    foreign_client = make_client(business)
    before = database_fingerprint()
    assert api.get(f"/api/v1/appointments/{created.json()['id']}").status_code == 404
    assert post(api, f"/api/v1/appointments/{created.json()['id']}/cancel", {"reason": "x"}).status_code == 404
    # A foreign client id in a booking is a field error, not a leak.
    response = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, foreign_client, local(business, tomorrow, 11)),
    )
    assert response.status_code == 422
    assert database_fingerprint() == before
    assert Appointment.objects.for_business(business).count() == 1


def test_a_branch_limited_role_lists_only_its_branch(business, specialist, two_branch_setup, api_for, tomorrow):
    from staffroom.staff.tests.factories import make_employee

    north, south, service = two_branch_setup
    limited = make_employee(business, "administrator", full_name="North Desk")
    limited.role_branches.set([north])
    owner_api = api_for(business.owner)
    client = make_client(business)
    in_north = post(
        owner_api,
        "/api/v1/appointments",
        booking(business, specialist, north, service, client, local(business, tomorrow, 10)),
    ).json()
    in_south = post(
        owner_api,
        "/api/v1/appointments",
        booking(business, specialist, south, service, client, local(business, tomorrow, 15)),
    ).json()
    api = api_for(limited)
    listed = [row["id"] for row in api.get(f"/api/v1/appointments?date_from={tomorrow}").json()]
    assert listed == [in_north["id"]]
    assert api.get(f"/api/v1/appointments/{in_south['id']}").status_code == 404
    refused = post(
        api,
        "/api/v1/appointments",
        booking(business, specialist, south, service, client, local(business, tomorrow, 16)),
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/appointments?date_from=9999-12-31",
        "/api/v1/appointments?date_from=0001-01-01",
        "/api/v1/free-slots?service_id={service}&date_from=9999-12-25",
        "/api/v1/payments?date=9999-12-31",
        "/api/v1/cash-summary?branch_id={branch}&date=0001-01-01",
    ],
)
def test_dates_at_the_ends_of_the_calendar_are_field_errors_not_500(url, owner, two_branch_setup, api_for):
    north, _south, service = two_branch_setup
    response = api_for(owner).get(url.format(service=service.pk, branch=north.pk))
    assert response.status_code == 422, response.content


def test_booking_at_the_ends_of_the_calendar_is_a_field_error(
    business, owner, specialist, two_branch_setup, api_for, client_for
):
    north, _south, service = two_branch_setup
    client = make_client(business)
    for when in ("0001-01-01T00:00:00+03:00", "9999-12-31T23:30:00+00:00"):
        body = booking(business, specialist, north, service, client, dt.datetime.fromisoformat(when))
        response = post(api_for(owner), "/api/v1/appointments", body)
        assert response.status_code == 422, response.content
    page = client_for(owner)
    assert page.get("/calendar/?date=9999-12-31").status_code == 200
    assert page.get("/payments/cash/?date=0001-01-01").status_code == 200
    form = {
        "client_id": client.pk,
        "specialist": specialist.pk,
        "branch": north.pk,
        "date": "0001-01-01",
        "time": "00:00",
        "services": [service.pk],
    }
    assert page.post("/calendar/book/", form).status_code == 200


def test_listing_a_busy_day_takes_a_fixed_number_of_queries(
    business, administrator, specialist, two_branch_setup, api_for, tomorrow, django_assert_max_num_queries
):
    from decimal import Decimal

    from staffroom.payments.services import payment_take
    from staffroom.scheduling import services

    north, _south, service = two_branch_setup
    client = make_client(business)
    for hour in (9, 10, 11, 12):
        visit = services.appointment_create(
            actor=administrator,
            client=client,
            specialist=specialist,
            branch=north,
            starts_at=local(business, tomorrow, hour),
            services=[service],
        )
        payment_take(actor=administrator, appointment=visit, amount=Decimal("100"), method="cash")
    api = api_for(administrator)
    with django_assert_max_num_queries(15):
        rows = api.get(f"/api/v1/appointments?date_from={tomorrow}").json()
    assert [row["paid"] for row in rows] == ["100.00"] * 4
