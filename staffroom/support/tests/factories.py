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


def post_estimate(agent, ticket, *, effort_hours=8, due_date, price="100.00", note=""):
    """Post an estimate, writing the specification first when the enhancement has none yet."""
    from staffroom.support import services
    from staffroom.support.models import TicketType, WorkStage

    ticket.refresh_from_db()
    if ticket.ticket_type == TicketType.ENHANCEMENT and ticket.work_stage == WorkStage.REQUESTED:
        services.work_specify(agent=agent, ticket=ticket, specification="What will be built, and how it is accepted.")
    return services.estimate_post(
        agent=agent, ticket=ticket, effort_hours=effort_hours, due_date=due_date, price=price, note=note
    )


def restore_default_sla_rules():
    """The default rules come from data migrations; a live-server test's flush removes them, so put them back."""
    from importlib import import_module

    from django.apps import apps

    for migration in ("0002_default_sla_rules", "0004_training_rules_and_work_stages"):
        import_module(f"staffroom.support.migrations.{migration}").add_rules(apps, None)
