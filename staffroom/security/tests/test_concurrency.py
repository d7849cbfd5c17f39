"""Concurrency on PostgreSQL with real threads: one budget, one TOTP use, one unforked chain."""

import datetime as dt
import threading

import pytest
import time_machine
from django.db import connection

from staffroom.security.authentication import second_factor_verify
from staffroom.security.models import SecurityEvent, SignInGuard
from staffroom.security.services import security_event_record

from .helpers import enrol_totp, totp_code

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
T0 = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)


def run_in_threads(count, work):
    results = [None] * count
    barrier = threading.Barrier(count)

    def runner(index):
        try:
            barrier.wait()
            results[index] = work(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_parallel_totp_guesses_share_one_budget(administrator):
    enrol_totp(administrator.person)
    person = administrator.person
    with time_machine.travel(T0, tick=False):
        outcomes = run_in_threads(
            20,
            lambda index: second_factor_verify(person=person, attempt_id="a", method="totp", code=f"{index:06d}"),
        )
    guard = SignInGuard.objects.get(person=person)
    # Five free guesses, then back-off: the rest are refused unchecked, whichever sessions or IPs they came from.
    assert outcomes.count("failed") == guard.consecutive_failures == 5
    assert outcomes.count("throttled") == 15


def test_a_totp_code_is_accepted_once_under_ten_concurrent_requests(administrator):
    secret = enrol_totp(administrator.person)
    person = administrator.person
    with time_machine.travel(T0, tick=False):
        code = totp_code(secret, T0.timestamp())
        outcomes = run_in_threads(
            10, lambda index: second_factor_verify(person=person, attempt_id=str(index), method="totp", code=code)
        )
    assert outcomes.count("ok") == 1


def test_concurrent_writers_never_fork_a_chain(owner):
    run_in_threads(10, lambda index: [security_event_record(event_type="test.parallel", actor=owner) for _ in range(5)])
    sequences = list(
        SecurityEvent.objects.for_business(owner.business).order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    from staffroom.security.chain import chain_verify

    assert chain_verify(str(owner.business.pk)).is_intact
