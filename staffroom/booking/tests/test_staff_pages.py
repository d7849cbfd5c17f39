"""Staff side: settings page and service validation, the calendar marker, the message log, the source report,
and KPI/payroll crediting nobody for online bookings."""

import datetime as dt
from decimal import Decimal

import pytest

from staffroom.booking.models import BookingSettings, BranchBookingSettings
from staffroom.booking.selectors import source_report
from staffroom.booking.services import booking_settings_update
from staffroom.core.errors import PermissionDenied, ValidationFailed
from staffroom.reports.selectors import kpi_figures
from staffroom.scheduling.tests.factories import local, make_appointment, make_client

from .conftest import code_from_outbox
from .helpers import contact, slot_url

pytestmark = pytest.mark.django_db


def test_the_owner_turns_online_booking_on_from_the_settings_page(client_for, owner, business, branch):
    page = client_for(owner)
    assert page.get("/settings/online-booking/").status_code == 200
    form = {
        "slug": "my-salon",
        "is_enabled": "on",
        "days_ahead": 14,
        "minimum_notice_minutes": 30,
        "slot_step_minutes": 15,
        "change_window_hours": 12,
        "offers_any_specialist": "on",
        "requires_phone": "on",
        "requires_email": "on",
        "client_text": "Welcome",
        "confirmation_channel": "email",
        "reminder_hours_before": 24,
        "attempts_per_contact_per_day": 5,
        "attempts_per_ip_per_hour": 20,
        "attempts_per_device_per_day": 5,
        "no_shows_for_review": 2,
        "screened_for_review": 3,
        "rare_arrival_percent": 50,
    }
    assert page.post("/settings/online-booking/", form).status_code == 302
    settings = BookingSettings.objects.for_business(business).get()
    assert settings.slug == "my-salon" and settings.is_enabled and settings.days_ahead == 14
    response = page.post(
        f"/settings/online-booking/branches/{branch.pk}/",
        {f"branch{branch.pk}-slug": "north", f"branch{branch.pk}-is_enabled": "on"},
    )
    assert response.status_code == 302
    assert BranchBookingSettings.objects.for_business(business).get().slug == "north"
    shown = page.get("/settings/online-booking/?utm_source=vk&utm_campaign=may").content.decode()
    assert "/my-salon/book/" in shown and "utm_source=vk" in shown and "&lt;iframe" in shown


def test_bad_settings_are_field_errors_and_change_nothing(administrator, owner, business, other_business):
    with pytest.raises(PermissionDenied):
        booking_settings_update(actor=administrator, slug="salon")
    with pytest.raises(ValidationFailed) as failure:
        booking_settings_update(actor=owner, slug="calendar", slot_step_minutes=0, days_ahead="7")
    assert set(failure.value.errors) == {"slug", "slot_step_minutes", "days_ahead"}
    BookingSettings.objects.create(business=other_business, slug="taken-one")
    with pytest.raises(ValidationFailed) as failure:
        booking_settings_update(actor=owner, slug="taken-one")
    assert "slug" in failure.value.errors
    from staffroom.catalog.models import Service

    foreign = Service.objects.create(business=other_business, name="Foreign", duration_minutes=30, price=Decimal(1))
    with pytest.raises(ValidationFailed):
        booking_settings_update(actor=owner, bookable_service_ids=[foreign.pk])
    assert not BookingSettings.objects.for_business(business).exists()


def test_the_settings_page_is_for_settings_managers_only(client_for, administrator, specialist):
    assert client_for(administrator).get("/settings/online-booking/").status_code == 403
    assert client_for(specialist).get("/settings/online-booking/").status_code == 403


def test_an_online_booking_is_marked_in_the_calendar_and_its_messages_are_on_the_card(
    client, client_for, booking_settings, haircut, administrator, branch, tomorrow
):
    url, params = slot_url(booking_settings, haircut, date=tomorrow, hour=10)
    response = client.post(url, {**params, **contact()})
    client.post(response["Location"], {"code": code_from_outbox()})
    staff = client_for(administrator)
    day = staff.get(f"/calendar/?branch={branch.pk}&date={tomorrow.isoformat()}").content.decode()
    assert 'data-marker="online"' in day
    from staffroom.scheduling.models import Appointment

    appointment = Appointment.objects.for_business(booking_settings.business).get()
    card = staff.get(f"/calendar/appointments/{appointment.pk}/").content.decode()
    assert 'data-marker="online"' in card and 'data-message-kind="confirmation"' in card
    client_card = staff.get(f"/clients/{appointment.client_id}/").content.decode()
    assert 'data-message-kind="confirmation"' in client_card


def test_the_source_report_counts_and_flags_sources_that_rarely_arrive(
    client_for, business, branch, working_specialist, administrator, specialist, tomorrow
):
    day = tomorrow - dt.timedelta(days=3)
    for index, status in enumerate(["arrived"] + ["no_show"] * 5):
        appointment = make_appointment(
            business,
            specialist=working_specialist,
            client=make_client(business),
            branch=branch,
            starts_at=local(business, day, 9 + index),
            status=status,
        )
        appointment.source, appointment.utm_source, appointment.created_by = "online", "ads", None
        appointment.save()
    make_appointment(
        business,
        specialist=working_specialist,
        client=make_client(business),
        branch=branch,
        starts_at=local(business, day, 16),
        status="completed",
        created_by=administrator,
    )
    rows = {row["source"]: row for row in source_report(business, day, day)}
    assert rows["online:ads"]["bookings"] == 6 and rows["online:ads"]["no_shows"] == 5
    assert rows["online:ads"]["rarely_arrives"] and not rows["staff"]["rarely_arrives"]
    assert rows["staff"]["revenue"] == Decimal("1000.00") and rows["online:ads"]["revenue"] == Decimal("1000.00")
    page = client_for(administrator).get(f"/reports/sources/?start={day}&end={day}")
    assert page.status_code == 200 and b'data-flag="rarely-arrives"' in page.content
    assert client_for(specialist).get("/reports/sources/").status_code == 403
    # KPI: nobody is credited with the online bookings.
    figures = kpi_figures(business, day, day)
    assert None not in figures
    assert figures[administrator.pk]["appointments_created"] == Decimal(1)
    assert all(figures[pk]["appointments_created"] == 0 for pk in (working_specialist.pk, specialist.pk))


def test_staff_moving_or_cancelling_a_visit_tells_the_consenting_client(
    administrator, booking_settings, working_specialist, branch, haircut, tomorrow, django_capture_on_commit_callbacks
):
    from django.core import mail

    from staffroom.booking.models import ClientMessage
    from staffroom.scheduling import services as scheduling

    business = booking_settings.business
    consenting = make_client(business, accepts_messages=True, email="c@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = scheduling.appointment_create(
            actor=administrator,
            client=consenting,
            specialist=working_specialist,
            branch=branch,
            starts_at=local(business, tomorrow, 10),
            services=[haircut],
        )
        scheduling.appointment_reschedule(
            actor=administrator, appointment=appointment, starts_at=local(business, tomorrow, 12)
        )
        scheduling.appointment_cancel(actor=administrator, appointment=appointment, reason="Closed")
    kinds = list(ClientMessage.objects.for_business(business).order_by("id").values_list("kind", "status"))
    assert kinds == [("confirmation", "sent"), ("change", "sent"), ("cancellation", "sent")]
    assert [m.to for m in mail.outbox] == [["c@example.test"]] * 3
