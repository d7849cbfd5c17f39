"""E-mail the assignee of every order task that has become due, once per task (safe to run every minute)."""

from django.core.management.base import BaseCommand

from staffroom.orders.services import order_tasks_remind_due


class Command(BaseCommand):
    help = "E-mail reminders for order tasks that became due; each task is reminded once."

    def handle(self, *args, **options):
        sent = order_tasks_remind_due()
        self.stdout.write(f"{sent} reminder(s) sent")
