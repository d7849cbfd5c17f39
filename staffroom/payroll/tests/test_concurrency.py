"""Real threads against PostgreSQL: overlapping payroll runs and double approvals are decided by the database."""

import datetime as dt

import pytest

from staffroom.core.errors import Conflict
from staffroom.core.testing import run_at_once
from staffroom.payroll import services
from staffroom.payroll.models import PayrollRun
from staffroom.scheduling.tests.factories import first_branch

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_concurrent_runs_of_overlapping_periods_create_exactly_one(business, owner, specialist):
    branch = first_branch(business)
    periods = [
        (MARCH[0], MARCH[1], None),
        (MARCH[0], MARCH[1], branch),
        (dt.date(2026, 3, 15), dt.date(2026, 4, 14), None),
        (MARCH[0], MARCH[1], None),
    ]

    def attempt(index):
        start, end, run_branch = periods[index]
        return services.payroll_run_create(actor=owner, period_start=start, period_end=end, branch=run_branch)

    outcomes = run_at_once(len(periods), attempt)
    assert sum(isinstance(outcome, PayrollRun) for outcome in outcomes) == 1
    assert all(isinstance(outcome, PayrollRun | Conflict) for outcome in outcomes), outcomes
    assert PayrollRun.objects.for_business(business).count() == 1


def test_concurrent_approvals_approve_once(business, owner):
    run = services.payroll_run_create(actor=owner, period_start=MARCH[0], period_end=MARCH[1])
    outcomes = run_at_once(5, lambda index: services.payroll_run_approve(actor=owner, run=run))
    assert sum(isinstance(outcome, PayrollRun) for outcome in outcomes) == 1
    assert sum(isinstance(outcome, Conflict) for outcome in outcomes) == 4
