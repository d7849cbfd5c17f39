"""The one interface for messages to clients about their bookings (and to staff about new online bookings).

Services call `message_queue(...)` inside their transaction: it records each message with its channel and a
delivery status (or "skipped" without consent) and delivers it after commit through the task layer
(`staffroom.runtime.tasks`: Celery in production, in-process without a broker). A message that carries a
confirmation code is delivered in-process after commit instead: a code never travels through the broker or the
failed-task records (SECURITY.md 21).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from staffroom.runtime.tasks import background_task, email_after_commit, enqueue

from .calculations import ics_event, link_token
from .choices import DeliveryStatus, MessageChannel, MessageKind
from .models import ClientBookingLink, ClientMessage
from .sms import sms_backend

logger = logging.getLogger("staffroom.booking")

# The code is asked for by the client themselves; every other message needs their consent.
NEEDS_NO_CONSENT = {MessageKind.CODE}


def public_url(path: str) -> str:
    return settings.STAFFROOM_PUBLIC_URL.rstrip("/") + path


def link_url_for(appointment) -> str:
    link = (
        ClientBookingLink.objects.for_business(appointment.business_id)
        .filter(appointment=appointment)
        .order_by("-created_at")
        .first()
    )
    if link is None:
        return ""
    return public_url(reverse("booking:manage", kwargs={"token": link_token(link.key)}))


def _channel_for(*, phone: str, email: str, preferred: str | None) -> tuple[str, str] | None:
    """E-mail when the client has one (it carries the calendar file), else SMS; a preferred channel wins."""
    if preferred == MessageChannel.SMS and phone:
        return MessageChannel.SMS, phone
    if preferred == MessageChannel.EMAIL and email:
        return MessageChannel.EMAIL, email
    if email:
        return MessageChannel.EMAIL, email
    if phone:
        return MessageChannel.SMS, phone
    return None


def message_queue(
    *,
    business,
    kind: str,
    appointment=None,
    client=None,
    phone: str = "",
    email: str = "",
    preferred_channel: str | None = None,
    code: str | None = None,
    dedup_key: str = "",
    language: str | None = None,
) -> ClientMessage | None:
    """Record one message (in the caller's transaction) and deliver it after commit.

    `language` is the one the client picked ("" = the business's); left out, a message about a visit speaks the
    language of the earlier messages about it, so a client who booked in Ukrainian is reminded in Ukrainian."""
    if client is None and appointment is not None:
        client = appointment.client
    if client is not None:
        phone, email = phone or client.phone, email or client.email
    choice = _channel_for(phone=phone, email=email, preferred=preferred_channel)
    if choice is None:
        return None
    channel, recipient = choice
    consented = kind in NEEDS_NO_CONSENT or (client is not None and client.accepts_messages)
    if language is None:
        language = _language_of_earlier_messages(business, appointment)
    message = ClientMessage.objects.create(
        business=business,
        language=language if language in dict(settings.LANGUAGES) else "",
        kind=kind,
        channel=channel,
        recipient=recipient,
        client=client,
        appointment=appointment,
        dedup_key=dedup_key,
        status=DeliveryStatus.PENDING if consented else DeliveryStatus.SKIPPED,
    )
    if consented:
        _deliver_after_commit(message.pk, business.pk, code)
    return message


def _language_of_earlier_messages(business, appointment) -> str:
    if appointment is None:
        return ""
    earlier = (
        ClientMessage.objects.for_business(business)
        .filter(appointment=appointment)
        .exclude(language="")
        .order_by("-created_at", "-id")
        .values_list("language", flat=True)
        .first()
    )
    return earlier or ""


def _deliver_after_commit(message_pk: int, business_pk: int, code: str | None) -> None:
    if code is None:
        enqueue(message_deliver_task, message_pk, business_pk)
    else:
        transaction.on_commit(lambda: message_deliver(message_pk=message_pk, business_pk=business_pk, code=code))


@background_task("booking.message_deliver")
def message_deliver_task(message_pk: int, business_pk: int) -> None:
    message_deliver(message_pk=message_pk, business_pk=business_pk)


def _when(appointment) -> str:
    """The visit's start in the business's zone: the locale's date and a 24-hour time (one style in messages)."""
    local = timezone.localtime(appointment.starts_at, appointment.business.zone)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {local:%H:%M}"


def _services(appointment) -> str:
    return ", ".join(line.service_name for line in appointment.lines.all())


def _texts(message: ClientMessage, code: str | None) -> tuple[str, str]:
    """Subject and body of a message, in the active language (the client's pick, or the business's)."""
    appointment = message.appointment
    business_name = message.business.name
    if message.kind == MessageKind.CODE:
        return (
            _("Your booking code"),
            _("%(business)s: your booking code is %(code)s") % {"business": business_name, "code": code},
        )
    values = {
        "business": business_name,
        "when": _when(appointment),
        "services": _services(appointment),
        "specialist": appointment.specialist.full_name,
        "branch": appointment.branch.name,
        "address": appointment.branch.address,
    }
    if message.kind == MessageKind.CONFIRMATION:
        subject = _("You are booked: %(when)s") % values
        body = _("%(business)s: you are booked for %(services)s with %(specialist)s on %(when)s, %(branch)s.") % values
    elif message.kind == MessageKind.REMINDER:
        subject = _("Reminder: %(when)s") % values
        body = _("%(business)s reminds you of your visit on %(when)s: %(services)s with %(specialist)s.") % values
    elif message.kind == MessageKind.CHANGE:
        subject = _("Your visit was moved: %(when)s") % values
        body = _("%(business)s: your visit is now on %(when)s with %(specialist)s, %(branch)s.") % values
    else:
        subject = _("Your visit was cancelled")
        body = _("%(business)s: your visit on %(when)s was cancelled.") % values
    if message.kind != MessageKind.CANCELLATION:
        url = link_url_for(appointment)
        if url:
            body += "\n" + _("See, move or cancel it: %(url)s") % {"url": url}
    return subject, body


def ics_for(appointment) -> str:
    from staffroom.scheduling.choices import AppointmentStatus

    return ics_event(
        uid=f"appointment-{appointment.pk}-{appointment.business_id}@staffroom",
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        summary=f"{appointment.business.name}: {_services(appointment)}",
        location=", ".join(part for part in (appointment.branch.name, appointment.branch.address) if part),
        description=appointment.specialist.full_name,
        stamp=timezone.now(),
        cancelled=appointment.status == AppointmentStatus.CANCELLED,
        sequence=appointment.version,
    )


def message_deliver(*, message_pk: int, business_pk: int, code: str | None = None) -> None:
    """Send one recorded message and store the outcome. Idempotent: a message already sent is not sent again."""
    message = (
        ClientMessage.objects.for_business(business_pk)
        .select_related("business", "appointment__business", "appointment__specialist", "appointment__branch")
        .filter(pk=message_pk, status=DeliveryStatus.PENDING)
        .first()
    )
    if message is None:
        return
    with translation.override(message.language or message.business.locale or settings.LANGUAGE_CODE):
        subject, body = _texts(message, code)
        if message.channel == MessageChannel.EMAIL:
            email = EmailMessage(subject, body, None, [message.recipient])
            if message.appointment is not None:
                email.attach("visit.ics", ics_for(message.appointment), "text/calendar")
            try:
                email.send()
            except OSError as error:  # SMTP and socket failures
                message.status, message.error = DeliveryStatus.FAILED, str(error)[:300]
            else:
                message.status, message.provider = DeliveryStatus.SENT, "email"
        else:
            result = sms_backend().send(to=message.recipient, text=body)
            message.provider, message.provider_message_id = result.provider, result.message_id
            message.status = DeliveryStatus.SENT if result.delivered else DeliveryStatus.FAILED
            message.error = result.error
    if message.status == DeliveryStatus.SENT:
        message.sent_at = timezone.now()
    message.save(update_fields=["status", "provider", "provider_message_id", "error", "sent_at", "updated_at"])


def staff_notify_new_booking(*, appointment_pk: int, business_pk: int) -> None:
    """E-mail the specialist and whoever books in the branch that a client booked online."""
    from staffroom.scheduling.models import Appointment
    from staffroom.staff.catalogue import Perm
    from staffroom.staff.models import Employee, EmployeeStatus
    from staffroom.staff.permissions import has_permission

    appointment = (
        Appointment.objects.for_business(business_pk)
        .select_related("business", "specialist", "branch", "client")
        .filter(pk=appointment_pk)
        .first()
    )
    if appointment is None:
        return
    employees = (
        Employee.objects.for_business(business_pk)
        .filter(status=EmployeeStatus.ACTIVE)
        .select_related("person", "role", "business")
    )
    recipients = set()
    for employee in employees:
        if employee.pk == appointment.specialist_id or has_permission(
            employee, Perm.CALENDAR_CREATE_APPOINTMENT, branch=appointment.branch
        ):
            address = (employee.person.email if employee.person_id else "") or employee.email
            if address:
                recipients.add(address)
    if not recipients:
        return
    with translation.override(appointment.business.locale or settings.LANGUAGE_CODE):
        values = {
            "client": appointment.client.full_name,
            "when": _when(appointment),
            "services": _services(appointment),
            "specialist": appointment.specialist.full_name,
        }
        subject = _("New online booking: %(when)s") % values
        body = _("%(client)s booked %(services)s with %(specialist)s on %(when)s online.") % values
        body += "\n" + public_url(reverse("scheduling:appointment", kwargs={"appointment_id": appointment.pk}))
        for address in sorted(recipients):
            email_after_commit(subject=subject, body=body, recipients=[address])


STAFF_EVENT_MESSAGES = {
    "created": MessageKind.CONFIRMATION,
    "rescheduled": MessageKind.CHANGE,
    "cancelled": MessageKind.CANCELLATION,
}


def on_staff_appointment_change(event: str, appointment) -> None:
    """Staff booked, moved or cancelled a visit: tell the client, where the business has set up client messages
    (an online-booking settings row) and the client consents."""
    from .models import BookingSettings

    kind = STAFF_EVENT_MESSAGES.get(event)
    if kind is None or not BookingSettings.objects.for_business(appointment.business_id).exists():
        return
    message_queue(business=appointment.business, kind=kind, appointment=appointment)
