"""REST API of online booking: the settings, the review list and the source report (staff), and the small public
booking API a business can build its own front end on (no sign-in; slugs, references and tokens, never ids)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import field_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import PUBLIC, api_permission
from staffroom.tenancy.models import Branch

from . import selectors, services
from .errors import TooManyAttempts
from .models import BookingRequest, BookingSettings, BranchBookingSettings
from .public import over_rate_limit

router = Router(tags=["online booking"])
public_router = Router(tags=["public booking"])


# --- staff ------------------------------------------------------------------------------------------


class BookingSettingsOut(Schema):
    slug: str
    is_enabled: bool
    bookable_service_ids: list[int]
    bookable_specialist_ids: list[int]
    days_ahead: int
    minimum_notice_minutes: int
    slot_step_minutes: int
    change_window_hours: int
    offers_any_specialist: bool
    requires_phone: bool
    requires_email: bool
    client_text: str
    confirmation_channel: str
    reminder_hours_before: int
    attempts_per_contact_per_day: int
    attempts_per_ip_per_hour: int
    attempts_per_device_per_day: int
    no_shows_for_review: int
    screened_for_review: int
    rare_arrival_percent: int


class BookingSettingsPatch(Schema):
    slug: str | None = Field(None, max_length=60)
    is_enabled: bool | None = None
    bookable_service_ids: list[int] | None = Field(None, max_length=500)
    bookable_specialist_ids: list[int] | None = Field(None, max_length=500)
    days_ahead: int | None = None
    minimum_notice_minutes: int | None = None
    slot_step_minutes: int | None = None
    change_window_hours: int | None = None
    offers_any_specialist: bool | None = None
    requires_phone: bool | None = None
    requires_email: bool | None = None
    client_text: str | None = Field(None, max_length=2000)
    confirmation_channel: str | None = None
    reminder_hours_before: int | None = None
    attempts_per_contact_per_day: int | None = None
    attempts_per_ip_per_hour: int | None = None
    attempts_per_device_per_day: int | None = None
    no_shows_for_review: int | None = None
    screened_for_review: int | None = None
    rare_arrival_percent: int | None = None


class BookingBranchIn(Schema):
    slug: str = Field(..., max_length=60)
    is_enabled: bool = True


class BookingBranchOut(Schema):
    branch_id: int
    slug: str
    is_enabled: bool


class BookingReviewOut(Schema):
    id: int
    status: str
    screening_reason: str
    created_at: dt.datetime
    starts_at: dt.datetime
    branch_id: int
    specialist_id: int
    client_id: int | None
    full_name: str
    appointment_id: int | None


class BookingReviewRejectIn(Schema):
    note: str = Field("", max_length=300)


class BookingSourceRowOut(Schema):
    source: str
    medium: str
    campaign: str
    bookings: int
    arrivals: int
    no_shows: int
    cancelled: int
    arrival_percent: Decimal
    revenue: Decimal
    rarely_arrives: bool


def _settings_out(settings: BookingSettings) -> dict:
    return {name: getattr(settings, name) for name in BookingSettingsOut.model_fields}


def _review_out(request: BookingRequest) -> dict:
    return {name: getattr(request, name) for name in BookingReviewOut.model_fields}


@router.get("/booking/settings", response=BookingSettingsOut)
@api_permission(Perm.SETTINGS_MANAGE)
def settings_get(request):
    return _settings_out(selectors.booking_settings_of(request.business))


@router.patch("/booking/settings", response=BookingSettingsOut)
@api_permission(Perm.SETTINGS_MANAGE)
def settings_patch(request, payload: BookingSettingsPatch):
    values = payload.model_dump(exclude_unset=True)
    settings = services.booking_settings_update(actor=request.employee, **values)
    return _settings_out(settings)


@router.put("/booking/branches/{branch_id}", response=BookingBranchOut)
@api_permission(Perm.SETTINGS_MANAGE)
def branch_put(request, branch_id: int, payload: BookingBranchIn):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id)
    row: BranchBookingSettings = services.branch_booking_set(
        actor=request.employee, branch=branch, slug=payload.slug, is_enabled=payload.is_enabled
    )
    return {"branch_id": row.branch_id, "slug": row.slug, "is_enabled": row.is_enabled}


@router.get("/booking/review", response=list[BookingReviewOut])
@api_permission(Perm.CALENDAR_CREATE_APPOINTMENT)
def review_list(request):
    return [_review_out(item) for item in selectors.review_list(request.business)[:200]]


@router.post("/booking/review/{request_id}/approve", response=BookingReviewOut)
@api_permission(Perm.CALENDAR_CREATE_APPOINTMENT)
def review_approve(request, request_id: int):
    item = get_for_business_or_404(BookingRequest, request.business, pk=request_id)
    return _review_out(services.booking_review_approve(actor=request.employee, request=item))


@router.post("/booking/review/{request_id}/reject", response=BookingReviewOut)
@api_permission(Perm.CALENDAR_CREATE_APPOINTMENT)
def review_reject(request, request_id: int, payload: BookingReviewRejectIn):
    item = get_for_business_or_404(BookingRequest, request.business, pk=request_id)
    return _review_out(services.booking_review_reject(actor=request.employee, request=item, note=payload.note))


@router.get("/booking/source-report", response=list[BookingSourceRowOut])
@api_permission(Perm.REPORTS_VIEW_SALES)
def source_report(request, start: IsoDate, end: IsoDate):
    if end < start or (end - start).days > 366:
        raise field_error("end", _("The period is at most a year, ending after it starts."))
    return selectors.source_report(request.business, start, end)


# --- public -----------------------------------------------------------------------------------------


class BookingPublicBranchOut(Schema):
    slug: str
    name: str
    address: str


class BookingPublicPageOut(Schema):
    business_name: str
    language: str
    currency: str
    client_text: str
    offers_any_specialist: bool
    requires_phone: bool
    requires_email: bool
    confirmation_channel: str
    first_date: dt.date
    last_date: dt.date
    branches: list[BookingPublicBranchOut]


class BookingPublicServiceOut(Schema):
    ref: str
    name: str
    duration_minutes: int
    price: Decimal


class BookingPublicSpecialistOut(Schema):
    ref: str
    name: str


class BookingPublicSlotOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    specialist_ref: str


class BookingPublicRequestIn(Schema):
    services: list[str] = Field(..., min_length=1, max_length=10)
    specialist: str = Field(..., max_length=32, description='a specialist reference, or "any"')
    starts_at: dt.datetime
    full_name: str = Field(..., max_length=200)
    phone: str = Field("", max_length=32)
    email: str = Field("", max_length=254)
    accepts_messages: bool = False
    device_id: str = Field("", max_length=64)
    utm_source: str = Field("", max_length=100)
    utm_medium: str = Field("", max_length=100)
    utm_campaign: str = Field("", max_length=100)
    site: str = Field("", max_length=200)
    language: str = Field(
        "", max_length=8, description="the language the client reads (one the page offers); empty: the business's"
    )
    website: str = Field("", max_length=200, description="the honeypot: leave empty")


class BookingPublicRequestOut(Schema):
    token: str
    status: str
    channel: str


class BookingPublicConfirmIn(Schema):
    code: str = Field(..., max_length=12)


class BookingPublicConfirmOut(Schema):
    status: str
    visit_token: str


class BookingPublicVisitOut(Schema):
    status: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    services: list[str]
    specialist_name: str
    branch_name: str
    branch_address: str
    total: Decimal
    can_change: bool
    change_until: dt.datetime


class BookingPublicCancelIn(Schema):
    reason: str = Field(..., max_length=300)


class BookingPublicRescheduleIn(Schema):
    starts_at: dt.datetime
    reason: str = Field("", max_length=300)


def _limited(request) -> None:
    if over_rate_limit(request):
        raise TooManyAttempts()


def _choice(page, service_refs: list[str], specialist_ref: str | None):
    branch = page.branch
    all_services = selectors.bookable_services(page.settings, branch)
    chosen = [service for service in all_services if service.ref in set(service_refs)]
    if len(chosen) != len(set(service_refs)) or not chosen:
        raise field_error("services", _("Choose services offered on this page."))
    specialists = selectors.bookable_specialists(page.settings, branch, chosen)
    if specialist_ref is None:
        return chosen, specialists
    if specialist_ref == "any" and page.settings.offers_any_specialist:
        return chosen, specialists
    found = selectors.by_ref(specialists, specialist_ref)
    if found is None:
        raise field_error("specialist", _("Choose a specialist offered on this page."))
    return chosen, [found]


def _refs(value: str) -> list[str]:
    return [part for part in (value or "").split(",") if part][:10]


@public_router.get("/public/booking/{slug}", response=BookingPublicPageOut, auth=None)
@api_permission(PUBLIC)
def public_page(request, slug: str):
    _limited(request)
    page = selectors.public_page(slug)
    settings = page.settings
    _not_before, first, last = selectors.booking_window(settings)
    return {
        "business_name": settings.business.name,
        "language": settings.business.locale,
        "currency": settings.business.currency,
        "client_text": settings.client_text,
        "offers_any_specialist": settings.offers_any_specialist,
        "requires_phone": settings.requires_phone,
        "requires_email": settings.requires_email,
        "confirmation_channel": settings.confirmation_channel,
        "first_date": first,
        "last_date": last,
        "branches": [{"slug": b.public_slug, "name": b.name, "address": b.address} for b in page.branches],
    }


@public_router.get("/public/booking/{slug}/{branch_slug}/services", response=list[BookingPublicServiceOut], auth=None)
@api_permission(PUBLIC)
def public_services(request, slug: str, branch_slug: str):
    _limited(request)
    page = selectors.public_page(slug, branch_slug)
    return [
        {"ref": s.ref, "name": s.name, "duration_minutes": s.duration_minutes, "price": s.price}
        for s in selectors.bookable_services(page.settings, page.branch)
    ]


@public_router.get(
    "/public/booking/{slug}/{branch_slug}/specialists", response=list[BookingPublicSpecialistOut], auth=None
)
@api_permission(PUBLIC)
def public_specialists(request, slug: str, branch_slug: str, services: str = ""):
    """`services`: comma-separated service references."""
    _limited(request)
    page = selectors.public_page(slug, branch_slug)
    _chosen, specialists = _choice(page, _refs(services), None)
    return [{"ref": s.ref, "name": s.full_name} for s in specialists]


@public_router.get("/public/booking/{slug}/{branch_slug}/slots", response=list[BookingPublicSlotOut], auth=None)
@api_permission(PUBLIC)
def public_slots(request, slug: str, branch_slug: str, date: IsoDate, services: str = "", specialist: str = "any"):
    """Free start times on one local date; `specialist` is a reference or "any"."""
    _limited(request)
    page = selectors.public_page(slug, branch_slug)
    chosen, specialists = _choice(page, _refs(services), specialist)
    refs = {s.pk: s.ref for s in specialists}
    slots = selectors.public_slots(
        page.settings, branch=page.branch, services=chosen, specialists=specialists, date=date
    )
    return [
        {"starts_at": slot["starts_at"], "ends_at": slot["ends_at"], "specialist_ref": refs[slot["specialist_id"]]}
        for slot in slots
    ]


@public_router.post("/public/booking/{slug}/{branch_slug}/requests", response={201: BookingPublicRequestOut}, auth=None)
@api_permission(PUBLIC)
def public_request(request, slug: str, branch_slug: str, payload: BookingPublicRequestIn):
    """Ask for a slot: a code goes to the contact (the business's confirmation channel); confirm it next."""
    _limited(request)
    page = selectors.public_page(slug, branch_slug)
    chosen, specialists = _choice(page, payload.services, payload.specialist)
    if timezone.is_naive(payload.starts_at):
        raise field_error("starts_at", _("Give the time with its time zone."))
    created = services.booking_request_start(
        settings=page.settings,
        branch=page.branch,
        services=chosen,
        specialists=specialists,
        starts_at=payload.starts_at.astimezone(dt.UTC),
        full_name=payload.full_name,
        phone=payload.phone,
        email=payload.email,
        accepts_messages=payload.accepts_messages,
        honeypot=payload.website,
        ip_address=request.META.get("REMOTE_ADDR") or None,
        device_id=payload.device_id,
        language=payload.language,
        source={
            "utm_source": payload.utm_source,
            "utm_medium": payload.utm_medium,
            "utm_campaign": payload.utm_campaign,
            "source_site": payload.site,
            "source_referrer": request.META.get("HTTP_REFERER", "")[:500],
        },
    )
    # A screened request (the honeypot) answers like any other: the bot learns nothing.
    return Status(201, {"token": created.token, "status": "awaiting_code", "channel": created.channel})


@public_router.post("/public/booking/requests/{token}/confirm", response=BookingPublicConfirmOut, auth=None)
@api_permission(PUBLIC)
def public_confirm(request, token: str, payload: BookingPublicConfirmIn):
    _limited(request)
    item = selectors.booking_request_by_token(token)
    item, visit_token = services.booking_request_confirm(request=item, code=payload.code)
    return {"status": item.status, "visit_token": visit_token}


def _visit_out(link) -> dict:
    appointment = link.appointment
    until = services.change_allowed_until(link)
    return {
        "status": appointment.status,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "services": [line.service_name for line in appointment.lines.all()],
        "specialist_name": appointment.specialist.full_name,
        "branch_name": appointment.branch.name,
        "branch_address": appointment.branch.address,
        "total": appointment.total,
        "can_change": appointment.status == "booked" and timezone.now() < until,
        "change_until": until,
    }


@public_router.get("/public/booking/visits/{token}", response=BookingPublicVisitOut, auth=None)
@api_permission(PUBLIC)
def public_visit(request, token: str):
    _limited(request)
    return _visit_out(selectors.link_by_token(token))


@public_router.post("/public/booking/visits/{token}/cancel", response=BookingPublicVisitOut, auth=None)
@api_permission(PUBLIC)
def public_cancel(request, token: str, payload: BookingPublicCancelIn):
    _limited(request)
    link = selectors.link_by_token(token)
    link.appointment = services.client_booking_cancel(link=link, reason=payload.reason)
    return _visit_out(link)


@public_router.post("/public/booking/visits/{token}/reschedule", response=BookingPublicVisitOut, auth=None)
@api_permission(PUBLIC)
def public_reschedule(request, token: str, payload: BookingPublicRescheduleIn):
    _limited(request)
    link = selectors.link_by_token(token)
    if timezone.is_naive(payload.starts_at):
        raise field_error("starts_at", _("Give the time with its time zone."))
    link.appointment = services.client_booking_reschedule(
        link=link, starts_at=payload.starts_at.astimezone(dt.UTC), reason=payload.reason
    )
    return _visit_out(link)
