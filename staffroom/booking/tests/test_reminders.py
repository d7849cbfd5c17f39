"""Reminders with a frozen clock: once, N real hours before the visit in any time zone, never for cancelled
visits, never without consent."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from staffroom.booking.choices import DeliveryStatus, MessageKind
from staffroom.booking.models import BookingSettings, ClientMessage
from staffroom.booking.services import booking_reminders_send
from staffroom.scheduling.calculations import local_to_utc
from staffroom.scheduling.tests.factories import first_branch, make_appointment, make_client, make_weekly_schedule
from staffroom.staff.tests.factories import make_business, make_employee

pytestmark = pytest.mark.django_db


def _business_with_visit(zone: str, date: dt.date, time: dt.time, *, consent=True, hours=24):
    business = make_business(name=f"Salon {zone}", time_zone=zone)
    BookingSettings.objects.create(business=business, slug=f"s-{business.pk}-x", reminder_hours_before=hours)
    branch = first_branch(business)
    specialist = make_employee(business, "specialist")
    make_weekly_schedule(specialist, branch, intervals=((dt.time(0), dt.time(23, 59)),))
    client = make_client(business, accepts_messages=consent)
    starts_at = local_to_utc(date, time, business.zone)
    appointment = make_appointment(business, specialist=specialist, client=client, branch=branch, starts_at=starts_at)
    return business, appointment


def _reminders(business):
    return ClientMessage.objects.for_business(business).filter(kind=MessageKind.REMINDER)


def _run(now, capture):
    with time_machine.travel(now, tick=False), capture(execute=True):
        return booking_reminders_send()


@pytest.mark.parametrize("zone", ["Asia/Vladivostok", "America/New_York"])
def test_sent_once_when_the_visit_is_n_hours_away(zone, django_capture_on_commit_callbacks):
    business, appointment = _business_with_visit(zone, dt.date(2026, 1, 31), dt.time(0, 30))
    due = appointment.starts_at - dt.timedelta(hours=24)
    assert _run(due - dt.timedelta(minutes=1), django_capture_on_commit_callbacks) == 0
    assert _run(due + dt.timedelta(minutes=5), django_capture_on_commit_callbacks) == 1
    assert _run(due + dt.timedelta(minutes=10), django_capture_on_commit_callbacks) == 0
    reminder = _reminders(business).get()
    assert reminder.status == DeliveryStatus.SENT and reminder.appointment == appointment
    assert len(mail.outbox) == 1
    # The text names the visit's local wall-clock time (00:30 on Jan 31 in the business's zone).
    assert "00:30" in mail.outbox[0].body and "31, 2026" in mail.outbox[0].body


def test_across_the_spring_dst_change_it_is_still_24_real_hours(django_capture_on_commit_callbacks):
    _business_with_visit("America/New_York", dt.date(2026, 3, 9), dt.time(10))
    # 10:00 EDT on March 9 is 14:00 UTC; 24 hours earlier is 09:00 EST (14:00 UTC) on March 8.
    assert _run(dt.datetime(2026, 3, 8, 13, 59, tzinfo=dt.UTC), django_capture_on_commit_callbacks) == 0
    assert _run(dt.datetime(2026, 3, 8, 14, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks) == 1


def test_not_for_cancelled_visits(django_capture_on_commit_callbacks):
    business, appointment = _business_with_visit("Europe/Moscow", dt.date(2026, 2, 28), dt.time(23, 59))
    appointment.status = "cancelled"
    appointment.save()
    assert _run(appointment.starts_at - dt.timedelta(hours=1), django_capture_on_commit_callbacks) == 0
    assert not _reminders(business).exists() and mail.outbox == []


def test_not_without_consent_but_recorded_as_skipped(django_capture_on_commit_callbacks):
    business, appointment = _business_with_visit("Europe/Moscow", dt.date(2028, 2, 29), dt.time(9), consent=False)
    _run(appointment.starts_at - dt.timedelta(hours=2), django_capture_on_commit_callbacks)
    _run(appointment.starts_at - dt.timedelta(hours=1), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert list(_reminders(business).values_list("status", flat=True)) == [DeliveryStatus.SKIPPED]


def test_a_moved_visit_is_reminded_again_for_its_new_time(django_capture_on_commit_callbacks):
    business, appointment = _business_with_visit("Asia/Vladivostok", dt.date(2026, 12, 31), dt.time(23, 59))
    _run(appointment.starts_at - dt.timedelta(hours=3), django_capture_on_commit_callbacks)
    appointment.starts_at += dt.timedelta(hours=2)
    appointment.ends_at += dt.timedelta(hours=2)
    appointment.save()
    _run(appointment.starts_at - dt.timedelta(hours=3), django_capture_on_commit_callbacks)
    assert _reminders(business).count() == 2


def test_the_command_runs_the_same_job(django_capture_on_commit_callbacks, capsys):
    _business, appointment = _business_with_visit("Europe/Moscow", dt.date(2026, 6, 1), dt.time(12))
    moment = appointment.starts_at - dt.timedelta(hours=1)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_booking_reminders")
    assert "1 reminder(s) queued" in capsys.readouterr().out
