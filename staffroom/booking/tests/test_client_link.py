"""The client's own link: see, cancel or reschedule within the window; expired and made-up links are 404."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from staffroom.booking.choices import MessageKind
from staffroom.booking.models import ClientMessage
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local

from .conftest import code_from_outbox
from .helpers import contact, slot_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(client, booking_settings, haircut, tomorrow):
    """A visit booked online the day after tomorrow at 10:00; returns (link path, appointment)."""
    date = tomorrow + dt.timedelta(days=1)
    url, params = slot_url(booking_settings, haircut, date=date, hour=10)
    response = client.post(url, {**params, **contact()})
    response = client.post(response["Location"], {"code": code_from_outbox()})
    mail.outbox.clear()
    return response["Location"], Appointment.objects.for_business(booking_settings.business).get()


def test_the_client_cancels_with_a_reason(client, booked):
    path, appointment = booked
    assert client.post(path, {"action": "cancel", "reason": ""}).status_code == 400
    response = client.post(path, {"action": "cancel", "reason": "Fell ill"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled" and appointment.cancellation_reason == "Fell ill"
    assert appointment.cancelled_by is None
    assert ClientMessage.objects.for_business(appointment.business_id).filter(kind=MessageKind.CANCELLATION).exists()
    assert b'data-state="cancelled"' in client.get(path).content


def test_the_client_moves_the_visit_to_another_free_time(client, booked, booking_settings):
    path, appointment = booked
    date = appointment.starts_at.astimezone(booking_settings.business.zone).date()
    page = client.get(path, {"d": date.isoformat()})
    new_start = local(booking_settings.business, date, 15)
    assert new_start.isoformat().encode() in page.content
    response = client.post(path, {"action": "reschedule", "t": new_start.isoformat()})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == new_start and appointment.status == "booked"
    change = ClientMessage.objects.for_business(appointment.business_id).get(kind=MessageKind.CHANGE)
    assert change.status == "sent" and mail.outbox[-1].attachments


def test_moving_onto_a_busy_or_closed_time_changes_nothing(client, booked, booking_settings):
    path, appointment = booked
    date = appointment.starts_at.astimezone(booking_settings.business.zone).date()
    night = local(booking_settings.business, date, 23)
    assert client.post(path, {"action": "reschedule", "t": night.isoformat()}).status_code == 422
    appointment.refresh_from_db()
    assert appointment.starts_at == local(booking_settings.business, date, 10)


def test_too_late_to_change_online(client, booked):
    path, appointment = booked
    with time_machine.travel(appointment.starts_at - dt.timedelta(hours=23), tick=False):
        page = client.get(path)
        assert b'data-action="cancel"' not in page.content
        assert client.post(path, {"action": "cancel", "reason": "late"}).status_code == 409
    appointment.refresh_from_db()
    assert appointment.status == "booked"


def test_the_link_expires_a_week_after_the_visit(client, booked):
    path, appointment = booked
    with time_machine.travel(appointment.ends_at + dt.timedelta(days=6), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(appointment.ends_at + dt.timedelta(days=7, minutes=1), tick=False):
        assert client.get(path).status_code == 404
        assert client.get(path + "visit.ics").status_code == 404


def test_a_link_with_one_character_changed_is_404(client, booked):
    path, _appointment = booked
    token = path.rstrip("/").rsplit("/", 1)[1]
    changed = token[:-1] + ("0" if token[-1] != "0" else "1")
    assert client.get(f"/book/visit/{changed}/").status_code == 404
