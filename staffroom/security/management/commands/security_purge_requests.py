"""`manage.py security_purge_requests`: delete request history older than REQUEST_HISTORY_RETENTION_DAYS."""

from django.core.management.base import BaseCommand

from staffroom.security.history import request_history_purge, retention_days


class Command(BaseCommand):
    help = "Delete request history older than the retention period (run daily, e.g. from cron)."

    def handle(self, *args, **options):
        deleted = request_history_purge()
        self.stdout.write(f"deleted {deleted} request records older than {retention_days()} days")
