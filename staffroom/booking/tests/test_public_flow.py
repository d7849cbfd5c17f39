"""The public booking flow end to end through the pages: services → any specialist → slot → contact → code."""

import pytest
from django.conf import settings
from django.core import mail

from staffroom.booking.choices import DeliveryStatus, MessageKind, RequestStatus
from staffroom.booking.models import BookingRequest, ClientMessage
from staffroom.scheduling.choices import AppointmentSource
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local

from .conftest import code_from_outbox
from .helpers import contact, slot_url

pytestmark = pytest.mark.django_db


def test_the_page_walks_from_services_to_the_contact_step(client, booking_settings, haircut, tomorrow):
    response = client.get("/test-beauty/book/")
    assert response.status_code == 200
    assert b'data-step="services"' in response.content and b"Haircut" in response.content
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    response = client.get(url, {"s": params["s"]})
    assert b'data-step="specialist"' in response.content
    response = client.get(url, {"s": params["s"], "p": "any", "d": tomorrow.isoformat()})
    assert b'data-step="slot"' in response.content
    assert params["t"].encode() in response.content
    response = client.get(url, params)
    assert b'data-step="contact"' in response.content


def test_a_client_books_with_any_specialist_confirms_the_code_and_lands_in_the_calendar(
    client, booking_settings, haircut, working_specialist, administrator, tomorrow
):
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    response = client.post(
        url + "?utm_source=instagram&utm_campaign=spring",
        {**params, **contact(), "utm_source": "instagram", "utm_campaign": "spring"},
    )
    assert response.status_code == 302
    request = BookingRequest.objects.unscoped().get()
    assert request.status == RequestStatus.AWAITING_CODE and request.specialist == working_specialist
    assert response["Location"] == f"/book/code/{request.token}/"
    assert not Appointment.objects.for_business(booking_settings.business).exists()
    code = code_from_outbox()
    assert request.code_hash and code not in request.code_hash
    mail.outbox.clear()

    response = client.post(f"/book/code/{request.token}/", {"code": code})
    assert response.status_code == 302 and response["Location"].startswith("/book/visit/")
    appointment = Appointment.objects.for_business(booking_settings.business).get()
    assert appointment.source == AppointmentSource.ONLINE and appointment.created_by is None
    assert appointment.starts_at == local(booking_settings.business, tomorrow, 10)
    assert (appointment.utm_source, appointment.utm_campaign) == ("instagram", "spring")
    assert appointment.client.accepts_messages and appointment.client.email == "olga@example.test"
    # The client gets a confirmation with a calendar file; the staff get told about the new booking.
    to_client = [m for m in mail.outbox if m.to == ["olga@example.test"]]
    assert len(to_client) == 1 and to_client[0].attachments[0][0] == "visit.ics"
    assert any(administrator.person.email in m.to for m in mail.outbox)
    logged = ClientMessage.objects.for_business(booking_settings.business).get(kind=MessageKind.CONFIRMATION)
    assert logged.status == DeliveryStatus.SENT and logged.appointment == appointment

    page = client.get(response["Location"])
    assert page.status_code == 200 and b"Haircut" in page.content
    ics = client.get(response["Location"] + "visit.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content


def test_a_wrong_code_books_nothing_and_five_wrong_codes_close_the_request(client, booking_settings, haircut, tomorrow):
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=11)
    client.post(url, {**params, **contact()})
    request = BookingRequest.objects.unscoped().get()
    for _attempt in range(5):
        response = client.post(f"/book/code/{request.token}/", {"code": "000000x"})
        assert response.status_code == 422
    request.refresh_from_db()
    assert request.status == RequestStatus.SCREENED and request.screening_reason == "wrong_codes"
    response = client.post(f"/book/code/{request.token}/", {"code": code_from_outbox()})
    assert response.status_code == 409
    assert not Appointment.objects.for_business(booking_settings.business).exists()


def test_a_slot_taken_meanwhile_is_refused_at_the_code_step(
    client, booking_settings, haircut, working_specialist, branch, tomorrow
):
    from staffroom.scheduling.tests.factories import make_appointment, make_client

    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=12)
    client.post(url, {**params, **contact()})
    request = BookingRequest.objects.unscoped().get()
    make_appointment(
        booking_settings.business,
        specialist=working_specialist,
        client=make_client(booking_settings.business),
        branch=branch,
        starts_at=local(booking_settings.business, tomorrow, 12),
    )
    response = client.post(f"/book/code/{request.token}/", {"code": code_from_outbox()})
    assert response.status_code == 409
    assert Appointment.objects.for_business(booking_settings.business).filter(source="online").count() == 0


def test_an_unknown_or_disabled_business_page_is_404(client, booking_settings):
    assert client.get("/nobody-here/book/").status_code == 404
    booking_settings.is_enabled = False
    booking_settings.save()
    assert client.get("/test-beauty/book/").status_code == 404


def test_the_page_shows_no_internal_ids(client, booking_settings, haircut, working_specialist, tomorrow):
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    page = client.get(url, {"s": params["s"]}).content.decode()
    assert f'value="{haircut.pk}"' not in page and f'value="{working_specialist.pk}"' not in page
    assert params["s"] in client.get(url).content.decode()
    # An internal id in place of a reference chooses nothing.
    response = client.get(url, {"s": str(haircut.pk)})
    assert b'data-step="services"' in response.content


