"""Every change of online booking: settings, the public request (screening, code), review, the client's own link."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.clients.calculations import InvalidPhone, normalize_phone
from staffroom.core.errors import Conflict, ValidationFailed, field_error
from staffroom.scheduling import services as scheduling
from staffroom.scheduling.choices import AppointmentStatus
from staffroom.security.services import security_event_record
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import require

from . import notifications
from .calculations import code_hash, code_matches, contact_key, link_token, new_code, new_token, token_digest
from .choices import ConfirmationChannel, MessageKind, RequestStatus
from .errors import TooManyAttempts
from .models import BookingRequest, BookingSettings, BranchBookingSettings, ClientBookingLink
from .selectors import booking_settings_of, public_slots

CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_TRIES = 5
# How far back screened attempts and no-shows count towards sending a contact to review.
REVIEW_LOOKBACK = dt.timedelta(days=90)
# After the visit, the client's link still shows it for this long (then it expires).
LINK_AFTER_VISIT = dt.timedelta(days=7)
SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])$")
# First path segments of the staff side: a booking slug equal to one would shadow or be shadowed by it.
RESERVED_SLUGS = frozenset(
    {
        "accounts", "api", "operator", "i18n", "jsi18n", "static", "media", "calendar", "clients", "services",
        "settings", "employees", "billing", "support", "reports", "payroll", "orders", "payments", "security",
        "business", "book", "booking", "catalog", "tasks", "health", "admin", "me", "profile",
    }
)  # fmt: skip
SETTINGS_FIELDS = {
    "is_enabled": bool,
    "days_ahead": (1, 365),
    "minimum_notice_minutes": (0, 60 * 24 * 14),
    "slot_step_minutes": (5, 240),
    "change_window_hours": (0, 24 * 14),
    "offers_any_specialist": bool,
    "requires_phone": bool,
    "requires_email": bool,
    "client_text": str,
    "confirmation_channel": ConfirmationChannel,
    "reminder_hours_before": (0, 24 * 7),
    "attempts_per_contact_per_day": (1, 1000),
    "attempts_per_ip_per_hour": (1, 10000),
    "attempts_per_device_per_day": (1, 1000),
    "no_shows_for_review": (1, 100),
    "screened_for_review": (1, 100),
    "rare_arrival_percent": (0, 100),
}


def _settings_snapshot(settings: BookingSettings) -> dict:
    snapshot = {name: getattr(settings, name) for name in SETTINGS_FIELDS}
    snapshot.update(
        slug=settings.slug,
        bookable_service_ids=list(settings.bookable_service_ids),
        bookable_specialist_ids=list(settings.bookable_specialist_ids),
    )
    return snapshot


def _check_slug(slug: str, field: str = "slug") -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise field_error(field, _("Use 3–60 lower-case letters, digits and hyphens, not a reserved word."))
    return slug


def _ids_of(model, business, ids, field: str, **filters) -> list[int]:
    try:
        wanted = sorted({int(pk) for pk in ids or ()})
    except (TypeError, ValueError) as error:
        raise field_error(field, _("Choose valid options of this business.")) from error
    found = set(model.objects.for_business(business).filter(pk__in=wanted, **filters).values_list("pk", flat=True))
    if set(wanted) - found:
        raise field_error(field, _("Choose valid options of this business."))
    return wanted


@transaction.atomic
def booking_settings_update(*, actor, **values) -> BookingSettings:
    """Change the online-booking settings (every value validated before it is saved, SECURITY.md 38)."""
    require(actor, Perm.SETTINGS_MANAGE)
    business = actor.business
    settings = BookingSettings.objects.for_business(business).select_for_update().first() or booking_settings_of(
        business
    )
    before = _settings_snapshot(settings) if settings.pk else None
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        kind = SETTINGS_FIELDS.get(name)
        if name == "slug":
            try:
                settings.slug = _check_slug(value)
            except ValidationFailed as error:
                errors.update(error.errors)
            continue
        if name in ("bookable_service_ids", "bookable_specialist_ids"):
            from staffroom.catalog.models import Service
            from staffroom.staff.models import Employee

            model = Service if name == "bookable_service_ids" else Employee
            try:
                setattr(settings, name, _ids_of(model, business, value, name))
            except ValidationFailed as error:
                errors.update(error.errors)
            continue
        if kind is None:
            errors[name] = [_("Unknown setting.")]
        elif kind is bool:
            setattr(settings, name, bool(value))
        elif kind is str:
            setattr(settings, name, str(value or "").strip()[:2000])
        elif kind is ConfirmationChannel:
            if value not in ConfirmationChannel.values:
                errors[name] = [_("Choose a confirmation channel.")]
            else:
                setattr(settings, name, value)
        else:
            low, high = kind
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[name] = [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
            else:
                setattr(settings, name, value)
    if (
        "slug" not in errors
        and BookingSettings.objects.unscoped().filter(slug=settings.slug).exclude(business=business).exists()
    ):
        errors["slug"] = [_("This address is taken; choose another.")]
    if errors:
        raise ValidationFailed(errors=errors)
    settings.save()
    security_event_record(
        event_type="booking.settings_changed",
        actor=actor,
        target=settings,
        target_label=str(_("Online booking")),
        before=before,
        after=_settings_snapshot(settings),
    )
    return settings


@transaction.atomic
def branch_booking_set(*, actor, branch, slug: str, is_enabled: bool) -> BranchBookingSettings:
    require(actor, Perm.SETTINGS_MANAGE, obj=branch)
    slug = _check_slug(slug)
    business = actor.business
    taken = BranchBookingSettings.objects.for_business(business).filter(slug=slug).exclude(branch=branch).exists()
    if taken:
        raise field_error("slug", _("This address is taken; choose another."))
    row, _created = BranchBookingSettings.objects.for_business(business).update_or_create(
        business=business, branch=branch, defaults={"slug": slug, "is_enabled": bool(is_enabled)}
    )
    security_event_record(
        event_type="booking.branch_settings_changed",
        actor=actor,
        target=branch,
        branch=branch,
        after={"slug": slug, "is_enabled": bool(is_enabled)},
    )
    return row


# --- the public flow ---------------------------------------------------------------------------------


def _clean_contact(settings: BookingSettings, full_name: str, phone: str, email: str) -> tuple[str, str, str]:
    errors: dict[str, list[str]] = {}
    full_name = (full_name or "").strip()
    if not full_name:
        errors["full_name"] = [_("Enter your name.")]
    elif len(full_name) > 200:
        errors["full_name"] = [_("The name is too long.")]
    try:
        phone = normalize_phone(phone or "", settings.business.country)
    except InvalidPhone:
        errors["phone"] = [_("Enter a valid phone number.")]
    email = (email or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    needs_phone = settings.requires_phone or settings.confirmation_channel == ConfirmationChannel.SMS
    needs_email = settings.requires_email or settings.confirmation_channel == ConfirmationChannel.EMAIL
    if needs_phone and not phone and "phone" not in errors:
        errors["phone"] = [_("Enter your phone number.")]
    if needs_email and not email and "email" not in errors:
        errors["email"] = [_("Enter your e-mail address.")]
    if errors:
        raise ValidationFailed(errors=errors)
    return full_name, phone, email


def _limit_reason(settings: BookingSettings, *, key: str, ip_address: str | None, device_id: str, now) -> str:
    business = settings.business
    requests = BookingRequest.objects.for_business(business)
    day_ago, hour_ago = now - dt.timedelta(days=1), now - dt.timedelta(hours=1)
    if requests.filter(contact_key=key, created_at__gte=day_ago).count() >= settings.attempts_per_contact_per_day:
        return "contact_limit"
    if ip_address and (
        requests.filter(ip_address=ip_address, created_at__gte=hour_ago).count() >= settings.attempts_per_ip_per_hour
    ):
        return "ip_limit"
    if device_id and (
        requests.filter(device_id=device_id, created_at__gte=day_ago).count() >= settings.attempts_per_device_per_day
    ):
        return "device_limit"
    return ""


LIMIT_REASONS = ("contact_limit", "ip_limit", "device_limit")


def booking_request_start(
    *,
    settings: BookingSettings,
    branch,
    services: Sequence,
    specialists: Sequence,
    starts_at: dt.datetime,
    full_name: str,
    phone: str = "",
    email: str = "",
    accepts_messages: bool = False,
    honeypot: str = "",
    ip_address: str | None = None,
    device_id: str = "",
    source: dict | None = None,
    language: str = "",
) -> BookingRequest:
    """The client asks for a slot: screened, recorded, and a code sent to the contact that confirms it.

    A limit reached is recorded (it counts as a screened attempt) and then refused with 429; a filled honeypot
    is recorded as screened and answered like a normal request, so a bot learns nothing. Nothing is booked yet.
    """
    full_name, phone, email = _clean_contact(settings, full_name, phone, email)
    if language and language not in dict(django_settings.LANGUAGES):
        raise field_error("language", _("Choose one of the languages the page offers."))
    if not services:
        raise field_error("services", _("Choose at least one service."))
    if not specialists:
        raise field_error("specialist", _("Choose a specialist."))
    now = timezone.now()
    local_date = starts_at.astimezone(settings.business.zone).date()
    free = {
        slot["starts_at"]: slot
        for slot in public_slots(settings, branch=branch, services=services, specialists=specialists, date=local_date)
    }
    slot = free.get(starts_at)
    if slot is None:
        raise field_error("starts_at", _("This time is no longer available. Choose another."))
    specialist = next(s for s in specialists if s.pk == slot["specialist_id"])
    key = contact_key(phone, email)
    channel = settings.confirmation_channel
    token = new_token()
    with transaction.atomic():
        reason = "honeypot" if (honeypot or "").strip() else ""
        reason = reason or _limit_reason(settings, key=key, ip_address=ip_address, device_id=device_id, now=now)
        request = BookingRequest.objects.create(
            business=settings.business,
            token=token,
            status=RequestStatus.SCREENED if reason else RequestStatus.AWAITING_CODE,
            screening_reason=reason,
            branch=branch,
            specialist=specialist,
            service_ids=[service.pk for service in services],
            starts_at=starts_at,
            full_name=full_name,
            phone=phone,
            email=email,
            contact_key=key,
            accepts_messages=bool(accepts_messages),
            channel=channel,
            ip_address=ip_address or None,
            device_id=(device_id or "")[:64],
            source={name: str(value)[:500] for name, value in (source or {}).items() if value},
            language=language,
        )
        if not reason:
            code = new_code()
            request.code_hash = code_hash(token, code)
            request.code_expires_at = now + CODE_LIFETIME
            request.save(update_fields=["code_hash", "code_expires_at", "updated_at"])
            notifications.message_queue(
                business=settings.business,
                kind=MessageKind.CODE,
                phone=phone if channel == ConfirmationChannel.SMS else "",
                email=email if channel == ConfirmationChannel.EMAIL else "",
                preferred_channel=channel,
                code=code,
                language=request.language,
            )
        security_event_record(
            event_type="booking.requested",
            business=settings.business,
            target=request,
            target_label=full_name,
            branch=branch,
            outcome="failure" if reason else "success",
            after={"status": request.status, "reason": reason, "starts_at": starts_at},
        )
    if reason in LIMIT_REASONS:
        raise TooManyAttempts()
    return request


def _needs_review(settings: BookingSettings, request: BookingRequest, client, now) -> str:
    from staffroom.scheduling.models import Appointment

    business = settings.business
    if client is not None:
        no_shows = (
            Appointment.objects.for_business(business)
            .filter(client=client, status=AppointmentStatus.NO_SHOW, starts_at__gte=now - REVIEW_LOOKBACK)
            .count()
        )
        if no_shows >= settings.no_shows_for_review:
            return "no_shows"
    screened = BookingRequest.objects.for_business(business).filter(
        status__in=(RequestStatus.SCREENED, RequestStatus.REJECTED), created_at__gte=now - REVIEW_LOOKBACK
    )
    by_contact = screened.filter(contact_key=request.contact_key).count()
    by_device = screened.filter(device_id=request.device_id).count() if request.device_id else 0
    if max(by_contact, by_device) >= settings.screened_for_review:
        return "screened_attempts"
    return ""


def _services_of(request: BookingRequest):
    from staffroom.catalog.models import Service

    found = {s.pk: s for s in Service.objects.for_business(request.business).filter(pk__in=request.service_ids)}
    return [found[pk] for pk in request.service_ids if pk in found]


def _link_create(appointment) -> str:
    key = secrets.token_urlsafe(32)
    token = link_token(key)
    ClientBookingLink.objects.create(
        business=appointment.business,
        appointment=appointment,
        key=key,
        token_hash=token_digest(token),
        expires_at=appointment.ends_at + LINK_AFTER_VISIT,
    )
    return token


def _book(request: BookingRequest, client) -> str:
    """Create the appointment of a confirmed (or approved) request; returns the client's link token."""
    appointment = scheduling.appointment_create_online(
        business=request.business,
        client=client,
        specialist=request.specialist,
        branch=request.branch,
        starts_at=request.starts_at,
        services=_services_of(request),
        source=request.source,
    )
    request.appointment = appointment
    request.status = RequestStatus.BOOKED
    token = _link_create(appointment)
    notifications.message_queue(
        business=request.business,
        kind=MessageKind.CONFIRMATION,
        appointment=appointment,
        preferred_channel=request.channel,
        language=request.language,
    )
    appointment_pk, business_pk = appointment.pk, request.business_id
    transaction.on_commit(
        lambda: notifications.staff_notify_new_booking(appointment_pk=appointment_pk, business_pk=business_pk)
    )
    return token


