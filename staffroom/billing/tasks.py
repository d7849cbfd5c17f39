"""Billing's scheduled work: each time zone's billing run at its local morning."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

from staffroom.runtime.tasks import periodic_job
from staffroom.tenancy.models import Business

from .services import billing_run


def zones_at_local_hour(now: datetime.datetime, hour: int) -> list[tuple[str, datetime.date]]:
    """The businesses' time zones whose local clock shows `hour` at `now`, each with its local date."""
    zones = Business.objects.order_by().values_list("time_zone", flat=True).distinct()
    due = []
    for name in zones:
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if local.hour == hour:
            due.append((name, local.date()))
    return due


@periodic_job("billing.run_local_morning", stale_after=datetime.timedelta(hours=2))
def run_local_morning() -> dict:
    """Hourly: the billing run for every time zone where it is now the morning hour, on that zone's local date.

    A run that was missed (no worker that hour) is caught up by the next morning's run, which handles
    everything due on or before its date.
    """
    totals = {"zones": 0, "invoices_issued": 0, "terms_opened": 0, "moved_to_grace": 0, "moved_to_read_only": 0}
    for zone, local_date in zones_at_local_hour(timezone.now(), settings.BILLING_RUN_LOCAL_HOUR):
        report = billing_run(run_date=local_date, time_zone=zone)
        totals["zones"] += 1
        for field in ("invoices_issued", "terms_opened", "moved_to_grace", "moved_to_read_only"):
            totals[field] += getattr(report, field)
    return totals
