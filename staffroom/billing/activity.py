"""Where the savings advisor learns who used their paid rights: sources registered by the apps that know.

Each source is `(business, since) -> set of employee ids` who, since that moment, created an appointment or an
order, took a payment or provided a service. Calendar, payments and orders register theirs in `ready()`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

ActivitySource = Callable[[object, datetime.datetime], set[int]]
_sources: dict[str, ActivitySource] = {}


def register_activity_source(name: str, source: ActivitySource) -> None:
    _sources[name] = source


def unregister_activity_source(name: str) -> None:
    _sources.pop(name, None)


def activity_source_names() -> list[str]:
    return sorted(_sources)


def employees_with_paid_activity(business, since: datetime.datetime) -> set[int]:
    active: set[int] = set()
    for source in _sources.values():
        active |= set(source(business, since))
    return active
