"""Listeners told, inside the changing transaction, that an employee change may have altered billable seats.

Staff does not import billing: billing registers its listener when the app is ready.
"""

from __future__ import annotations

from collections.abc import Callable

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
