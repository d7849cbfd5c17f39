"""Billing's scheduled work: each time zone's billing run at its local morning."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone

from staffroom.runtime.tasks import job_progress, periodic_job
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


JOB_NAME = "billing.run_local_morning"


@periodic_job(JOB_NAME, stale_after=datetime.timedelta(hours=2))
def run_local_morning() -> dict:
    """Hourly: the billing run for every time zone where it is now the morning hour, on that zone's local date.

    A run that was missed (no worker that hour) is caught up by the next morning's run, which handles
    everything due on or before its date.
    """
    totals = {"zones": 0, "invoices_issued": 0, "terms_opened": 0, "moved_to_grace": 0, "moved_to_read_only": 0}
    for zone, local_date in zones_at_local_hour(timezone.now(), settings.BILLING_RUN_LOCAL_HOUR):

        def progress(report, zone=zone, local_date=local_date):
            # The operator console's PeriodicJob row: this zone's subscriptions done of due, and the last batch.
            job_progress(
                JOB_NAME,
                done=report.subscriptions_done,
                total=report.subscriptions_due,
                note=f"{zone} {local_date}: batch {report.batches_done}, {report.invoices_issued} invoices issued",
            )

        report = billing_run(run_date=local_date, time_zone=zone, progress=progress)
        totals["zones"] += 1
        for field in ("invoices_issued", "terms_opened", "moved_to_grace", "moved_to_read_only"):
            totals[field] += getattr(report, field)
    return totals
