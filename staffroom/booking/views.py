"""Public booking pages (no sign-in, phone width first) and the staff pages: settings, review list, source report."""

from __future__ import annotations

import datetime as dt

from django.conf import settings as django_settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.forms import add_service_error
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.staff.catalogue import Perm
from staffroom.staff.permissions import PUBLIC, permission_required
from staffroom.tenancy.middleware import activate_business_language
from staffroom.tenancy.models import Branch

from . import selectors, services
from .choices import RequestStatus
from .errors import TooManyAttempts
from .forms import BookingSettingsForm, BranchBookingForm, CancelForm, ContactForm
from .models import BookingRequest
from .notifications import ics_for
from .public import (
    appointment_source,
    device_id,
    over_rate_limit,
    parse_date,
    parse_moment,
    set_device_cookie,
    source_from,
    source_query,
)


def _public(view):
    """Public booking pages: declared public, rate-limited per IP, embeddable, in the business's language.

    CSRF is not checked: these forms carry no ambient authority (no session; the device cookie only limits),
    and inside the business's own site (an iframe) the Lax CSRF cookie would not even arrive.
    """

    @permission_required(PUBLIC)
    @xframe_options_exempt
    @csrf_exempt
    def wrapped(request, *args, **kwargs):
        if over_rate_limit(request):
            return render(request, "booking/public_error.html", {"message": TooManyAttempts().message}, status=429)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _in_business_language(request, business) -> None:
    """The business's language, or the one the client picked in the page's switch (`lang`, carried by every link
    and form of the flow)."""
    chosen = request.GET.get("lang") or request.POST.get("lang")
    if chosen in dict(django_settings.LANGUAGES):
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
    else:
        activate_business_language(request, business)
    timezone.activate(business.zone)


def _with_language(response, language: str | None):
    """A redirect inside the flow keeps the language the client picked."""
    if language in dict(django_settings.LANGUAGES):
        response["Location"] += f"?lang={language}"
    return response


def _page_url(page, branch=None) -> str:
    branch = branch or page.branch
    if branch is not None and len(page.branches) > 1:
        return reverse("booking:branch_page", kwargs={"slug": page.settings.slug, "branch_slug": branch.public_slug})
    return reverse("booking:page", kwargs={"slug": page.settings.slug})


def _days(settings) -> list[dt.date]:
    _not_before, first, last = selectors.booking_window(settings)
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


@_public
@require_http_methods(["GET", "POST"])
def booking_page(request, slug: str, branch_slug: str | None = None):
    """Services → specialist or "any" → a free slot → name and contact. Each step is a plain GET of this page."""
    page = selectors.public_page(slug, branch_slug)
    settings = page.settings
    _in_business_language(request, settings.business)
    source = source_from(request, request.POST if request.method == "POST" else request.GET)
    context = {"page": page, "settings": settings, "business": settings.business, "source_query": source_query(source)}
    context["source"] = source
    if page.branch is None:
        context["branch_links"] = [(branch, _page_url(page, branch)) for branch in page.branches]
        return render(request, "booking/public_branches.html", context)
    branch = page.branch
    data = request.POST if request.method == "POST" else request.GET
    all_services = selectors.bookable_services(settings, branch)
    chosen = [service for service in all_services if service.ref in data.getlist("s")]
    context.update(branch=branch, services=all_services, chosen=chosen, chosen_refs=[s.ref for s in chosen])
    context["page_url"] = _page_url(page)
    if not chosen:
        return render(request, "booking/public_page.html", context | {"step": "services"})
    specialists = selectors.bookable_specialists(settings, branch, chosen)
    context["specialists"] = specialists
    choice = data.get("p", "")
    if choice == "any" and settings.offers_any_specialist:
        picked = specialists
    else:
        specialist = selectors.by_ref(specialists, choice)
        picked = [specialist] if specialist else []
    context["specialist_choice"] = choice if picked else ""
    if not picked:
        return render(request, "booking/public_page.html", context | {"step": "specialist"})
    days = _days(settings)
    try:
        date = parse_date(data.get("d", ""))
    except ApplicationError:
        date = days[0] if days else None
    if date not in days:
        date = days[0] if days else None
    slots = (
        selectors.public_slots(settings, branch=branch, services=chosen, specialists=picked, date=date) if date else []
    )
    context.update(days=days, date=date, slots=slots)
    try:
        starts_at = parse_moment(data.get("t", ""))
    except ApplicationError:
        starts_at = None
    if starts_at is None or starts_at not in {slot["starts_at"] for slot in slots}:
        return render(request, "booking/public_page.html", context | {"step": "slot"})
    context["starts_at"] = starts_at
    context["specialist_name"] = next(
        (
            s.full_name
            for s in picked
            if s.pk == next(sl for sl in slots if sl["starts_at"] == starts_at)["specialist_id"]
        ),
        "",
    )
    form = ContactForm(request.POST or None, settings=settings)
    context["form"] = form
    device, is_new_device = device_id(request)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            booking_request = services.booking_request_start(
                settings=settings,
                branch=branch,
                services=chosen,
                specialists=picked,
                starts_at=starts_at,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                accepts_messages=form.cleaned_data["accepts_messages"],
                honeypot=form.cleaned_data["website"],
                ip_address=request.META.get("REMOTE_ADDR") or None,
                device_id=device,
                source=appointment_source(source),
                language=source.get("lang", ""),
            )
        except ApplicationError as error:
            add_service_error(form, error, {"services": "__all__", "specialist": "__all__", "starts_at": "__all__"})
            status = error.status_code
        else:
            response = _with_language(redirect("booking:code", token=booking_request.token), source.get("lang"))
            if is_new_device:
                set_device_cookie(response, device)
            return response
    elif request.method == "POST":
        status = 422
    response = render(request, "booking/public_page.html", context | {"step": "contact"}, status=status)
    if is_new_device:
        set_device_cookie(response, device)
    return response


