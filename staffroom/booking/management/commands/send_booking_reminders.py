"""Remind clients of their visits N hours before (per business); each visit once per start time (run every few
minutes)."""

from django.core.management.base import BaseCommand

from staffroom.booking.services import booking_reminders_send


class Command(BaseCommand):
    help = "Send the visit reminders that are due; each visit is reminded once per start time."

    def handle(self, *args, **options):
        queued = booking_reminders_send()
        self.stdout.write(f"{queued} reminder(s) queued")
