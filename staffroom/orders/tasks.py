"""Orders' scheduled work: reminders of order tasks that became due."""

import datetime

from staffroom.runtime.tasks import periodic_job

from .services import order_tasks_remind_due


@periodic_job("orders.task_reminders", stale_after=datetime.timedelta(minutes=30))
def task_reminders() -> int:
    """Every minute: e-mail the assignee of each order task that became due (each task once)."""
    return order_tasks_remind_due()
