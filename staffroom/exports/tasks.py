"""Background building of queued exports, and the daily purge of expired export files."""

import datetime

from staffroom.runtime.tasks import background_task, periodic_job


@background_task("exports.build", bind=True, max_retries=3)
def export_build(self, export_id: int) -> str:
    from .services import export_run

    return export_run(export_id=export_id, final_attempt=self.request.retries >= self.max_retries)


@periodic_job("exports.purge_expired", stale_after=datetime.timedelta(hours=6))
def exports_purge_expired() -> int:
    """Delete export files older than EXPORT_RETENTION_DAYS (they hold business data)."""
    from .services import exports_purge_expired as purge

    return purge()
