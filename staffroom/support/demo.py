"""Demo support desk: a calendar, SLA plans, canned replies, a support agent and a few tickets of Demo Beauty."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from staffroom.core.demodata import DEMO_PASSWORD

from . import services
from .models import (
    AgentRole,
    CannedReply,
    ManagerPricing,
    SupportAgent,
    SupportCalendar,
    SupportPlan,
    Ticket,
    TicketType,
)

DEMO_AGENT_EMAIL = "support@staffroom.test"
CANNED_REPLIES = {
    "Clear the cache": "Please reload the page with Ctrl+Shift+R (Cmd+Shift+R on a Mac) and tell us if it helps.",
    "Need a screenshot": "Could you attach a screenshot of what you see, and the time it happened?",
}


def credentials(url: str) -> list[str]:
    """The support supervisor this demo creates, for `manage.py demo_credentials`."""
    return [f"{'Support supervisor':<22} {DEMO_AGENT_EMAIL}   (support console: {url}/support-desk/)"]


def load(context: dict) -> None:
    person_model = get_user_model()
    person = person_model.objects.filter(email=DEMO_AGENT_EMAIL).first()
    if person is None:
        person = person_model.objects.create_user(
            email=DEMO_AGENT_EMAIL, password=DEMO_PASSWORD, full_name="Svetlana Support", is_staff=True
        )
    agent, _created = SupportAgent.objects.get_or_create(person=person, defaults={"role": AgentRole.SUPERVISOR})
    calendar = SupportCalendar.objects.filter(is_default=True).first()
    if calendar is None:
        calendar = SupportCalendar.objects.create(
            name="Staffroom support, Moscow", time_zone="Europe/Moscow", country="RU", is_default=True
        )
    for title, body in CANNED_REPLIES.items():
        CannedReply.objects.get_or_create(title=title, defaults={"body": body})
    if not ManagerPricing.objects.exists():
        ManagerPricing.objects.create(
            hour_coefficient=Decimal("0.5"),
            enhancement_coefficient=Decimal(3),
            user_coefficient=Decimal(1),
            rate=Decimal("12.00"),
            currency="EUR",
        )
    business = context.get("business")
    if business is None:
        return
    operator = person_model.objects.filter(is_superuser=True).order_by("pk").first() or person
    services.support_account_set(operator=operator, business=business, plan=SupportPlan.PAID, calendar=calendar)
    if Ticket.objects.for_business(business).exists():
        context.update(support_agent=agent)
        return
    employees = context["employees"]
    owner, administrator = employees["owner"], employees["administrator"]
    services.ticket_file(
        actor=administrator,
        ticket_type=TicketType.BUG,
        subject="Calendar shows yesterday's appointments",
        description="After midnight the calendar still opens on yesterday until I reload the page.",
        priority="high",
    )
    question = services.ticket_file(
        actor=owner,
        ticket_type=TicketType.CONSULTATION,
        subject="How do I give a specialist access to only one branch?",
        description="Maria should see the Tverskaya calendar only.",
    )
    services.ticket_reply_by_agent(
        agent=agent,
        ticket=question,
        body="Open Employees → Maria → 'Role limited to branches' and tick Tverskaya only.",
    )
    wish = services.ticket_file(
        actor=owner,
        ticket_type=TicketType.ENHANCEMENT,
        subject="Export the client list to Excel",
        description="We need .xlsx with phone numbers for our SMS provider.",
    )
    services.ticket_reply_by_agent(agent=agent, ticket=wish, body="Similar to request from Salon X.", is_internal=True)
    services.work_specify(
        agent=agent,
        ticket=wish,
        specification="A button on the Clients page downloads clients.xlsx: name, phone, e-mail, last visit.",
    )
    services.estimate_post(
        agent=agent,
        ticket=wish,
        effort_hours=Decimal(16),
        price=Decimal("320.00"),
        due_date=timezone.localdate() + dt.timedelta(days=14),
        note="Columns: name, phone, e-mail, last visit.",
    )
    context.update(support_agent=agent)
