"""Fixtures for online booking: a business taking online bookings in its first branch, with one specialist."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache

from staffroom.booking.models import BookingSettings, BranchBookingSettings
from staffroom.booking.sms import LoggingSmsBackend
from staffroom.scheduling.tests.factories import first_branch, make_service, make_weekly_schedule


@pytest.fixture(autouse=True)
def _fresh_limits_and_outboxes():
    cache.clear()
    LoggingSmsBackend.outbox.clear()
    yield
    LoggingSmsBackend.outbox.clear()


@pytest.fixture
def branch(business):
    return first_branch(business)


@pytest.fixture
def working_specialist(specialist, branch):
    make_weekly_schedule(specialist, branch)
    return specialist


@pytest.fixture
def haircut(business, working_specialist):
    return make_service(business, name="Haircut", duration=60, price="1500.00", specialists=[working_specialist])


@pytest.fixture
def booking_settings(business, branch, haircut):
    settings = BookingSettings.objects.create(
        business=business, slug="test-beauty", is_enabled=True, minimum_notice_minutes=60, requires_email=True
    )
    BranchBookingSettings.objects.create(business=business, branch=branch, slug="north", is_enabled=True)
    return settings


@pytest.fixture
def tomorrow(business):
    return (dt.datetime.now(dt.UTC).astimezone(business.zone) + dt.timedelta(days=1)).date()


def code_from_outbox() -> str:
    import re

    for message in reversed(mail.outbox):
        found = re.search(r"\b(\d{6})\b", message.body)
        if found:
            return found.group(1)
    raise AssertionError("no code in the outbox")


class _DeliveringClient:
    """The test client, with after-commit work (sending messages) run as it would be after a real commit."""

    def __init__(self, client, capture):
        self._client, self._capture = client, capture

    def __getattr__(self, name):
        attribute = getattr(self._client, name)
        if name not in ("get", "post"):
            return attribute

        def call(*args, **kwargs):
            with self._capture(execute=True):
                return attribute(*args, **kwargs)

        return call


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    return _DeliveringClient(client, django_capture_on_commit_callbacks)
