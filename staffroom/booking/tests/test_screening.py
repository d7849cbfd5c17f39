"""Screening of fake bookings: limits per contact, IP and device, the honeypot, and the review list."""

import datetime as dt

import pytest
from django.core import mail

from staffroom.booking.choices import RequestStatus
from staffroom.booking.models import BookingRequest
from staffroom.booking.public import DEVICE_COOKIE
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local, make_appointment, make_client

from .conftest import code_from_outbox
from .helpers import contact, slot_url

pytestmark = pytest.mark.django_db


def _ask(client, settings, service, date, hour, **fields):
    url, params = slot_url(settings, service, date=date, hour=hour)
    return client.post(url, {**params, **contact(**fields)}, REMOTE_ADDR=fields.pop("ip", "203.0.113.5"))


def test_the_contact_limit_refuses_with_429_and_sends_no_code(client, booking_settings, haircut, tomorrow):
    booking_settings.attempts_per_contact_per_day = 2
    booking_settings.save()
    assert _ask(client, booking_settings, haircut, tomorrow, 10).status_code == 302
    assert _ask(client, booking_settings, haircut, tomorrow, 11).status_code == 302
    mail.outbox.clear()
    response = _ask(client, booking_settings, haircut, tomorrow, 12)
    assert response.status_code == 429
    assert mail.outbox == []
    assert BookingRequest.objects.unscoped().filter(screening_reason="contact_limit").count() == 1
    # Another contact from the same place is still welcome.
    assert (
        _ask(client, booking_settings, haircut, tomorrow, 12, phone="+79161112299", email="x@example.test").status_code
        == 302
    )


def test_the_ip_limit_counts_every_contact_from_one_address(client, booking_settings, haircut, tomorrow):
    booking_settings.attempts_per_ip_per_hour = 2
    booking_settings.attempts_per_device_per_day = 100
    booking_settings.save()
    for index in range(2):
        response = _ask(
            client,
            booking_settings,
            haircut,
            tomorrow,
            10 + index,
            phone=f"+7916111220{index}",
            email=f"{index}@e.test",
        )
        assert response.status_code == 302
    response = _ask(client, booking_settings, haircut, tomorrow, 13, phone="+79161112209", email="9@e.test")
    assert response.status_code == 429
    assert BookingRequest.objects.unscoped().get(screening_reason="ip_limit").ip_address == "203.0.113.5"


def test_the_device_limit_follows_the_cookie_across_addresses(client, booking_settings, haircut, tomorrow):
    booking_settings.attempts_per_device_per_day = 2
    booking_settings.save()
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    first = client.post(url, {**params, **contact()}, REMOTE_ADDR="203.0.113.1")
    device = first.cookies[DEVICE_COOKIE].value
    assert len(device) >= 20
    client.cookies[DEVICE_COOKIE] = device
    for index, ip in enumerate(("203.0.113.2", "203.0.113.3")):
        url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=11 + index)
        response = client.post(
            url, {**params, **contact(phone=f"+7916111230{index}", email=f"d{index}@e.test")}, REMOTE_ADDR=ip
        )
        expected = 302 if index == 0 else 429
        assert response.status_code == expected
    assert BookingRequest.objects.unscoped().filter(device_id=device).count() == 3


def test_the_honeypot_looks_like_success_but_sends_no_code_and_books_nothing(
    client, booking_settings, haircut, tomorrow
):
    response = _ask(client, booking_settings, haircut, tomorrow, 10, website="http://spam.example")
    assert response.status_code == 302
    request = BookingRequest.objects.unscoped().get()
    assert request.status == RequestStatus.SCREENED and request.screening_reason == "honeypot"
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'data-step="code"' in page.content
    assert client.post(response["Location"], {"code": "123456"}).status_code == 409
    assert not Appointment.objects.for_business(booking_settings.business).exists()


def test_the_public_pages_are_rate_limited_per_ip(client, booking_settings, settings):
    settings.BOOKING_PUBLIC_REQUESTS_PER_MINUTE = 3
    statuses = [client.get("/test-beauty/book/", REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/test-beauty/book/", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_a_client_with_repeated_no_shows_goes_to_review_and_the_administrator_confirms(
    client, client_for, booking_settings, haircut, working_specialist, branch, administrator, tomorrow
):
    business = booking_settings.business
    regular = make_client(business, full_name="Nora No-show", phone="+79161112233", email="olga@example.test")
    for days_ago in (3, 10):
        make_appointment(
            business,
            specialist=working_specialist,
            client=regular,
            branch=branch,
            starts_at=local(business, tomorrow, 9) - dt.timedelta(days=days_ago),
            status="no_show",
        )
    response = _ask(client, booking_settings, haircut, tomorrow, 14)
    response = client.post(response["Location"], {"code": code_from_outbox()})
    assert response.status_code == 200 and b'data-state="review"' in response.content
    request = BookingRequest.objects.unscoped().get()
    assert request.status == RequestStatus.IN_REVIEW and request.screening_reason == "no_shows"
    assert request.client == regular
    assert not Appointment.objects.for_business(business).filter(source="online").exists()

    staff = client_for(administrator)
    page = staff.get("/calendar/online-review/")
    assert page.status_code == 200 and b"Nora" not in page.content and b"Olga Online" in page.content
    response = staff.post(f"/calendar/online-review/{request.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.BOOKED and request.reviewed_by == administrator
    assert request.appointment.source == "online" and request.appointment.created_by is None


def test_screened_attempts_send_the_contact_to_review(client, booking_settings, haircut, tomorrow):
    booking_settings.screened_for_review = 1
    booking_settings.save()
    _ask(client, booking_settings, haircut, tomorrow, 10, website="bot")
    response = _ask(client, booking_settings, haircut, tomorrow, 11)
    client.post(response["Location"], {"code": code_from_outbox()})
    request = BookingRequest.objects.unscoped().get(status=RequestStatus.IN_REVIEW)
    assert request.screening_reason == "screened_attempts"


def test_the_review_list_needs_booking_rights_and_stays_in_its_business(
    client_for, booking_settings, specialist, outsider, administrator, branch, working_specialist, tomorrow
):
    request = BookingRequest.objects.create(
        business=booking_settings.business,
        token="t" * 40,
        status=RequestStatus.IN_REVIEW,
        branch=branch,
        specialist=working_specialist,
        service_ids=[],
        starts_at=local(booking_settings.business, tomorrow, 10),
        full_name="Somebody",
        contact_key="phone:+79160000000",
        channel="email",
    )
    assert client_for(specialist).get("/calendar/online-review/").status_code == 403
    assert (
        client_for(specialist).post(f"/calendar/online-review/{request.pk}/", {"decision": "reject"}).status_code == 403
    )
    assert (
        client_for(outsider).post(f"/calendar/online-review/{request.pk}/", {"decision": "reject"}).status_code == 404
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    client_for(administrator).post(f"/calendar/online-review/{request.pk}/", {"decision": "reject", "note": "fake"})
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED and request.review_note == "fake"
