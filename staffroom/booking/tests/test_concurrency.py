"""Real threads against PostgreSQL: twenty clients confirm the same online slot at once; exactly one is booked."""

import pytest

from staffroom.booking import services
from staffroom.booking.calculations import code_hash
from staffroom.booking.choices import RequestStatus
from staffroom.booking.models import BookingRequest
from staffroom.core.errors import Conflict
from staffroom.core.testing import run_at_once
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.tests.factories import local

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_twenty_concurrent_online_bookings_of_one_slot_book_exactly_one(
    booking_settings, haircut, working_specialist, branch, tomorrow
):
    business = booking_settings.business
    starts_at = local(business, tomorrow, 10)
    requests = []
    for index in range(20):
        token = f"token-{index:02d}-" + "x" * 30
        requests.append(
            BookingRequest.objects.create(
                business=business,
                token=token,
                branch=branch,
                specialist=working_specialist,
                service_ids=[haircut.pk],
                starts_at=starts_at,
                full_name=f"Client {index}",
                phone=f"+791611100{index:02d}",
                contact_key=f"phone:+791611100{index:02d}",
                channel="email",
                code_hash=code_hash(token, "123456"),
                code_expires_at=starts_at,
            )
        )

    def confirm(index):
        return services.booking_request_confirm(request=requests[index], code="123456")

    outcomes = run_at_once(20, confirm)
    booked = [outcome for outcome in outcomes if isinstance(outcome, tuple)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, Conflict)]
    assert len(booked) == 1 and len(refused) == 19, outcomes
    assert Appointment.objects.for_business(business).filter(status="booked").count() == 1
    assert BookingRequest.objects.for_business(business).filter(status=RequestStatus.BOOKED).count() == 1
