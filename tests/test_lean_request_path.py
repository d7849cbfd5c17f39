"""The request guard's cache (staffroom.core.cache): changes reach the very next request although entries are cached.

Each test primes the cache with requests first, then changes the rows through the services and asserts the next
request sees the change. The cache is the only state shared between requests (no per-process memo), so what holds
here holds across processes sharing Redis. One person works in two businesses; the least privileged role that may
act (call center) and one that may not (viewer).
"""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.core.cache import ENTRY_PREFIX
from staffroom.security.access import sessions_end_for_employee
from staffroom.security.authentication import two_factor_policy_set
from staffroom.security.models import SignedInSession
from staffroom.staff.catalogue import Perm
from staffroom.staff.services import employee_block, employee_create, employee_unblock, invitation_accept, role_update
from staffroom.staff.tests.factories import PASSWORD, role_of

CLIENTS_PAGE = "/clients/"


@pytest.fixture
def shared(business, other_business, owner, outsider):
    """One person: a call-center operator in business A and, after accepting B's invitation, in B as well."""
    in_a = employee_create(
        actor=owner,
        full_name="Sam Shared",
        role=role_of(business, "call_center"),
        login_email="sam@example.test",
        password=PASSWORD,
    )
    in_b = employee_create(
        actor=outsider,
        full_name="Sam in B",
        role=role_of(other_business, "call_center"),
        login_email="sam@example.test",
    )
    in_b = invitation_accept(person=in_a.person, invitation_id=in_b.invitation.pk)
    return in_a, in_b


def _primed(client_for, employee):
    client = client_for(employee)
    for _ in range(2):  # the first request records the session (which bumps the person); the second fills the cache
        assert client.get(CLIENTS_PAGE).status_code == 200
    assert any(key.startswith(f":1:{ENTRY_PREFIX}membership:") for key in cache._cache), "the membership is cached"
    return client


def test_a_block_in_one_business_refuses_the_next_request_there_and_only_there(shared, owner, outsider, client_for):
    in_a, in_b = shared
    browser_a, browser_b = _primed(client_for, in_a), _primed(client_for, in_b)
    employee_block(actor=outsider, employee=in_b)
    refused = browser_b.get(CLIENTS_PAGE)
    assert refused.status_code == 302 and refused.url != CLIENTS_PAGE  # to the business picker: B is over
    assert browser_a.get(CLIENTS_PAGE).status_code == 200  # A goes on (SECURITY.md 30)
    employee_unblock(actor=outsider, employee=in_b)
    assert client_for(in_b).get(CLIENTS_PAGE).status_code == 200  # a fresh sign-in reaches B again


def test_ended_sessions_are_refused_on_the_next_request(shared, outsider, client_for):
    _in_a, in_b = shared
    browser_b = _primed(client_for, in_b)
    sessions_end_for_employee(actor=outsider, employee=in_b)
    assert browser_b.get(CLIENTS_PAGE).status_code == 302


def test_a_session_ended_by_its_record_is_refused_on_the_next_request(shared, client_for):
    in_a, _in_b = shared
    browser = _primed(client_for, in_a)
    from staffroom.security.access import _end

    _end(SignedInSession.objects.filter(person=in_a.person), "ended_by_self")
    assert browser.get(CLIENTS_PAGE).status_code == 302


def test_a_permission_taken_from_the_role_is_refused_on_the_next_request(shared, owner, client_for):
    in_a, _in_b = shared
    browser = _primed(client_for, in_a)
    role = in_a.role
    role_update(actor=owner, role=role, permissions=[code for code in role.permissions if code != Perm.CLIENTS_VIEW])
    assert browser.get(CLIENTS_PAGE).status_code == 403


def test_the_viewer_may_not_and_keeps_being_refused_from_the_cache(viewer, client_for):
    browser = client_for(viewer)
    for _ in range(3):
        assert browser.get("/api/v1/appointments", {"branch_id": 0, "date_from": "2026-12-07"}).status_code in (
            403,
            422,
        )


def test_a_new_two_factor_policy_holds_the_next_request_at_enrolment(shared, owner, client_for):
    in_a, _in_b = shared
    browser = _primed(client_for, in_a)
    two_factor_policy_set(actor=owner, roles=[in_a.role])
    response = browser.get(CLIENTS_PAGE)
    assert response.status_code == 302 and "two-factor" in response.url


def test_session_last_seen_is_written_at_most_once_a_minute(shared, client_for):
    in_a, _in_b = shared
    with time_machine.travel(dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC), tick=False) as traveller:
        browser = _primed(client_for, in_a)
        record = SignedInSession.objects.get(person=in_a.person)
        writes = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                assert browser.get(CLIENTS_PAGE).status_code == 200
            writes += [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "security_signedinsession"')]
        assert writes == []
        traveller.shift(dt.timedelta(seconds=61))
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(CLIENTS_PAGE).status_code == 200
        updates = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "security_signedinsession"')]
        assert len(updates) == 1
        record.refresh_from_db()
        assert record.last_seen_at == dt.datetime(2026, 12, 7, 9, 1, 1, tzinfo=dt.UTC)