def booking_request_confirm(*, request: BookingRequest, code: str) -> tuple[BookingRequest, str]:
    """Check the code; then book (or send to review). Returns the request and the client's link token ("" if none).

    A wrong code is counted even though the answer is an error, so guessing ends after a few tries.
    """
    from staffroom.clients.services import client_find_or_create_online

    now = timezone.now()
    with transaction.atomic():
        request = BookingRequest.objects.for_business(request.business).select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.AWAITING_CODE or request.code_attempts >= CODE_TRIES:
            raise Conflict(_("This booking request is closed. Start again."))
        if request.code_expires_at is None or request.code_expires_at <= now:
            request.status = RequestStatus.EXPIRED
            request.save(update_fields=["status", "updated_at"])
            failure = field_error("code", _("The code has expired. Start again."))
        elif not code_matches(request.token, code, request.code_hash):
            request.code_attempts += 1
            if request.code_attempts >= CODE_TRIES:
                request.status, request.screening_reason = RequestStatus.SCREENED, "wrong_codes"
            request.save(update_fields=["code_attempts", "status", "screening_reason", "updated_at"])
            failure = field_error("code", _("The code is not right."))
        else:
            failure = None
    if failure is not None:
        raise failure
    settings = booking_settings_of(request.business)
    with transaction.atomic():
        request = BookingRequest.objects.for_business(request.business).select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.AWAITING_CODE:
            raise Conflict(_("This booking request is closed. Start again."))
        client = client_find_or_create_online(
            business=request.business,
            full_name=request.full_name,
            phone=request.phone,
            email=request.email,
            accepts_messages=request.accepts_messages,
        )
        request.client = client
        request.code_hash = ""
        token = ""
        reason = _needs_review(settings, request, client, now)
        if reason:
            request.status, request.screening_reason = RequestStatus.IN_REVIEW, reason
        else:
            token = _book(request, client)
        request.save()
        security_event_record(
            event_type="booking.confirmed",
            business=request.business,
            target=request,
            target_label=request.full_name,
            branch=request.branch,
            after={"status": request.status, "reason": reason, "appointment_id": request.appointment_id},
        )
    return request, token


