"""`manage.py billing_run --date D`: issue due renewal invoices, open paid terms, move unpaid ones to grace/read-only."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staffroom.billing.services import billing_run


class Command(BaseCommand):
    help = "Issue what is due on a date and move expired subscriptions to grace, then read-only. Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--date", dest="run_date", help="The run date, YYYY-MM-DD (default: today, UTC).")

    def handle(self, *args, run_date=None, **options):
        if run_date:
            try:
                day = datetime.date.fromisoformat(run_date)
            except ValueError as error:
                raise CommandError("--date must be YYYY-MM-DD") from error
        else:
            day = timezone.now().date()

        def progress(report):
            self.stdout.write(
                f"batch {report.batches_done}: {report.subscriptions_done} of {report.subscriptions_due} subscriptions"
            )

        report = billing_run(run_date=day, progress=progress)
        self.stdout.write(
            f"billing_run {day}: {report.invoices_issued} invoices issued, {report.terms_opened} terms opened, "
            f"{report.moved_to_grace} moved to grace, {report.moved_to_read_only} moved to read-only"
        )
