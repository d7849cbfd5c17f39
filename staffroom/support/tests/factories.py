"""Support agents, supervisors and plans for tests."""

from staffroom.security.tests.helpers import enrol_totp
from staffroom.staff.tests.factories import PersonFactory
from staffroom.support.models import AgentRole, SupportAgent


def make_agent(*, role=AgentRole.AGENT, **person_fields) -> SupportAgent:
    person = PersonFactory(is_staff=True, **person_fields)
    enrol_totp(person)  # SECURITY.md 34: platform staff use the desk only with a second factor
    return SupportAgent.objects.create(person=person, role=role)


def make_operator():
    person = PersonFactory(is_staff=True)
    enrol_totp(person)
    return person