def _locked_request(actor, request: BookingRequest) -> BookingRequest:
    # Lock the request row only: PostgreSQL cannot lock the nullable side (the client) of an outer join.
    return (
        BookingRequest.objects.for_business(actor.business)
        .select_for_update(of=("self",))
        .select_related("business", "branch", "specialist", "client")
        .get(pk=request.pk)
    )


@transaction.atomic
def booking_review_approve(*, actor, request: BookingRequest) -> BookingRequest:
    """The administrator lets a reviewed request into the calendar (if its time is still free)."""
    require(actor, Perm.CALENDAR_CREATE_APPOINTMENT, branch=request.branch, obj=request)
    request = _locked_request(actor, request)
    if request.status != RequestStatus.IN_REVIEW:
        raise Conflict(_("This request was already decided."))
    _book(request, request.client)
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save()
    security_event_record(
        event_type="booking.review_approved",
        actor=actor,
        target=request,
        target_label=request.full_name,
        branch=request.branch,
        after={"appointment_id": request.appointment_id},
    )
    return request


@transaction.atomic
def booking_review_reject(*, actor, request: BookingRequest, note: str = "") -> BookingRequest:
    require(actor, Perm.CALENDAR_CREATE_APPOINTMENT, branch=request.branch, obj=request)
    request = _locked_request(actor, request)
    if request.status != RequestStatus.IN_REVIEW:
        raise Conflict(_("This request was already decided."))
    request.status = RequestStatus.REJECTED
    request.review_note = (note or "").strip()[:300]
    request.reviewed_by, request.reviewed_at = actor, timezone.now()
    request.save()
    security_event_record(
        event_type="booking.review_rejected",
        actor=actor,
        target=request,
        target_label=request.full_name,
        branch=request.branch,
        after={"note": request.review_note},
    )
    return request


