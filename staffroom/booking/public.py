"""What the public booking pages and the public API share: rate limit, device cookie, source, slot parsing."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import wraps
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from staffroom.core.context import client_ip
from staffroom.core.errors import field_error

from .errors import TooManyAttempts

DEVICE_COOKIE = "sr_booking_device"
SOURCE_PARAMETERS = ("utm_source", "utm_medium", "utm_campaign", "site", "ref")
# Carried from step to step beside the source: the language the client picked (a GET parameter, not a cookie, so
# the switch works inside an iframe on the business's own site, where third-party cookies may be refused).
CARRIED_PARAMETERS = (*SOURCE_PARAMETERS, "lang")


def over_rate_limit(request) -> bool:
    """A fixed one-minute window per IP address over every public booking page and API route."""
    ip = client_ip(request) or "unknown"
    window = int(dt.datetime.now(dt.UTC).timestamp() // 60)
    key = f"booking:public:{ip}:{window}"
    if cache.add(key, 1, timeout=120):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            count = 1
    return count > settings.BOOKING_PUBLIC_REQUESTS_PER_MINUTE


def rate_limited(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if over_rate_limit(request):
            raise TooManyAttempts()
        return view(request, *args, **kwargs)

    return wrapped


def device_id(request) -> tuple[str, bool]:
    """The device cookie's value, and whether it is new (then the response sets it)."""
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if 20 <= len(value) <= 64 and value.replace("-", "").replace("_", "").isalnum():
        return value, False
    return secrets.token_urlsafe(24), True


def set_device_cookie(response, value: str) -> None:
    secure = settings.SESSION_COOKIE_SECURE
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=secure,
        # Inside the business's own site (an iframe) only a SameSite=None cookie arrives, and that needs HTTPS.
        samesite="None" if secure else "Lax",
    )


def source_from(request, data=None) -> dict:
    """The source parameters a page carries along (first visit: the referrer of an outside site)."""
    data = data if data is not None else request.GET
    source = {name: (data.get(name) or "").strip()[:200] for name in CARRIED_PARAMETERS}
    if source["lang"] not in dict(settings.LANGUAGES):
        source["lang"] = ""
    if not source["ref"]:
        referrer = request.META.get("HTTP_REFERER", "")
        host = urlparse(referrer).hostname or ""
        if referrer and host and host != request.get_host().split(":")[0]:
            source["ref"] = referrer[:200]
    return {name: value for name, value in source.items() if value}


def source_query(source: dict) -> str:
    return urlencode(source)


def appointment_source(source: dict) -> dict:
    """Attribution fields of the appointment, from the carried parameters."""
    return {
        "utm_source": source.get("utm_source", ""),
        "utm_medium": source.get("utm_medium", ""),
        "utm_campaign": source.get("utm_campaign", ""),
        "source_site": source.get("site", ""),
        "source_referrer": source.get("ref", ""),
    }


def parse_date(value: str, field: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError as error:
        raise field_error(field, _("Choose a date.")) from error


def parse_moment(value: str, field: str = "starts_at") -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat((value or "").replace("Z", "+00:00"))
    except ValueError as error:
        raise field_error(field, _("Choose a time.")) from error
    if moment.tzinfo is None:
        raise field_error(field, _("Choose a time."))
    return moment.astimezone(dt.UTC)
