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