# --- the client's own link ----------------------------------------------------------------------------


def change_allowed_until(link: ClientBookingLink) -> dt.datetime:
    settings = booking_settings_of(link.business)
    return link.appointment.starts_at - dt.timedelta(hours=settings.change_window_hours)


def _check_window(link: ClientBookingLink) -> None:
    if link.appointment.status != AppointmentStatus.BOOKED:
        raise Conflict(_("This visit can no longer be changed."))
    if timezone.now() >= change_allowed_until(link):
        raise Conflict(_("It is too late to change this visit online. Please call us."))


@transaction.atomic
def client_booking_cancel(*, link: ClientBookingLink, reason: str):
    _check_window(link)
    appointment = scheduling.appointment_cancel_by_client(
        business=link.business, appointment=link.appointment, reason=reason
    )
    notifications.message_queue(business=link.business, kind=MessageKind.CANCELLATION, appointment=appointment)
    return appointment


@transaction.atomic
def client_booking_reschedule(*, link: ClientBookingLink, starts_at: dt.datetime, reason: str = ""):
    _check_window(link)
    settings = booking_settings_of(link.business)
    appointment = link.appointment
    local_date = starts_at.astimezone(link.business.zone).date()
    services = [line.service for line in appointment.lines.select_related("service")]
    free = public_slots(
        settings,
        branch=appointment.branch,
        services=services,
        specialists=[appointment.specialist],
        date=local_date,
        exclude_appointment=appointment,
    )
    if starts_at not in {slot["starts_at"] for slot in free}:
        raise field_error("starts_at", _("This time is no longer available. Choose another."))
    appointment = scheduling.appointment_reschedule_by_client(
        business=link.business, appointment=appointment, starts_at=starts_at, reason=reason
    )
    ClientBookingLink.objects.for_business(link.business).filter(appointment=appointment).update(
        expires_at=appointment.ends_at + LINK_AFTER_VISIT
    )
    notifications.message_queue(business=link.business, kind=MessageKind.CHANGE, appointment=appointment)
    return appointment


