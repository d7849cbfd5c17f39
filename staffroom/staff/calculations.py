"""Seat classification: a pure function of an employee's rights (never of role names)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .catalogue import PAID_RIGHTS

REASON_LABELS = {
    "blocked": _("Blocked employees are free"),
    "designated_owner": _("The designated owner is free while providing no services"),
    "provides_services": _("Provides services"),
    "can_create_appointments": _("Can create appointments"),
    "can_create_orders": _("Can create orders"),
    "can_process_payments": _("Can take payments"),
    "no_paid_rights": _("No paid rights (cannot book, sell or take payments)"),
}


@dataclass(frozen=True)
class SeatStatus:
    is_billable: bool
    reasons: tuple[str, ...]

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASON_LABELS[reason]) for reason in self.reasons]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reason_labels)


def classify_seat(
    *, is_active: bool, provides_services: bool, permissions: Iterable[str], is_designated_owner: bool
) -> SeatStatus:
    """Billable when active and providing services or holding a paid right; the designated owner is free
    unless providing services; blocked employees are always free."""
    if not is_active:
        return SeatStatus(False, ("blocked",))
    if provides_services:
        return SeatStatus(True, ("provides_services",))
    if is_designated_owner:
        return SeatStatus(False, ("designated_owner",))
    held = set(permissions)
    paid = tuple(reason for code, reason in PAID_RIGHTS.items() if code in held)
    if paid:
        return SeatStatus(True, paid)
    return SeatStatus(False, ("no_paid_rights",))
