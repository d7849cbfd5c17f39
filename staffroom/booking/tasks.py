"""Online booking's scheduled work: visit reminders."""

import datetime

from staffroom.runtime.tasks import periodic_job

from .services import booking_reminders_send


@periodic_job("booking.send_reminders", stale_after=datetime.timedelta(minutes=30))
def send_reminders() -> int:
    """Every five minutes: remind clients of visits N hours ahead (each visit once per start time)."""
    return booking_reminders_send()
