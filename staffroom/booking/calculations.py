"""Pure helpers of online booking: codes and tokens, public references, ICS text, the source report's flags."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.utils.crypto import salted_hmac

CODE_DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(token: str, code: str) -> str:
    """The code is stored hashed, bound to its request's token."""
    return salted_hmac("booking.code", f"{token}:{code.strip()}", algorithm="sha256").hexdigest()


def code_matches(token: str, code: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(code_hash(token, code or ""), stored_hash)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def link_token(key: str) -> str:
    """The client's link token, derived from the row's random key and the server secret."""
    return salted_hmac("booking.link", key, algorithm="sha256").hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def public_ref(business_id: int, kind: str, pk: int) -> str:
    """A stable public name for a service or specialist on a booking page: not an enumerable internal id."""
    return salted_hmac("booking.ref", f"{business_id}:{kind}:{pk}", algorithm="sha256").hexdigest()[:16]


def contact_key(phone: str, email: str) -> str:
    """One normalized contact per request: the phone when there is one, else the e-mail."""
    return f"phone:{phone}" if phone else f"email:{(email or '').lower()}"


def _ics_escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _ics_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """RFC 5545 lines are at most 75 octets; longer ones continue on lines starting with a space."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return [line]
    parts, current = [], b""
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > (75 if not parts else 74):
            parts.append(current.decode())
            current = b""
        current += piece
    parts.append(current.decode())
    return [parts[0]] + [" " + part for part in parts[1:]]


def ics_event(
    *,
    uid: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    summary: str,
    location: str = "",
    description: str = "",
    stamp: dt.datetime,
    cancelled: bool = False,
    sequence: int = 0,
) -> str:
    """An iCalendar file with one event (times in UTC, so every calendar shows them in its own zone)."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Staffroom//Online booking//EN",
        "METHOD:CANCEL" if cancelled else "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"SEQUENCE:{sequence}",
        f"DTSTAMP:{_ics_time(stamp)}",
        f"DTSTART:{_ics_time(starts_at)}",
        f"DTEND:{_ics_time(ends_at)}",
        f"SUMMARY:{_ics_escape(summary)}",
    ]
    if location:
        lines.append(f"LOCATION:{_ics_escape(location)}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_escape(description)}")
    lines.append("STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    folded = [part for line in lines for part in _fold(line)]
    return "\r\n".join(folded) + "\r\n"


@dataclass(frozen=True)
class SourceFigures:
    source: str
    bookings: int
    arrivals: int
    no_shows: int
    cancelled: int
    revenue: Decimal

    @property
    def arrival_percent(self) -> Decimal:
        """Of the bookings that are decided (arrived or no-show), the share that arrived, half-up to 0.1 %."""
        decided = self.arrivals + self.no_shows
        if not decided:
            return Decimal(0)
        return (Decimal(self.arrivals) * 100 / decided).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


# A source is judged only once enough of its bookings are decided; two no-shows out of two say little.
MINIMUM_DECIDED_FOR_FLAG = 5


def rarely_arrives(figures: SourceFigures, threshold_percent: int) -> bool:
    decided = figures.arrivals + figures.no_shows
    return decided >= MINIMUM_DECIDED_FOR_FLAG and figures.arrival_percent < threshold_percent
