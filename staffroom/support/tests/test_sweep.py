"""The breach sweep: exactly the breached tickets, a constant number of queries, notifications; the SLA report."""

import datetime as dt
import random

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.support import selectors, services
from staffroom.support.models import SupportPlan, Ticket, TicketStatus, TicketType

from .conftest import MONDAY_10


def bulk_tickets(business, filer, count, *, assignees=(), seed=7):
    """`count` tickets with deadlines spread around now and a mix of statuses; returns the ids that must breach."""
    rng = random.Random(seed)
    statuses = [TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_FOR_CUSTOMER, TicketStatus.RESOLVED]
    rows, expected = [], set()
    for number in range(1, count + 1):
        status = rng.choice(statuses)
        due = MONDAY_10 + dt.timedelta(minutes=rng.randint(-600, 600))
        met = MONDAY_10 - dt.timedelta(hours=1) if status == TicketStatus.RESOLVED else None
        paused = MONDAY_10 - dt.timedelta(hours=2) if status == TicketStatus.WAITING_FOR_CUSTOMER else None
        already = rng.random() < 0.05
        rows.append(
            Ticket(
                business=business,
                number=number,
                filed_by=filer,
                ticket_type=TicketType.BUG,
                subject=f"Ticket {number}",
                description="-",
                status=status,
                plan=SupportPlan.PAID,
                assignee=rng.choice(assignees) if assignees else None,
                sla_target="resolution",
                sla_clock_started_at=MONDAY_10 - dt.timedelta(hours=8),
                sla_due_at=due,
                sla_met_at=met,
                sla_paused_at=paused,
                is_breached=already,
            )
        )
        if status in (TicketStatus.NEW, TicketStatus.IN_PROGRESS) and due < MONDAY_10 and not already:
            expected.add(number)
    Ticket.objects.bulk_create(rows, batch_size=500)
    return expected


def breached_numbers(business):
    return set(Ticket.objects.for_business(business).filter(breached_at=MONDAY_10).values_list("number", flat=True))


def test_the_sweep_marks_exactly_the_breached_tickets_in_constant_queries(
    monday, paid, owner, agent, other_agent, supervisor, django_capture_on_commit_callbacks
):
    expected = bulk_tickets(owner.business, owner, 1000, assignees=[agent, other_agent, None])
    assert 100 < len(expected) < 500
    with django_capture_on_commit_callbacks(execute=True), CaptureQueriesContext(connection) as queries:
        assert services.sla_sweep() == len(expected)
    assert breached_numbers(owner.business) == expected
    # savepoint/transaction bookkeeping and the outbox (one message per recipient) aside: UPDATE, SELECT of the
    # marked rows, SELECT of the supervisors.
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE")) and "runtime_outboundemail" not in q["sql"]
    ]
    assert len(statements) <= 4, statements
    # One e-mail per assignee with their tickets, one summary to the supervisors.
    by_recipient = {tuple(message.to): message for message in mail.outbox}
    assert set(by_recipient) == {(agent.person.email,), (other_agent.person.email,), (supervisor.person.email,)}
    breached = Ticket.objects.for_business(owner.business).filter(breached_at=MONDAY_10)
    for someone in (agent, other_agent):
        own = breached.filter(assignee=someone).count()
        assert f"{own} of your tickets" in by_recipient[(someone.person.email,)].subject
        assert by_recipient[(someone.person.email,)].body.count("\n") == own - 1
    assert f"{len(expected)} tickets" in by_recipient[(supervisor.person.email,)].subject


def test_the_query_count_does_not_grow_with_the_tickets(monday, paid, owner, agent):
    bulk_tickets(owner.business, owner, 10, assignees=[agent])
    with CaptureQueriesContext(connection) as few:
        services.sla_sweep()
    Ticket.objects.for_business(owner.business).update(is_breached=False, breached_at=None)
    Ticket.objects.for_business(owner.business).delete()
    bulk_tickets(owner.business, owner, 300, assignees=[agent], seed=3)
    with CaptureQueriesContext(connection) as many:
        services.sla_sweep()
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_second_sweep_marks_nothing_again(monday, paid, owner):
    bulk_tickets(owner.business, owner, 50)
    services.sla_sweep()
    monday.shift(dt.timedelta(seconds=1))
    assert services.sla_sweep(now=MONDAY_10) == 0


def test_the_command(monday, paid, owner, capsys):
    ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="x", description="y")
    monday.move_to(MONDAY_10 + dt.timedelta(hours=9))
    call_command("support_sweep")
    ticket.refresh_from_db()
    assert ticket.is_breached
    assert "1 ticket(s) newly breached" in capsys.readouterr().out


def test_a_paused_ticket_never_breaches_while_paused(monday, paid, owner, agent):
    ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="x", description="y")
    services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="Which page?", wait_for_customer=True)
    monday.move_to(MONDAY_10 + dt.timedelta(days=3))
    assert services.sla_sweep() == 0


def test_the_sla_report_per_type_plan_and_agent(monday, paid, owner, outsider, agent, other_agent):
    late = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="late", description="-")
    on_time = services.ticket_file(actor=owner, ticket_type=TicketType.CONSULTATION, subject="ok", description="-")
    services.ticket_file(actor=outsider, ticket_type=TicketType.BUG, subject="pending", description="-")
    services.ticket_reply_by_agent(agent=agent, ticket=on_time, body="answer")
    services.ticket_assign(agent=other_agent, ticket=late, assignee=other_agent)
    monday.move_to(MONDAY_10 + dt.timedelta(days=1))
    services.sla_sweep()
    start, end = MONDAY_10 - dt.timedelta(days=1), MONDAY_10 + dt.timedelta(days=7)
    by_type = {row.key: row for row in selectors.sla_report(start=start, end=end, by="ticket_type")}
    assert (by_type["bug"].met, by_type["bug"].breached, by_type["bug"].pending) == (0, 2, 0)
    assert by_type["consultation"].percent_met == 100
    by_agent = {row.key: row for row in selectors.sla_report(start=start, end=end, by="assignee")}
    assert by_agent[agent.person.email].met == 1 and by_agent[other_agent.person.email].breached == 1
    by_plan = {row.key: row for row in selectors.sla_report(start=start, end=end, by="plan")}
    assert set(by_plan) == {"paid", "free"}
    with pytest.raises(ValueError):
        selectors.sla_report(start=start, end=end, by="colour")
