"""Booking guarantees: no double booking, working hours, reschedule, cancel, statuses, who created it."""

import datetime as dt
from decimal import Decimal

import pytest

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.scheduling import services
from staffroom.scheduling.models import Appointment
from staffroom.security.models import SecurityEvent

from .factories import local, make_service


def book(actor, business, *, client, specialist, branch, service, when):
    return services.appointment_create(
        actor=actor, client=client, specialist=specialist, branch=branch, starts_at=when, services=[service]
    )


def test_booking_stores_creator_lines_and_end_from_durations(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    colour = make_service(business, name="Colour", duration=90, price="3000.00", specialists=[working_specialist])
    appointment = services.appointment_create(
        actor=administrator,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 10),
        services=[haircut, colour],
    )
    assert appointment.created_by == administrator
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=150)
    assert appointment.total == Decimal("4500.00")
    lines = list(appointment.lines.order_by("position"))
    assert [line.service_name for line in lines] == ["Haircut", "Colour"]
    assert lines[0].category_id == haircut.category_id
    events = SecurityEvent.objects.for_business(business).filter(event_type="appointment.created")
    assert events.count() == 1


def test_overlapping_booking_is_refused_with_the_conflicting_appointment(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    first = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    with pytest.raises(Conflict) as caught:
        book(
            administrator,
            business,
            client=a_client,
            specialist=working_specialist,
            branch=branch,
            service=haircut,
            when=local(business, tomorrow, 10, 30),
        )
    assert caught.value.extra["conflicting_appointment"]["id"] == first.pk
    # Back to back is fine: intervals are half-open.
    book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 11),
    )


def test_booking_outside_working_hours_is_refused_without_the_override(
    business, call_center_operator, owner, a_client, working_specialist, branch, haircut, tomorrow
):
    with pytest.raises(ValidationFailed) as caught:
        book(
            call_center_operator,
            business,
            client=a_client,
            specialist=working_specialist,
            branch=branch,
            service=haircut,
            when=local(business, tomorrow, 17, 30),
        )
    assert "starts_at" in caught.value.errors
    assert caught.value.extra["can_confirm_outside_hours"] is False
    # The owner holds calendar.book_outside_hours, but the right alone never skips the check.
    with pytest.raises(ValidationFailed) as caught:
        book(
            owner,
            business,
            client=a_client,
            specialist=working_specialist,
            branch=branch,
            service=haircut,
            when=local(business, tomorrow, 17, 30),
        )
    assert "confirm_outside_hours" in caught.value.errors
    assert caught.value.extra["can_confirm_outside_hours"] is True
    assert not Appointment.objects.for_business(business).exists()
    services.appointment_create(
        actor=owner,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        starts_at=local(business, tomorrow, 17, 30),
        services=[haircut],
        confirm_outside_hours=True,
    )
    event = SecurityEvent.objects.for_business(business).get(event_type="appointment.created")
    assert event.after["outside_hours"] is True


def test_overlapping_reschedule_is_refused(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    second = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 12),
    )
    with pytest.raises(Conflict):
        services.appointment_reschedule(
            actor=administrator, appointment=second, starts_at=local(business, tomorrow, 10, 15)
        )
    second.refresh_from_db()
    assert second.starts_at == local(business, tomorrow, 12)
    moved = services.appointment_reschedule(
        actor=administrator, appointment=second, starts_at=local(business, tomorrow, 14)
    )
    assert moved.ends_at == local(business, tomorrow, 15)


def test_cancelled_time_can_be_booked_again_and_cancel_needs_a_reason(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    first = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    with pytest.raises(ValidationFailed):
        services.appointment_cancel(actor=administrator, appointment=first, reason=" ")
    services.appointment_cancel(actor=administrator, appointment=first, reason="Client called")
    first.refresh_from_db()
    assert first.status == "cancelled" and first.cancelled_by == administrator
    book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )


def test_status_flow(business, administrator, a_client, working_specialist, branch, haircut, tomorrow):
    appointment = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    services.appointment_status_set(actor=administrator, appointment=appointment, status="arrived")
    services.appointment_status_set(actor=administrator, appointment=appointment, status="completed")
    with pytest.raises(Conflict):
        services.appointment_status_set(actor=administrator, appointment=appointment, status="no_show")


def test_specialist_cannot_book_and_viewer_cannot_cancel(
    business, specialist, viewer, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    with pytest.raises(PermissionDenied):
        book(
            specialist,
            business,
            client=a_client,
            specialist=working_specialist,
            branch=branch,
            service=haircut,
            when=local(business, tomorrow, 10),
        )
    appointment = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    with pytest.raises(PermissionDenied):
        services.appointment_cancel(actor=viewer, appointment=appointment, reason="no")


def test_specialist_must_provide_the_service(business, administrator, a_client, working_specialist, branch, tomorrow):
    other = make_service(business, name="Massage")
    with pytest.raises(ValidationFailed) as caught:
        book(
            administrator,
            business,
            client=a_client,
            specialist=working_specialist,
            branch=branch,
            service=other,
            when=local(business, tomorrow, 10),
        )
    assert "service_ids" in caught.value.errors
    assert Appointment.objects.for_business(business).count() == 0


def test_changing_services_moves_the_end_and_refuses_a_clash(
    business, administrator, a_client, working_specialist, branch, haircut, tomorrow
):
    colour = make_service(business, name="Colour", duration=90, price="3000.00", specialists=[working_specialist])
    first = book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 10),
    )
    book(
        administrator,
        business,
        client=a_client,
        specialist=working_specialist,
        branch=branch,
        service=haircut,
        when=local(business, tomorrow, 12),
    )
    with pytest.raises(Conflict):
        services.appointment_services_set(actor=administrator, appointment=first, services=[haircut, colour])
    changed = services.appointment_services_set(actor=administrator, appointment=first, services=[colour])
    assert changed.ends_at == local(business, tomorrow, 11, 30)
    assert changed.total == Decimal("3000.00")
    assert [line.service_name for line in changed.lines.all()] == ["Colour"]
    assert SecurityEvent.objects.for_business(business).filter(event_type="appointment.updated").count() == 1
