"""Listeners told, inside the changing transaction, that an employee change may have altered billable seats.

Staff does not import billing: billing registers its listener when the app is ready.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable


class SeatPin(int):
    """What a "will my price change?" preview was made against: the ledger version (the int) and the business's
    local day (`as_of`). Staff services pass it through as `expected_seat_version`; billing refuses it as stale
    when either differs at apply time, so a preview made at 23:59 cannot be applied at 00:01."""

    as_of: datetime.date | None

    def __new__(cls, version: int, as_of: datetime.date | None = None):
        pin = super().__new__(cls, version)
        pin.as_of = as_of
        return pin

    def __repr__(self) -> str:
        return f"SeatPin({int(self)}, as_of={self.as_of!r})"


def seat_pin(version, as_of=None) -> SeatPin | None:
    """A pin from a form or API field pair; None when no version was sent (the change is not guarded)."""
    if version is None or version == "":
        return None
    try:
        number = int(version)
    except (TypeError, ValueError):
        return None
    if isinstance(as_of, str):
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            as_of = datetime.date.min  # an unreadable day fails closed: the pin is stale
    return SeatPin(number, as_of if isinstance(as_of, datetime.date) else None)


SeatListener = Callable[..., None]
_listeners: list[SeatListener] = []


def register(listener: SeatListener) -> SeatListener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def seats_may_have_changed(*, actor, business, cause: str, employee=None, expected_seat_version: int | None = None):
    """Called by every staff service that can change a seat, after its writes and before its security event.

    Lock order: the employee row, then the business's subscription (here), then the security chain head (the
    event) — the order billing's own services use too, so the two never wait on each other in a circle.
    """
    for listener in _listeners:
        listener(
            actor=actor,
            business=business,
            cause=cause,
            employee=employee,
            expected_seat_version=expected_seat_version,
        )


# --- "will my price change?" -------------------------------------------------------------------------

_previewers: list[Callable[..., dict | None]] = []


def register_previewer(previewer: Callable[..., dict | None]) -> None:
    if previewer not in _previewers:
        _previewers.append(previewer)


def seat_preview(*, business, **proposal) -> dict | None:
    """The billing effect of a proposed change, without saving it (None when no billing is installed).

    `proposal`: employee (the one being changed, or None for a new one), role, provides_services, status,
    or role + role_permissions for a change of a role's permissions.
    """
    for previewer in _previewers:
        return previewer(business=business, **proposal)
    return None


# --- the seat numbers every page shows ---------------------------------------------------------------

_summarizers: list[Callable[..., object]] = []


def register_seat_summary(summarizer: Callable[..., object]) -> None:
    if summarizer not in _summarizers:
        _summarizers.append(summarizer)


def seat_summary(*, business):
    """Billable employees, included and paid seats, counted by the one selector billing provides (None without
    billing installed): the Employees page shows the same numbers as the preview and the Billing page."""
    for summarizer in _summarizers:
        return summarizer(business)
    return None
