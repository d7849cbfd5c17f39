"""Staffroom's own Prometheus metrics, read at scrape time: task counts, queue length, periodic job runs."""

import contextlib
import logging

from django.conf import settings
from django.core.cache import cache
from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily

from .signals import COUNTED_STATES, COUNTER_KEY, NAMES_KEY

logger = logging.getLogger(__name__)


def queue_length() -> int | None:
    """Messages waiting in the default queue, when the broker is Redis (None when it cannot be read)."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith(("redis://", "rediss://")):
        return None
    import redis

    try:
        client = redis.Redis.from_url(broker, socket_timeout=1, socket_connect_timeout=1)
        return int(client.llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except redis.RedisError:
        logger.warning("could not read the queue length", exc_info=True)
        return None


class StaffroomCollector:
    def describe(self):
        # Registering calls describe() (or else collect()); our figures come from the database, read only at scrape.
        return []

    def collect(self):
        from .models import PeriodicJob, TaskFailure

        tasks = CounterMetricFamily("staffroom_tasks", "Background tasks by name and state", labels=["task", "state"])
        names = sorted(cache.get(NAMES_KEY) or ())
        keys = [COUNTER_KEY.format(name=name, state=state) for name in names for state in COUNTED_STATES]
        values = cache.get_many(keys)
        for name in names:
            for state in COUNTED_STATES:
                tasks.add_metric([name, state], values.get(COUNTER_KEY.format(name=name, state=state), 0))
        yield tasks

        failures = GaugeMetricFamily("staffroom_task_failures_open", "Failed tasks not yet resolved by platform staff")
        failures.add_metric([], TaskFailure.objects.filter(resolved=False).count())
        yield failures

        length = queue_length()
        if length is not None:
            queue = GaugeMetricFamily("staffroom_queue_length", "Messages waiting in the task queue", labels=["queue"])
            queue.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], length)
            yield queue

        duration = GaugeMetricFamily(
            "staffroom_periodic_job_last_duration_seconds", "Duration of the last run of a periodic job", labels=["job"]
        )
        runs = CounterMetricFamily("staffroom_periodic_job_runs", "Runs of a periodic job", labels=["job", "outcome"])
        running = GaugeMetricFamily("staffroom_periodic_job_running", "1 while a periodic job runs", labels=["job"])
        for job in PeriodicJob.objects.order_by("name"):
            if job.last_duration_seconds is not None:
                duration.add_metric([job.name], job.last_duration_seconds)
            runs.add_metric([job.name, "ok"], job.runs - job.failures)
            runs.add_metric([job.name, "failed"], job.failures)
            runs.add_metric([job.name, "skipped_overlap"], job.skipped_overlaps)
            running.add_metric([job.name], 1 if job.running_since else 0)
        yield from (duration, runs, running)


_collector = StaffroomCollector()
with contextlib.suppress(ValueError):  # already registered (a test re-imported the module)
    REGISTRY.register(_collector)
