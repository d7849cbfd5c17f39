"""Fixtures for the calendar tests: a specialist working 09:00–18:00 every day in the first branch."""

import datetime as dt

import pytest

from .factories import first_branch, make_client, make_service, make_weekly_schedule


@pytest.fixture
def branch(business):
    return first_branch(business)


@pytest.fixture
def working_specialist(specialist, branch):
    make_weekly_schedule(specialist, branch)
    return specialist


@pytest.fixture
def haircut(business, working_specialist):
    return make_service(business, name="Haircut", duration=60, price="1500.00", specialists=[working_specialist])


@pytest.fixture
def a_client(business):
    return make_client(business, full_name="Carla Client")


@pytest.fixture
def tomorrow(business):
    return (dt.datetime.now(dt.UTC).astimezone(business.zone) + dt.timedelta(days=1)).date()
