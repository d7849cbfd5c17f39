"""Task outcomes: counted for metrics (in the shared cache) and, when a task fails for good, kept for platform staff."""

import logging
import traceback as traceback_module

from celery import signals
from django.core.cache import cache

logger = logging.getLogger(__name__)
COUNTER_KEY = "runtime:tasks:{name}:{state}"
COUNTED_STATES = ("started", "succeeded", "retried", "failed")
# Known task names, so the metrics collector can read every counter without scanning the cache.
NAMES_KEY = "runtime:tasks:names"


def count(name: str, state: str) -> None:
    key = COUNTER_KEY.format(name=name, state=state)
    try:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
        names = cache.get(NAMES_KEY) or set()
        if name not in names:
            cache.set(NAMES_KEY, {*names, name}, timeout=None)
    except Exception:  # metrics never break the work they count
        logger.warning("could not count task %s %s", name, state, exc_info=True)


def _name(sender) -> str:
    return getattr(sender, "name", None) or str(sender)


@signals.task_prerun.connect
def _started(sender=None, **kwargs):
    count(_name(sender), "started")


@signals.task_success.connect
def _succeeded(sender=None, **kwargs):
    count(_name(sender), "succeeded")


@signals.task_retry.connect
def _retried(sender=None, **kwargs):
    count(_name(sender), "retried")


@signals.task_failure.connect
def _failed(sender=None, task_id=None, exception=None, args=None, kwargs=None, einfo=None, **extra):
    from .models import TaskFailure

    count(_name(sender), "failed")
    try:
        TaskFailure.objects.create(
            task_name=_name(sender)[:200],
            task_id=str(task_id or "")[:100],
            # Arguments are ids and dates by convention (never secrets); kept short.
            arguments=repr({"args": args, "kwargs": kwargs})[:1000],
            exception=f"{type(exception).__name__}: {exception}"[:1000],
            traceback="".join(traceback_module.format_tb(einfo.tb)) if einfo is not None else "",
        )
    except Exception:
        logger.exception("could not record the failure of task %s", _name(sender))
