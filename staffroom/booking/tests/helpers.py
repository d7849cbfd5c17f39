"""Helpers for the booking tests: walk the public page to a slot and post the contact step."""

from __future__ import annotations

import datetime as dt

from staffroom.booking.calculations import public_ref
from staffroom.scheduling.tests.factories import local


def slot_url(settings, service, *, specialist=None, date: dt.date, hour: int, minute: int = 0) -> tuple[str, dict]:
    business = settings.business
    starts_at = local(business, date, hour, minute)
    params = {
        "s": public_ref(business.pk, "service", service.pk),
        "p": public_ref(business.pk, "specialist", specialist.pk) if specialist else "any",
        "d": date.isoformat(),
        "t": starts_at.isoformat(),
    }
    return f"/{settings.slug}/book/", params


def contact(**overrides) -> dict:
    data = {
        "full_name": "Olga Online",
        "phone": "+79161112233",
        "email": "olga@example.test",
        "accepts_messages": "on",
        "website": "",
    }
    data.update(overrides)
    return data
