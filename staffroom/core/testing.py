"""Test helpers shared by every app: a fingerprint of all business data (to prove a refusal changed nothing), and
a way to run work in real threads at the same moment (concurrency tests on PostgreSQL)."""

from __future__ import annotations

import hashlib
import threading

from django.apps import apps

from .models import BusinessScopedQuerySet

# Rows that a refused request may legitimately touch: the audit trail of the refusal and token bookkeeping.
FINGERPRINT_EXCLUDED = {
    "security.securityevent",
    "security.chainhead",
    # bookkeeping of the request itself: request history, the session's last-seen record
    "security.requestrecord",
    "security.signedinsession",
}
VOLATILE_FIELDS = {"last_used_at", "last_login", "last_seen_at", "updated_at"}


def database_fingerprint() -> dict[str, str]:
    """One digest per model of every row's values (all businesses), ignoring bookkeeping fields."""
    fingerprint = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("staffroom.") or label in FINGERPRINT_EXCLUDED:
            continue
        queryset = model._default_manager.all()
        if isinstance(queryset, BusinessScopedQuerySet):
            queryset = queryset.unscoped()
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        rows = list(queryset.order_by("pk").values_list(*fields))
        many = []
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            many.append(sorted(through.objects.values_list(*[f.attname for f in through._meta.concrete_fields])))
        fingerprint[label] = hashlib.sha256(repr((rows, many)).encode()).hexdigest()
    return fingerprint


def run_at_once(count: int, work) -> list:
    """Run `work(index)` in `count` threads released together; returns each result or the exception it raised.

    Each thread closes its database connection, so the test database can be dropped afterwards.
    """
    from django.db import connection

    barrier = threading.Barrier(count)
    outcomes = []
    lock = threading.Lock()

    def worker(index):
        try:
            barrier.wait()
            result = work(index)
        except Exception as error:
            result = error
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def refuse_row_locks_outside_transactions():
    """Make `select_for_update` outside `transaction.atomic` fail on every backend, as it does on PostgreSQL.

    SQLite ignores row locks, so a service that lost its `@transaction.atomic` passes the SQLite suite and fails
    in production. The test case's own wrapping transaction does not count: the code under test must open one.
    Returns a function that undoes the patch."""
    from django.db.models.sql.compiler import SQLCompiler
    from django.db.transaction import TransactionManagementError

    original = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        if self.query.select_for_update and not any(
            not block._from_testcase for block in self.connection.atomic_blocks
        ):
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        return original(self, *args, **kwargs)

    SQLCompiler.as_sql = as_sql

    def undo():
        SQLCompiler.as_sql = original

    return undo