@_public
@require_http_methods(["GET", "POST"])
def booking_code(request, token: str):
    """The code sent to the contact confirms the request; then booked (the client's link) or "in review"."""
    booking_request = selectors.booking_request_by_token(token)
    business = booking_request.business
    _in_business_language(request, business)
    context = {"business": business, "booking_request": booking_request, "token": token}
    if booking_request.status == RequestStatus.IN_REVIEW:
        return render(request, "booking/public_review.html", context)
    if booking_request.status == RequestStatus.BOOKED:
        # The link itself was shown once, right after the code; it is in the confirmation message too.
        return render(request, "booking/public_review.html", context | {"booked": True})
    error = ""
    status = 200
    if request.method == "POST":
        try:
            booking_request, link_token = services.booking_request_confirm(
                request=booking_request, code=request.POST.get("code", "")
            )
        except ApplicationError as failure:
            error = next(iter(failure.errors.get("code", [])), failure.message)
            status = failure.status_code
        else:
            if link_token:
                return _with_language(redirect("booking:manage", token=link_token), request.GET.get("lang"))
            return render(request, "booking/public_review.html", context | {"booking_request": booking_request})
    context.update(error=error, channel=booking_request.get_channel_display())
    return render(request, "booking/public_code.html", context, status=status)


@_public
@require_http_methods(["GET", "POST"])
def booking_manage(request, token: str):
    """The client's own link: the visit, an ICS file, cancel or reschedule within the window."""
    link = selectors.link_by_token(token)
    business = link.business
    _in_business_language(request, business)
    settings = selectors.booking_settings_of(business)
    appointment = link.appointment
    until = services.change_allowed_until(link)
    can_change = appointment.status == "booked" and timezone.now() < until
    context = {
        "business": business,
        "appointment": appointment,
        "lines": list(appointment.lines.all()),
        "token": token,
        "can_change": can_change,
        "change_until": until,
        "cancel_form": CancelForm(),
    }
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                form = CancelForm(request.POST)
                context["cancel_form"] = form
                if not form.is_valid():
                    raise ApplicationError(_("Say why you cancel."), errors={"reason": [_("Say why you cancel.")]})
                services.client_booking_cancel(link=link, reason=form.cleaned_data["reason"])
                messages.success(request, _("Your visit is cancelled."))
            elif action == "reschedule":
                services.client_booking_reschedule(
                    link=link,
                    starts_at=parse_moment(request.POST.get("t", "")),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Your visit is moved."))
            else:
                raise ApplicationError(_("Choose what to do."))
        except ApplicationError as error:
            context["error"] = error.message
            status = error.status_code
        else:
            return _with_language(redirect("booking:manage", token=token), request.GET.get("lang"))
    if can_change and request.GET.get("d"):
        days = _days(settings)
        try:
            date = parse_date(request.GET.get("d", ""))
        except ApplicationError:
            date = days[0] if days else None
        services_of = [line.service for line in appointment.lines.select_related("service")]
        context.update(
            days=days,
            date=date,
            slots=selectors.public_slots(
                settings,
                branch=appointment.branch,
                services=services_of,
                specialists=[appointment.specialist],
                date=date,
                exclude_appointment=appointment,
            )
            if date in days
            else [],
        )
    elif can_change:
        context["days"] = _days(settings)
    return render(request, "booking/public_manage.html", context, status=status)


@_public
@require_http_methods(["GET"])
def booking_ics(request, token: str):
    link = selectors.link_by_token(token)
    with translation.override(link.business.locale):
        body = ics_for(link.appointment)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="visit.ics"'
    return response


# --- staff pages ------------------------------------------------------------------------------------


@permission_required(Perm.SETTINGS_MANAGE)
@require_http_methods(["GET", "POST"])
def settings_page(request):
    business = request.business
    settings = selectors.booking_settings_of(business)
    form = BookingSettingsForm(request.POST or None, instance_settings=settings, business=business)
    if request.method == "POST" and form.is_valid():
        try:
            services.booking_settings_update(actor=request.employee, **form.service_values())
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Online-booking settings saved."))
            return redirect("booking:settings")
    branch_rows = {row.branch_id: row for row in selectors.branch_settings_of(business)}
    branches = []
    for branch in Branch.objects.for_business(business).filter(is_active=True).order_by("name", "id"):
        row = branch_rows.get(branch.pk)
        branches.append(
            {
                "branch": branch,
                "row": row,
                "form": BranchBookingForm(
                    initial={"slug": row.slug if row else "", "is_enabled": row.is_enabled if row else False},
                    prefix=f"branch{branch.pk}",
                ),
            }
        )
    page_url = ""
    if settings.pk:
        page_url = request.build_absolute_uri(reverse("booking:page", kwargs={"slug": settings.slug}))
    campaign = {name: request.GET.get(name, "").strip()[:100] for name in ("utm_source", "utm_medium", "utm_campaign")}
    campaign = {name: value for name, value in campaign.items() if value}
    context = {
        "form": form,
        "settings": settings,
        "branches": branches,
        "page_url": page_url,
        "campaign_url": f"{page_url}?{source_query(campaign)}" if page_url and campaign else "",
        "campaign": campaign,
        "status": 422 if request.method == "POST" else 200,
    }
    return render(request, "booking/settings.html", context, status=context["status"])


@permission_required(Perm.SETTINGS_MANAGE)
@require_POST
def branch_settings_save(request, branch_id: int):
    branch = get_for_business_or_404(Branch, request.business, pk=branch_id)
    form = BranchBookingForm(request.POST, prefix=f"branch{branch.pk}")
    if form.is_valid():
        try:
            services.branch_booking_set(
                actor=request.employee,
                branch=branch,
                slug=form.cleaned_data["slug"],
                is_enabled=form.cleaned_data["is_enabled"],
            )
        except ApplicationError as error:
            messages.error(request, "; ".join(m for ms in error.errors.values() for m in ms) or error.message)
        else:
            messages.success(request, _("Branch booking page saved."))
    else:
        messages.error(request, _("Use 3–60 lower-case letters, digits and hyphens, not a reserved word."))
    return redirect("booking:settings")


@permission_required(Perm.CALENDAR_CREATE_APPOINTMENT)
@require_http_methods(["GET"])
def review_list_page(request):
    requests = list(selectors.review_list(request.business)[:200])
    return render(request, "booking/review_list.html", {"requests": requests})


@permission_required(Perm.CALENDAR_CREATE_APPOINTMENT)
@require_POST
def review_decide(request, request_id: int):
    booking_request = get_for_business_or_404(BookingRequest, request.business, pk=request_id)
    try:
        if request.POST.get("decision") == "approve":
            services.booking_review_approve(actor=request.employee, request=booking_request)
            messages.success(request, _("The booking is in the calendar."))
        else:
            services.booking_review_reject(
                actor=request.employee, request=booking_request, note=request.POST.get("note", "")
            )
            messages.success(request, _("The request is rejected."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("booking:review")


@permission_required(Perm.REPORTS_VIEW_SALES)
@require_http_methods(["GET"])
def source_report_page(request):
    business = request.business
    today = timezone.now().astimezone(business.zone).date()
    try:
        start = parse_date(request.GET.get("start", ""), "start")
        end = parse_date(request.GET.get("end", ""), "end")
    except ApplicationError:
        start, end = today.replace(day=1), today
    if end < start or (end - start).days > 366:
        start, end = today.replace(day=1), today
    rows = selectors.source_report(business, start, end)
    return render(request, "booking/source_report.html", {"rows": rows, "start": start, "end": end})
