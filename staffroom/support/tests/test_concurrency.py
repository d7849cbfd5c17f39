"""Filing from many threads at once gives every ticket its own number (the account row serialises filing)."""

import threading

import pytest
from django.db import connection

from staffroom.support import services
from staffroom.support.models import Ticket, TicketType

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_filing_numbers_tickets_without_gaps_or_clashes(owner, support_calendar, operator):
    services.support_account_set(operator=operator, business=owner.business, plan="paid")
    errors = []
    barrier = threading.Barrier(6)

    def file_one(index):
        try:
            barrier.wait()
            services.ticket_file(
                actor=owner, ticket_type=TicketType.BUG, subject=f"Thread {index}", description="at once"
            )
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file_one, args=(index,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Ticket.objects.for_business(owner.business).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


def test_strikes_on_two_tickets_of_one_contact_at_once_get_distinct_numbers(owner, support_calendar, operator):
    """Two agents striking two tickets of the same contact at the same moment: numbers 1 and 2, never 1 and 1."""
    from staffroom.support.models import TicketStrike

    from .factories import make_agent

    services.support_account_set(operator=operator, business=owner.business, plan="paid")
    tickets = [
        services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject=f"Ticket {index}", description="d")
        for index in range(2)
    ]
    agents = [make_agent(), make_agent()]
    errors = []
    barrier = threading.Barrier(2)

    def strike(index):
        try:
            barrier.wait()
            services.strike_give(agent=agents[index], ticket=tickets[index], reason="rude")
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=strike, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(TicketStrike.objects.for_business(owner.business).values_list("number", flat=True))
    assert numbers == [1, 2]
