"""Security's scheduled work: the request-history purge."""

import datetime

from staffroom.runtime.tasks import periodic_job

from .history import request_history_purge


@periodic_job("security.purge_requests", stale_after=datetime.timedelta(hours=6))
def purge_requests() -> int:
    """Daily: delete request history older than REQUEST_HISTORY_RETENTION_DAYS."""
    return request_history_purge()
