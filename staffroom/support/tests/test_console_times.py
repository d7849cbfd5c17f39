"""The console shows a ticket's times in the customer business's time zone, as the customer sees them."""

from django.test import Client

from staffroom.staff.tests.factories import PASSWORD
from staffroom.support import services
from staffroom.support.models import TicketType


def test_ticket_times_are_the_business_local_times(monday, paid, owner, agent):
    # Filed on Monday 10:00 in Moscow (07:00 UTC); the agent must not see the UTC hour.
    ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Calendar blank", description="x")
    browser = Client(HTTP_HOST="127.0.0.1")
    assert browser.login(email=agent.person.email, password=PASSWORD)
    page = browser.get(f"/support-desk/tickets/{ticket.pk}/").content.decode()
    assert "Nov 23, 2026, 10:00\u202fAM" in page and "Europe/Moscow" in page
    assert "7:00\u202fAM" not in page


def test_queue_due_times_are_the_business_local_times(monday, paid, owner, agent):
    services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Calendar blank", description="x")
    browser = Client(HTTP_HOST="127.0.0.1")
    assert browser.login(email=agent.person.email, password=PASSWORD)
    page = browser.get("/support-desk/?queue=unassigned").content.decode()
    # A bug filed Monday 10:00 is due within 8 working hours: 18:00 Moscow, not 15:00 UTC.
    assert "Nov 23, 2026, 6:00\u202fPM" in page and "Europe/Moscow" in page