# --- reminders ----------------------------------------------------------------------------------------


def booking_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Queue the reminders that are due: a booked visit starting within the business's reminder hours.

    Run every few minutes (management command `send_booking_reminders`). Each visit is reminded once per start
    time (a moved visit is reminded again); without the client's consent the message is recorded as skipped.
    """
    from django.db import IntegrityError

    from staffroom.scheduling.models import Appointment

    now = now or timezone.now()
    queued = 0
    for settings in BookingSettings.objects.unscoped().select_related("business").filter(business__is_active=True):
        if not settings.reminder_hours_before:
            continue
        due = (
            Appointment.objects.for_business(settings.business)
            .filter(
                status=AppointmentStatus.BOOKED,
                starts_at__gt=now,
                starts_at__lte=now + dt.timedelta(hours=settings.reminder_hours_before),
            )
            .select_related("client", "business", "branch", "specialist")
        )
        for appointment in due:
            key = f"reminder:{appointment.pk}:{appointment.starts_at.isoformat()}"
            try:
                with transaction.atomic():
                    message = notifications.message_queue(
                        business=settings.business, kind=MessageKind.REMINDER, appointment=appointment, dedup_key=key
                    )
            except IntegrityError:
                continue  # reminded already
            if message is not None:
                queued += 1
    return queued
