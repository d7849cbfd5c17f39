"""Readiness checks beyond django-health-check's own: the broker is reachable and every migration is applied."""

import dataclasses

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    def run(self):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("Migrations are not applied")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The task broker accepts a connection (skipped when tasks run in-process: no broker configured)."""

    def run(self):
        if not settings.CELERY_BROKER_URL:
            return
        from kombu import Connection

        try:
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
                broker.ensure_connection(max_retries=1)
        except Exception as error:
            raise ServiceUnavailable("Broker unreachable") from error
