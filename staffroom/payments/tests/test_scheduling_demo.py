"""The demo loaders for clients, services, schedules, appointments and payments are idempotent."""

from staffroom.clients.models import Client
from staffroom.core.demodata import load_demo
from staffroom.payments.models import Payment
from staffroom.scheduling.models import Appointment, WorkingHours


def test_demo_is_alive_and_loading_twice_duplicates_nothing(db):
    business = load_demo()["business"]

    def counts():
        return [model.objects.for_business(business).count() for model in (Client, Appointment, Payment, WorkingHours)]

    first = counts()
    assert all(first), first
    load_demo()
    assert counts() == first


def test_the_demo_call_center_operator_books_in_both_demo_branches_and_is_refused_payments(db, api_for):
    import datetime as dt
    import json

    from django.test import Client as BrowserClient

    from staffroom.core.demodata import DEMO_PASSWORD
    from staffroom.scheduling.selectors import free_slot_search
    from staffroom.tenancy.middleware import SESSION_BUSINESS_KEY

    context = load_demo()
    business, branches, employees = context["business"], context["branches"], context["employees"]
    operator, barber = employees["call_center"], employees["specialist3"]
    service = context["services"]["Beard trim"]
    client = context["clients"][0]
    today = dt.datetime.now(business.zone).date()
    slots = free_slot_search(
        business,
        specialists=[barber],
        first_date=today + dt.timedelta(days=1),
        days=14,
        duration_for={barber.pk: 30},
        step_minutes=30,
    )
    api = api_for(operator)
    booked = {}
    for branch_name, branch in branches.items():
        slot = next(s for s in slots if s["branch_id"] == branch.pk)
        response = api.post(
            "/api/v1/appointments",
            content_type="application/json",
            data=json.dumps(
                {
                    "client_id": client.pk,
                    "specialist_id": barber.pk,
                    "branch_id": branch.pk,
                    "service_ids": [service.pk],
                    "starts_at": slot["starts_at"].isoformat(),
                }
            ),
        )
        assert response.status_code == 201, response.content
        booked[branch_name] = response.json()
    assert set(booked) == {"Tverskaya", "Arbat"}
    assert all(row["created_by_id"] == operator.pk and row["total"] is None for row in booked.values())

    appointment_id = booked["Arbat"]["id"]
    payment = {"appointment_id": appointment_id, "amount": "100.00", "method": "cash"}
    assert api.post("/api/v1/payments", content_type="application/json", data=json.dumps(payment)).status_code == 403
    browser = BrowserClient(HTTP_HOST="127.0.0.1")
    assert browser.login(email=operator.person.email, password=DEMO_PASSWORD)
    session = browser.session
    session[SESSION_BUSINESS_KEY] = business.pk
    session.save()
    assert browser.get(f"/calendar/appointments/{appointment_id}/pay/").status_code == 403
    assert (
        browser.post(
            f"/calendar/appointments/{appointment_id}/pay/", {"amount": "1", "method": "cash", "idempotency_key": "k"}
        ).status_code
        == 403
    )