def test_made_up_tokens_are_404(client, booking_settings):
    assert client.get("/book/code/not-a-token/").status_code == 404
    assert client.get("/book/visit/" + "a" * 64 + "/").status_code == 404
    assert client.get("/book/visit/" + "a" * 64 + "/visit.ics").status_code == 404


def test_the_language_switch_needs_no_cookie_and_follows_the_client_through_the_flow(
    client, booking_settings, haircut, working_specialist, tomorrow
):
    """Inside an iframe on the business's site cookies may be refused: the picked language travels as `lang`."""
    from django.utils import translation

    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    try:
        page = client.get(url, {"s": params["s"], "lang": "hu"})
        assert page.status_code == 200 and b'<html lang="hu">' in page.content
        assert settings.LANGUAGE_COOKIE_NAME not in page.cookies
        # The next step's form carries the language; a made-up language falls back to the business's own.
        assert b'name="lang" value="hu"' in page.content
        assert b'<html lang="en">' in client.get(url, {"s": params["s"], "lang": "xx"}).content
        response = client.post(f"{url}?lang=uk", {**params, **contact(), "lang": "uk"})
        assert response.status_code == 302 and response["Location"].endswith("?lang=uk")
        code_page = client.get(response["Location"])
        assert b'<html lang="uk">' in code_page.content
        confirmed = client.post(response["Location"], {"code": code_from_outbox()})
        assert confirmed.status_code == 302 and confirmed["Location"].endswith("?lang=uk")
        assert b'<html lang="uk">' in client.get(confirmed["Location"]).content
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def _book_through_the_pages(client, booking_settings, haircut, tomorrow, hour, language, **who):
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=hour)
    query = f"?lang={language}" if language else ""
    response = client.post(url + query, {**params, **contact(**who), **({"lang": language} if language else {})})
    assert response.status_code == 302
    code_mail = mail.outbox[-1]
    confirmed = client.post(response["Location"], {"code": code_from_outbox()})
    assert confirmed.status_code == 302
    return code_mail, Appointment.objects.for_business(booking_settings.business).latest("pk")


def test_every_message_about_a_visit_speaks_the_language_the_client_picked(
    client, booking_settings, haircut, working_specialist, administrator, tomorrow, django_capture_on_commit_callbacks
):
    """A Russian salon; one client books in Ukrainian, one without picking: code, confirmation and the staff's
    later cancellation reach each in their own language."""
    from django.utils import translation

    from staffroom.scheduling import services as scheduling

    business = booking_settings.business
    business.locale = "ru"
    business.save(update_fields=["locale"])

    def subject(language, text, **values):
        with translation.override(language):
            return translation.gettext(text) % values

    try:
        assert subject("uk", "Your booking code") != subject("ru", "Your booking code")
        code_uk, visit_uk = _book_through_the_pages(client, booking_settings, haircut, tomorrow, 10, "uk")
        code_ru, visit_ru = _book_through_the_pages(
            client,
            booking_settings,
            haircut,
            tomorrow,
            12,
            "",
            full_name="Vera Client",
            phone="+79162223344",
            email="vera@example.test",
        )
        assert code_uk.subject == subject("uk", "Your booking code")
        assert code_ru.subject == subject("ru", "Your booking code")
        by_visit = {
            visit.pk: set(
                ClientMessage.objects.for_business(business)
                .filter(appointment=visit)
                .values_list("language", flat=True)
            )
            for visit in (visit_uk, visit_ru)
        }
        assert by_visit == {visit_uk.pk: {"uk"}, visit_ru.pk: {""}}
        confirmation = next(m for m in mail.outbox if m.to == ["olga@example.test"] and m is not code_uk)
        assert "visit.ics" in [name for name, *_rest in confirmation.attachments]
        with translation.override("uk"):
            assert translation.gettext("You are booked: %(when)s").split(":")[0] in confirmation.subject

        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            for visit in (visit_uk, visit_ru):
                scheduling.appointment_cancel(actor=administrator, appointment=visit, reason="Specialist ill")
        to = {message.to[0]: message.subject for message in mail.outbox}
        assert to["olga@example.test"] == subject("uk", "Your visit was cancelled")
        assert to["vera@example.test"] == subject("ru", "Your visit was cancelled")
    finally:
        translation.activate(settings.LANGUAGE_CODE)


def test_a_language_the_page_does_not_offer_is_refused_by_the_api_and_books_nothing(
    anonymous, booking_settings, haircut, working_specialist, tomorrow
):
    import datetime as dt

    from staffroom.booking.calculations import public_ref

    day = tomorrow + dt.timedelta(days=1)
    body = {
        "services": [public_ref(booking_settings.business_id, "service", haircut.pk)],
        "specialist": "any",
        "starts_at": local(booking_settings.business, day, 10).isoformat(),
        "full_name": "Api Client",
        "phone": "+79161234500",
        "email": "api@example.test",
    }
    path = "/api/v1/public/booking/test-beauty/north/requests"
    refused = anonymous.post(path, {**body, "language": "xx"}, content_type="application/json")
    assert refused.status_code == 422 and set(refused.json()["errors"]) == {"language"}
    assert not BookingRequest.objects.unscoped().exists() and not mail.outbox
    accepted = anonymous.post(path, {**body, "language": "hu"}, content_type="application/json")
    assert accepted.status_code == 201
    assert BookingRequest.objects.unscoped().get().language == "hu"
