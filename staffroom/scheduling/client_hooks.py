"""What scheduling answers through the clients app's hooks (registered in `SchedulingConfig.ready()`)."""

from __future__ import annotations

from .models import Appointment


def client_card_visits(actor, client, card: dict, sees_money: bool) -> None:
    """The client card's last hundred visits; a visit's total only for those who see finances."""
    visits = (
        Appointment.objects.for_business(actor.business)
        .filter(client=client)
        .select_related("specialist", "branch")
        .order_by("-starts_at")[:100]
    )
    card["visits"] = [
        {
            "id": visit.pk,
            "starts_at": visit.starts_at,
            "status": visit.status,
            "status_label": str(visit.get_status_display()),
            "specialist": visit.specialist.full_name,
            "branch": visit.branch.name,
            "total": visit.total if sees_money else None,
        }
        for visit in visits
    ]


def client_merged_move_appointments(business, duplicate, keep) -> dict:
    moved = Appointment.objects.for_business(business).filter(client=duplicate).update(client=keep)
    return {"moved_appointments": moved}
