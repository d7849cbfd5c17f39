"""Reads of online booking: the public page's services, specialists and free slots, the review list, the source
report and the message log."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from staffroom.catalog.models import Service, SpecialistService
from staffroom.scheduling.choices import AppointmentSource, AppointmentStatus
from staffroom.scheduling.models import Appointment
from staffroom.scheduling.selectors import business_day_bounds, free_slot_search, specialists_for_business
from staffroom.tenancy.models import Branch

from .calculations import SourceFigures, link_token, public_ref, rarely_arrives, token_digest
from .choices import RequestStatus
from .models import BookingRequest, BookingSettings, BranchBookingSettings, ClientBookingLink, ClientMessage

SOLD_STATUSES = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)


def booking_settings_of(business) -> BookingSettings:
    """The business's settings row, or unsaved defaults (online booking off) when it has none yet."""
    found = BookingSettings.objects.for_business(business).first()
    if found is not None:
        return found
    return BookingSettings(business=business, slug=f"salon-{business.pk}")


@dataclass
class PublicPage:
    """What a public booking address resolves to: the settings, and the branches the page offers."""

    settings: BookingSettings
    branches: list[Branch]
    branch: Branch | None


def public_page(slug: str, branch_slug: str | None = None) -> PublicPage:
    """404 unless the business takes online bookings (and the branch, if named, does)."""
    settings = (
        BookingSettings.objects.unscoped()
        .select_related("business")
        .filter(slug=slug, is_enabled=True, business__is_active=True)
        .first()
    )
    if settings is None:
        raise Http404
    business = settings.business
    branch_rows = {
        row.branch_id: row for row in BranchBookingSettings.objects.for_business(business).select_related("branch")
    }
    branches = [
        branch
        for branch in Branch.objects.for_business(business).filter(is_active=True).order_by("name", "id")
        if branch.pk in branch_rows and branch_rows[branch.pk].is_enabled
    ]
    for branch in branches:
        branch.public_slug = branch_rows[branch.pk].slug
    branch = None
    if branch_slug is not None:
        branch = next((b for b in branches if b.public_slug == branch_slug), None)
        if branch is None:
            raise Http404
    elif len(branches) == 1:
        branch = branches[0]
    if not branches:
        raise Http404
    return PublicPage(settings=settings, branches=branches, branch=branch)


def bookable_services(settings: BookingSettings, branch) -> list[Service]:
    """Active services that some bookable specialist of the branch provides, each with its public `ref`."""
    business = settings.business
    specialists = bookable_specialists(settings, branch)
    provided = set(
        SpecialistService.objects.for_business(business)
        .filter(specialist__in=[s.pk for s in specialists])
        .values_list("service_id", flat=True)
    )
    services = Service.objects.for_business(business).filter(is_active=True, pk__in=provided).order_by("name", "id")
    if settings.bookable_service_ids:
        services = services.filter(pk__in=settings.bookable_service_ids)
    services = list(services)
    for service in services:
        service.ref = public_ref(business.pk, "service", service.pk)
    return services


def bookable_specialists(settings: BookingSettings, branch, services=()) -> list:
    """Active specialists of the branch offered online who provide every chosen service, with their `ref`."""
    business = settings.business
    specialists = specialists_for_business(business).filter(branches=branch)
    if settings.bookable_specialist_ids:
        specialists = specialists.filter(pk__in=settings.bookable_specialist_ids)
    specialists = list(specialists)
    for service in services:
        providing = set(
            SpecialistService.objects.for_business(business)
            .filter(service=service)
            .values_list("specialist_id", flat=True)
        )
        specialists = [s for s in specialists if s.pk in providing]
    for specialist in specialists:
        specialist.ref = public_ref(business.pk, "specialist", specialist.pk)
    return specialists


def by_ref(items, ref: str):
    return next((item for item in items if item.ref == ref), None)


def durations_for(business, specialists, services) -> dict[int, int]:
    """Minutes the chosen services take with each specialist (their own durations where set)."""
    totals: dict[int, int] = defaultdict(int)
    counted: dict[int, int] = defaultdict(int)
    links = (
        SpecialistService.objects.for_business(business)
        .filter(specialist__in=[s.pk for s in specialists], service__in=[s.pk for s in services])
        .select_related("service")
    )
    for link in links:
        totals[link.specialist_id] += link.effective_duration_minutes
        counted[link.specialist_id] += 1
    return {pk: minutes for pk, minutes in totals.items() if counted[pk] == len(services)}


def booking_window(settings: BookingSettings, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.date, dt.date]:
    """The earliest bookable moment and the first and last bookable local dates."""
    now = now or timezone.now()
    not_before = now + dt.timedelta(minutes=settings.minimum_notice_minutes)
    first = not_before.astimezone(settings.business.zone).date()
    last = now.astimezone(settings.business.zone).date() + dt.timedelta(days=settings.days_ahead)
    return not_before, first, last


