"""The SLA breach sweep over 100 000 open tickets against a bare set-based SELECT plus one UPDATE of the same rows."""

import datetime as dt
import random
import time

from django.db import connection, transaction
from django.utils import timezone

TICKETS = 100_000
BUSINESSES = 20
LIMIT = 3.0
ROUNDS = 3


def _populate(now):
    from staffroom.staff.tests.factories import PersonFactory, make_business
    from staffroom.support.models import AgentRole, SupportAgent, SupportPlan, Ticket, TicketStatus, TicketType

    agents = [SupportAgent.objects.create(person=PersonFactory(is_staff=True)) for _ in range(10)]
    SupportAgent.objects.create(person=PersonFactory(is_staff=True), role=AgentRole.SUPERVISOR)
    rng = random.Random(2026)
    statuses = [TicketStatus.NEW, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_FOR_CUSTOMER]
    for index in range(BUSINESSES):
        business = make_business(name=f"Bench support {index}")
        rows = []
        for number in range(1, TICKETS // BUSINESSES + 1):
            status = rng.choice(statuses)
            rows.append(
                Ticket(
                    business=business,
                    number=number,
                    filed_by=business.owner,
                    ticket_type=TicketType.BUG,
                    subject=f"Ticket {number}",
                    description="-",
                    status=status,
                    plan=SupportPlan.PAID,
                    assignee=rng.choice(agents),
                    sla_target="resolution",
                    sla_clock_started_at=now - dt.timedelta(hours=8),
                    sla_due_at=now + dt.timedelta(minutes=rng.randint(-3000, 3000)),
                    sla_paused_at=now if status == TicketStatus.WAITING_FOR_CUSTOMER else None,
                )
            )
        Ticket.objects.bulk_create(rows, batch_size=2000)


def _reset():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE support_ticket SET is_breached = %s, breached_at = NULL", [False])


BASELINE_SELECT = """
    SELECT t.id, t.number, t.subject, b.name, p.email
    FROM support_ticket t
    JOIN tenancy_business b ON b.id = t.business_id
    LEFT JOIN support_supportagent a ON a.id = t.assignee_id
    LEFT JOIN identity_person p ON p.id = a.person_id
    WHERE t.status IN ('new', 'in_progress') AND t.is_breached = %s AND t.sla_met_at IS NULL
      AND t.sla_paused_at IS NULL AND t.sla_due_at < %s
"""
BASELINE_UPDATE = """
    UPDATE support_ticket SET is_breached = %s, breached_at = %s
    WHERE status IN ('new', 'in_progress') AND is_breached = %s AND sla_met_at IS NULL
      AND sla_paused_at IS NULL AND sla_due_at < %s
"""


def _baseline(now) -> int:
    now = connection.ops.adapt_datetimefield_value(now)  # the stored form, as the ORM would send it
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(BASELINE_SELECT, [False, now])
        rows = cursor.fetchall()
        cursor.execute(BASELINE_UPDATE, [True, now, False, now])
    return len(rows)


def run(report):
    from django.core import mail

    from staffroom.support.services import sla_sweep

    mail.outbox = []
    now = timezone.now()
    _populate(now)
    sweep_times, baseline_times = [], []
    for _round in range(ROUNDS):
        _reset()
        started = time.perf_counter()
        baseline_marked = _baseline(now)
        baseline_times.append(time.perf_counter() - started)
        _reset()
        started = time.perf_counter()
        sweep_marked = sla_sweep(now=now)
        sweep_times.append(time.perf_counter() - started)
        assert sweep_marked == baseline_marked, (sweep_marked, baseline_marked)
    print(f"   {TICKETS} open tickets, {sweep_marked} breached per sweep")
    report(f"support sweep, {TICKETS} tickets vs SELECT + UPDATE", min(sweep_times), min(baseline_times), LIMIT)
