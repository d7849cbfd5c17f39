"""SMS: the code by SMS through the logging backend, and the SMS.ru adapter against a mocked HTTP call."""

import json
import re
import urllib.error
from unittest import mock

import pytest

from staffroom.booking.choices import DeliveryStatus, MessageChannel, MessageKind
from staffroom.booking.models import BookingRequest, ClientMessage
from staffroom.booking.sms import LoggingSmsBackend, SmsRuBackend

from .helpers import contact, slot_url

pytestmark = pytest.mark.django_db


def test_the_code_goes_by_sms_when_the_business_confirms_phones(client, booking_settings, haircut, tomorrow):
    booking_settings.confirmation_channel = "sms"
    booking_settings.requires_email = False
    booking_settings.save()
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    response = client.post(url, {**params, **contact(email="", phone="8 916 111-22-33")})
    assert response.status_code == 302
    [sms] = LoggingSmsBackend.outbox
    assert sms["to"] == "+79161112233"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    logged = ClientMessage.objects.for_business(booking_settings.business).get(kind=MessageKind.CODE)
    assert logged.channel == MessageChannel.SMS and logged.status == DeliveryStatus.SENT
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert BookingRequest.objects.unscoped().get().status == "booked"


class _Response:
    def __init__(self, body):
        self.body = json.dumps(body).encode()

    def read(self):
        return self.body

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_sms_ru_sends_and_reads_the_message_id():
    body = {"status": "OK", "sms": {"79161112233": {"status": "OK", "sms_id": "000-100"}}, "balance": 10}
    with mock.patch("urllib.request.urlopen", return_value=_Response(body)) as urlopen:
        result = SmsRuBackend(api_id="key", sender="Salon", timeout=3).send(to="+79161112233", text="Hello")
    assert result.delivered and result.message_id == "000-100" and result.provider == "sms.ru"
    sent = urlopen.call_args.args[0]
    assert sent.full_url == "https://sms.ru/sms/send"
    fields = dict(pair.split("=", 1) for pair in sent.data.decode().split("&"))
    assert fields["api_id"] == "key" and fields["to"] == "79161112233" and fields["from"] == "Salon"
    assert urlopen.call_args.kwargs["timeout"] == 3


def test_sms_ru_reports_refusals_and_network_errors_without_raising():
    refused = {"status": "OK", "sms": {"79161112233": {"status": "ERROR", "status_text": "Bad number"}}}
    with mock.patch("urllib.request.urlopen", return_value=_Response(refused)):
        result = SmsRuBackend(api_id="key", sender="", timeout=3).send(to="+79161112233", text="Hi")
    assert not result.delivered and result.error == "Bad number"
    with mock.patch("urllib.request.urlopen", side_effect=urllib.error.URLError("down")):
        result = SmsRuBackend(api_id="key", sender="", timeout=3).send(to="+79161112233", text="Hi")
    assert not result.delivered and "down" in result.error
    assert not SmsRuBackend(api_id="", sender="", timeout=3).send(to="+79161112233", text="Hi").delivered
