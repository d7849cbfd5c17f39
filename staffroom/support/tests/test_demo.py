"""The demo loader gives the support desk a calendar, an agent and tickets, and re-running duplicates nothing."""

from django.core.management import call_command

from staffroom.core.demodata import load_demo
from staffroom.support.demo import DEMO_AGENT_EMAIL
from staffroom.support.models import SupportAccount, SupportAgent, SupportCalendar, SupportPlan, Ticket


def test_demo_is_idempotent(db, capsys):
    context = load_demo()
    business = context["business"]
    tickets = Ticket.objects.for_business(business).count()
    assert tickets == 3
    assert SupportAccount.objects.for_business(business).get().plan == SupportPlan.PAID
    load_demo()
    assert Ticket.objects.for_business(business).count() == tickets
    assert SupportAgent.objects.filter(person__email=DEMO_AGENT_EMAIL).count() == 1
    assert SupportCalendar.objects.filter(is_default=True).count() == 1
    call_command("demo_credentials")
    assert DEMO_AGENT_EMAIL in capsys.readouterr().out
