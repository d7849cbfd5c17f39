"""Mark running support tickets past their SLA deadline as breached and notify assignees and supervisors."""

from django.core.management.base import BaseCommand

from staffroom.support.services import sla_sweep


class Command(BaseCommand):
    help = "Mark SLA breaches (set-based) and notify the assignee and the supervisors. Run it every few minutes."

    def handle(self, *args, **options):
        marked = sla_sweep()
        self.stdout.write(f"{marked} ticket(s) newly breached")
