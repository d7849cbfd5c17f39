"""Support desk personas: a plain agent, a supervisor, the operator, and a frozen Monday 10:00 in Moscow."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from staffroom.support import services
from staffroom.support.models import AgentRole, SupportCalendar, SupportPlan

from .factories import make_agent, make_operator, restore_default_sla_rules

MOSCOW = ZoneInfo("Europe/Moscow")
# 2026-11-23 is a Monday.
MONDAY_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=MOSCOW)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def sla_rules(db):
    restore_default_sla_rules()


@pytest.fixture
def monday(sla_rules):
    with time_machine.travel(MONDAY_10, tick=False) as traveller:
        yield traveller


@pytest.fixture
def agent(db):
    return make_agent(full_name="Alice Agent")


@pytest.fixture
def other_agent(db):
    return make_agent(full_name="Oscar Agent")


@pytest.fixture
def supervisor(db):
    return make_agent(role=AgentRole.SUPERVISOR, full_name="Sue Supervisor")


@pytest.fixture
def operator(db):
    return make_operator()


@pytest.fixture
def support_calendar(sla_rules):
    return SupportCalendar.objects.create(name="Moscow office", time_zone="Europe/Moscow", is_default=True)


@pytest.fixture
def paid(business, operator, support_calendar):
    return services.support_account_set(operator=operator, business=business, plan=SupportPlan.PAID)


@pytest.fixture
def free(business, operator, support_calendar):
    return services.support_account_set(operator=operator, business=business, plan=SupportPlan.FREE)
