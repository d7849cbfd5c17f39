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


# --- SECURITY.md 33: N parallel uses of one code through the API: exactly one 201, the rest 4xx, never a 5xx ------


def _challenge(employee) -> str:
    import json

    from django.test import Client

    from staffroom.staff.tests.factories import PASSWORD

    response = Client(HTTP_HOST="127.0.0.1").post(
        "/api/v1/auth/sign-in",
        data=json.dumps({"email": employee.person.email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    return response.json()["challenge"]


def _parallel_verify(challenge: str, methods_and_codes: list[tuple[str, str]]) -> list[int]:
    import json

    from django.test import Client

    def submit(index):
        method, code = methods_and_codes[index]
        body = {"challenge": challenge, "method": method, "code": code}
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        return client.post("/api/v1/auth/sign-in/verify", data=json.dumps(body), content_type="application/json")

    responses = run_in_threads(len(methods_and_codes), submit)
    return [response.status_code for response in responses]


def _exactly_one_success(statuses: list[int]) -> None:
    assert statuses.count(201) == 1, statuses
    assert all(400 <= status < 500 for status in statuses if status != 201), statuses


def test_ten_parallel_uses_of_one_totp_code_sign_in_once_and_never_answer_5xx(administrator):
    from staffroom.identity.models import ApiToken

    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False):
        challenge = _challenge(administrator)
        statuses = _parallel_verify(challenge, [("totp", totp_code(secret, T0.timestamp()))] * 10)
    _exactly_one_success(statuses)
    assert ApiToken.objects.for_business(administrator.business).filter(employee=administrator).count() == 1


def test_ten_parallel_uses_of_one_email_code_sign_in_once(administrator, mailoutbox):
    import json
    import re

    from django.test import Client

    enrol_totp(administrator.person)
    challenge = _challenge(administrator)
    sent = Client(HTTP_HOST="127.0.0.1").post(
        "/api/v1/auth/sign-in/email-code", data=json.dumps({"challenge": challenge}), content_type="application/json"
    )
    assert sent.status_code == 204
    code = re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)
    _exactly_one_success(_parallel_verify(challenge, [("email_code", code)] * 10))


def test_ten_parallel_uses_of_one_recovery_code_sign_in_once(administrator):
    from .helpers import recovery_codes

    enrol_totp(administrator.person)
    code = recovery_codes(administrator.person)[0]
    challenge = _challenge(administrator)
    _exactly_one_success(_parallel_verify(challenge, [("recovery_code", code)] * 10))


def test_wrong_and_right_codes_racing_sign_in_once_and_never_answer_5xx(administrator):
    """Four wrong guesses (below the back-off) race six uses of the right code and of other factors."""
    from .helpers import recovery_codes

    secret = enrol_totp(administrator.person)
    recovery = recovery_codes(administrator.person)[0]
    with time_machine.travel(T0, tick=False):
        right = totp_code(secret, T0.timestamp())
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        challenge = _challenge(administrator)
        mix = [("totp", wrong)] * 3 + [("recovery_code", "AAAA-BBBB-CCCC")] + [("totp", right)] * 4
        mix += [("recovery_code", recovery)] * 2
        statuses = _parallel_verify(challenge, mix)
    _exactly_one_success(statuses)


def test_parallel_sign_ins_of_a_person_in_two_businesses_never_deadlock_on_the_log(administrator, other_business):
    """Events go to every business of the person: the chain heads are locked in one order (ascending business id)."""
    from staffroom.staff.models import Employee
    from staffroom.staff.tests.factories import role_of

    Employee.objects.create(
        business=other_business,
        person=administrator.person,
        full_name="Second job",
        role=role_of(other_business, "viewer"),
    )
    enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False):
        outcomes = run_in_threads(
            10,
            lambda index: second_factor_verify(
                person=administrator.person, attempt_id=str(index), method="totp", code=f"{index:06d}"
            ),
        )
    assert set(outcomes) <= {"failed", "throttled"}
    from staffroom.security.chain import chain_verify

    assert chain_verify(str(administrator.business_id)).is_intact
    assert chain_verify(str(other_business.pk)).is_intact
