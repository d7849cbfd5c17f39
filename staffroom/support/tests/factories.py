"""Support agents, supervisors and plans for tests."""

from staffroom.staff.tests.factories import PersonFactory
from staffroom.support.models import AgentRole, SupportAgent


def make_agent(*, role=AgentRole.AGENT, **person_fields) -> SupportAgent:
    person = PersonFactory(is_staff=True, **person_fields)
    return SupportAgent.objects.create(person=person, role=role)


def make_operator():
    return PersonFactory(is_staff=True)