def public_slots(
    settings: BookingSettings, *, branch, services, specialists, date: dt.date, exclude_appointment=None
) -> list[dict]:
    """Free start times on one local date for the chosen services with any of `specialists`.

    The staff calendar's search: working hours with breaks, exceptions, opening hours, and every active
    appointment of the specialist in any branch. Each slot keeps the first free specialist at that time.
    """
    business = settings.business
    not_before, first, last = booking_window(settings)
    if not first <= date <= last or not services or not specialists:
        return []
    durations = durations_for(business, specialists, services)
    if exclude_appointment is not None:
        # A reschedule: the visit's own time is not busy for itself.
        durations = {
            exclude_appointment.specialist_id: int(
                (exclude_appointment.ends_at - exclude_appointment.starts_at).total_seconds() // 60
            )
        }
    found = free_slot_search(
        business,
        specialists=specialists,
        first_date=date,
        days=1,
        duration_for=durations,
        step_minutes=settings.slot_step_minutes,
        branch=branch,
        not_before=not_before,
        exclude_pk=exclude_appointment.pk if exclude_appointment is not None else None,
    )
    by_start: dict[dt.datetime, dict] = {}
    for slot in found:
        if slot["branch_id"] not in (None, branch.pk):
            continue
        by_start.setdefault(slot["starts_at"], slot)
    return [by_start[start] for start in sorted(by_start)]


def booking_request_by_token(token: str) -> BookingRequest:
    found = (
        BookingRequest.objects.unscoped()
        .select_related("business", "branch", "specialist")
        .filter(token=token or "")
        .first()
    )
    if found is None:
        raise Http404
    return found


def link_by_token(token: str, now: dt.datetime | None = None) -> ClientBookingLink:
    """The client's link, 404 when unknown or expired (an expired link and a wrong one look the same)."""
    now = now or timezone.now()
    link = (
        ClientBookingLink.objects.unscoped()
        .select_related("business", "appointment__branch", "appointment__specialist", "appointment__client")
        .filter(token_hash=token_digest(token), expires_at__gt=now)
        .first()
    )
    if link is None or link_token(link.key) != token:
        raise Http404
    return link


def review_list(business):
    return (
        BookingRequest.objects.for_business(business)
        .filter(status=RequestStatus.IN_REVIEW)
        .select_related("branch", "specialist", "client")
        .order_by("created_at", "id")
    )


def messages_for_client(business, client, limit: int = 50):
    return ClientMessage.objects.for_business(business).filter(client=client).order_by("-created_at", "-id")[:limit]


def messages_for_appointment(business, appointment):
    return ClientMessage.objects.for_business(business).filter(appointment=appointment).order_by("-created_at", "-id")


def source_label(row: dict) -> str:
    """A booking's source in one word: staff, or online with its UTM source, widget site or referrer host."""
    if row["source"] == AppointmentSource.STAFF:
        return "staff"
    for value in (row["utm_source"], row["source_site"], row["source_referrer"]):
        if value:
            return f"online:{value}"
    return "online"


def source_report(business, start: dt.date, end: dt.date, *, rare_arrival_percent: int | None = None) -> list[dict]:
    """Bookings, arrivals, no-shows and revenue per source for visits on local dates start..end."""
    starts, _ = business_day_bounds(business, start)
    _, ends = business_day_bounds(business, end)
    rows = (
        Appointment.objects.for_business(business)
        .filter(starts_at__gte=starts, starts_at__lt=ends)
        .values("source", "utm_source", "utm_medium", "utm_campaign", "source_site", "source_referrer")
        .annotate(
            bookings=Count("id"),
            arrivals=Count("id", filter=Q(status__in=SOLD_STATUSES)),
            no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
            cancelled=Count("id", filter=Q(status=AppointmentStatus.CANCELLED)),
            revenue=Sum("total", filter=Q(status__in=SOLD_STATUSES)),
        )
        .order_by()
    )
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = (source_label(row), row["utm_medium"], row["utm_campaign"])
        entry = merged.setdefault(
            key,
            {"bookings": 0, "arrivals": 0, "no_shows": 0, "cancelled": 0, "revenue": Decimal(0)},
        )
        for name in ("bookings", "arrivals", "no_shows", "cancelled"):
            entry[name] += row[name]
        entry["revenue"] += row["revenue"] or Decimal(0)
    if rare_arrival_percent is None:
        rare_arrival_percent = booking_settings_of(business).rare_arrival_percent
    report = []
    for (label, medium, campaign), entry in merged.items():
        figures = SourceFigures(
            label, entry["bookings"], entry["arrivals"], entry["no_shows"], entry["cancelled"], entry["revenue"]
        )
        report.append(
            {
                "source": label,
                "medium": medium,
                "campaign": campaign,
                **entry,
                "arrival_percent": figures.arrival_percent,
                "rarely_arrives": rarely_arrives(figures, rare_arrival_percent),
            }
        )
    report.sort(key=lambda item: (-item["bookings"], item["source"], item["medium"], item["campaign"]))
    return report


def branch_settings_of(business):
    return BranchBookingSettings.objects.for_business(business).select_related("branch")
