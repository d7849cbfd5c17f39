"""The API: settings, review list and source report for staff (permission matrix), and the public booking API."""

import datetime as dt

import pytest
from django.core import mail

from staffroom.booking.calculations import public_ref
from staffroom.booking.choices import RequestStatus
from staffroom.booking.models import BookingRequest, BookingSettings
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local

from .conftest import code_from_outbox

pytestmark = pytest.mark.django_db


def test_settings_permission_matrix(api_for, anonymous, owner, administrator, outsider, booking_settings):
    assert anonymous.get("/api/v1/booking/settings").status_code == 401
    assert (
        api_for(administrator)
        .patch("/api/v1/booking/settings", {"days_ahead": 5}, content_type="application/json")
        .status_code
        == 403
    )
    outsider_view = api_for(outsider).get("/api/v1/booking/settings").json()
    assert outsider_view["slug"] != "test-beauty"
    response = api_for(owner).patch(
        "/api/v1/booking/settings", {"days_ahead": 5, "slot_step_minutes": 1}, content_type="application/json"
    )
    assert response.status_code == 422 and set(response.json()["errors"]) == {"slot_step_minutes"}
    booking_settings.refresh_from_db()
    assert booking_settings.days_ahead == 30
    response = api_for(owner).patch("/api/v1/booking/settings", {"days_ahead": 5}, content_type="application/json")
    assert response.status_code == 200 and response.json()["days_ahead"] == 5


def test_review_list_and_decisions(
    api_for, call_center_operator, specialist, outsider, booking_settings, branch, working_specialist, tomorrow
):
    item = BookingRequest.objects.create(
        business=booking_settings.business,
        token="r" * 40,
        status=RequestStatus.IN_REVIEW,
        branch=branch,
        specialist=working_specialist,
        service_ids=[],
        starts_at=local(booking_settings.business, tomorrow, 10),
        full_name="Reviewed",
        contact_key="phone:+79160000001",
        channel="email",
    )
    assert api_for(specialist).get("/api/v1/booking/review").status_code == 403
    assert (
        api_for(outsider)
        .post(f"/api/v1/booking/review/{item.pk}/reject", {}, content_type="application/json")
        .status_code
        == 404
    )
    rows = api_for(call_center_operator).get("/api/v1/booking/review").json()
    assert [row["id"] for row in rows] == [item.pk]
    response = api_for(call_center_operator).post(
        f"/api/v1/booking/review/{item.pk}/reject", {"note": "bot"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    again = api_for(call_center_operator).post(f"/api/v1/booking/review/{item.pk}/approve")
    assert again.status_code == 409


def test_source_report_api(api_for, administrator, specialist, booking_settings, tomorrow):
    assert api_for(specialist).get(f"/api/v1/booking/source-report?start={tomorrow}&end={tomorrow}").status_code == 403
    response = api_for(administrator).get(f"/api/v1/booking/source-report?start={tomorrow}&end={tomorrow}")
    assert response.status_code == 200 and response.json() == []
    assert (
        api_for(administrator).get(f"/api/v1/booking/source-report?start={tomorrow}&end=2000-01-01").status_code == 422
    )


def test_a_front_end_books_through_the_public_api(
    anonymous, booking_settings, haircut, working_specialist, tomorrow, django_capture_on_commit_callbacks
):
    day = tomorrow + dt.timedelta(days=1)  # outside the 24-hour change window, so the client may cancel
    page = anonymous.get("/api/v1/public/booking/test-beauty").json()
    assert page["branches"] == [
        {"slug": "north", "name": page["branches"][0]["name"], "address": page["branches"][0]["address"]}
    ]
    services = anonymous.get("/api/v1/public/booking/test-beauty/north/services").json()
    ref = public_ref(booking_settings.business_id, "service", haircut.pk)
    assert services[0]["ref"] == ref and "id" not in services[0]
    specialists = anonymous.get(f"/api/v1/public/booking/test-beauty/north/specialists?services={ref}").json()
    assert [s["name"] for s in specialists] == [working_specialist.full_name]
    slots = anonymous.get(
        f"/api/v1/public/booking/test-beauty/north/slots?services={ref}&specialist=any&date={day}"
    ).json()
    wanted = local(booking_settings.business, day, 10)
    assert any(slot["starts_at"].startswith(wanted.isoformat()[:16]) for slot in slots)
    body = {
        "services": [ref],
        "specialist": "any",
        "starts_at": wanted.isoformat(),
        "full_name": "Api Client",
        "phone": "+79161234500",
        "email": "api@example.test",
        "utm_source": "partner",
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = anonymous.post(
            "/api/v1/public/booking/test-beauty/north/requests", body, content_type="application/json"
        )
    assert created.status_code == 201
    token = created.json()["token"]
    wrong = anonymous.post(
        f"/api/v1/public/booking/requests/{token}/confirm", {"code": "1"}, content_type="application/json"
    )
    assert wrong.status_code == 422 and "code" in wrong.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = anonymous.post(
            f"/api/v1/public/booking/requests/{token}/confirm",
            {"code": code_from_outbox()},
            content_type="application/json",
        )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "booked"
    visit_token = confirmed.json()["visit_token"]
    visit = anonymous.get(f"/api/v1/public/booking/visits/{visit_token}").json()
    assert visit["services"] == ["Haircut"] and visit["can_change"]
    appointment = Appointment.objects.for_business(booking_settings.business).get()
    assert appointment.utm_source == "partner" and appointment.created_by is None
    mail.outbox.clear()
    cancelled = anonymous.post(
        f"/api/v1/public/booking/visits/{visit_token}/cancel",
        {"reason": "Changed plans"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_the_public_api_takes_no_internal_ids(anonymous, booking_settings, haircut, tomorrow):
    by_id = anonymous.get(f"/api/v1/public/booking/test-beauty/north/slots?services={haircut.pk}&date={tomorrow}")
    assert by_id.status_code == 422
    assert anonymous.get("/api/v1/public/booking/no-such-salon").status_code == 404
    assert anonymous.get("/api/v1/public/booking/test-beauty/south/services").status_code == 404
    assert anonymous.get("/api/v1/public/booking/visits/" + "b" * 64).status_code == 404
    assert (
        anonymous.post(
            "/api/v1/public/booking/requests/nope/confirm", {"code": "123456"}, content_type="application/json"
        ).status_code
        == 404
    )
    BookingSettings.objects.for_business(booking_settings.business).update(is_enabled=False)
    assert anonymous.get("/api/v1/public/booking/test-beauty").status_code == 404
