"""Support's scheduled work: the SLA sweep."""

import datetime

from staffroom.runtime.tasks import periodic_job

from .services import sla_sweep as sla_sweep_service


@periodic_job("support.sla_sweep", stale_after=datetime.timedelta(minutes=30))
def sla_sweep() -> int:
    """Every five minutes: mark tickets past their SLA deadline as breached and notify (each breach once)."""
    return sla_sweep_service()
