"""Services of the support desk: plan rules, SLA clock, conversation, estimates, strikes."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from staffroom.core.errors import Conflict, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.support import selectors, services
from staffroom.support.models import (
    AbuseReport,
    MessageKind,
    SupportPlan,
    Ticket,
    TicketAttachment,
    TicketStatus,
    TicketType,
)

from .conftest import MONDAY_10, MOSCOW
from .factories import make_agent, post_estimate


def file(actor, ticket_type=TicketType.BUG, **fields):
    fields.setdefault("subject", "Calendar does not load")
    fields.setdefault("description", "Since this morning the calendar page is blank.")
    return services.ticket_file(actor=actor, ticket_type=ticket_type, **fields)


def at(day_offset, hour, minute=0):
    return MONDAY_10.replace(hour=hour, minute=minute) + dt.timedelta(days=day_offset)


class TestPlans:
    def test_free_plan_refuses_a_consultation_and_offers_the_paid_plan(self, monday, free, owner):
        before = database_fingerprint()
        with pytest.raises(ValidationFailed) as refused:
            file(owner, TicketType.CONSULTATION)
        assert "Paid plan" in refused.value.errors["ticket_type"][0]
        assert refused.value.extra["offer_plan"] == SupportPlan.PAID
        assert database_fingerprint() == before

    def test_free_plan_refuses_an_enhancement(self, monday, free, owner):
        with pytest.raises(ValidationFailed):
            file(owner, TicketType.ENHANCEMENT)

    def test_free_plan_accepts_a_bug_under_the_bug_rule(self, monday, free, owner):
        ticket = file(owner)
        assert ticket.number == 1 and ticket.status == TicketStatus.NEW and ticket.plan == SupportPlan.FREE
        assert ticket.sla_due_at == at(0, 18)

    def test_a_business_without_an_account_is_on_the_free_plan(self, monday, owner):
        with pytest.raises(ValidationFailed):
            file(owner, TicketType.CONSULTATION)
        assert file(owner).plan == SupportPlan.FREE

    def test_paid_plan_consultation_is_due_in_12_working_hours(self, monday, paid, owner):
        ticket = file(owner, TicketType.CONSULTATION)
        assert ticket.sla_due_at == at(1, 13)

    def test_filing_needs_the_permission(self, monday, paid, specialist):
        before = database_fingerprint()
        with pytest.raises(PermissionDenied):
            file(specialist)
        assert database_fingerprint() == before

    def test_bad_input_is_refused_field_by_field(self, monday, paid, owner):
        with pytest.raises(ValidationFailed) as refused:
            services.ticket_file(actor=owner, ticket_type="wish", subject=" ", description="", priority="meh")
        assert set(refused.value.errors) == {"ticket_type", "subject", "description", "priority"}

    def test_individual_plan_gives_every_ticket_to_the_dedicated_manager(self, monday, owner, operator, agent):
        services.support_account_set(
            operator=operator, business=owner.business, plan=SupportPlan.INDIVIDUAL, manager=agent
        )
        assert file(owner).assignee == agent
        assert file(owner, TicketType.CONSULTATION).assignee == agent

    def test_a_new_dedicated_manager_takes_the_open_tickets(self, monday, paid, owner, operator, agent):
        open_ticket, done = file(owner), file(owner)
        services.ticket_status_change(agent=agent, ticket=done, status=TicketStatus.RESOLVED)
        manager = make_agent()
        services.support_account_set(
            operator=operator, business=owner.business, plan=SupportPlan.INDIVIDUAL, manager=manager
        )
        open_ticket.refresh_from_db()
        done.refresh_from_db()
        assert open_ticket.assignee == manager and done.assignee is None

    def test_only_the_operator_sets_plans(self, owner):
        with pytest.raises(PermissionDenied):
            services.support_account_set(operator=owner.person, business=owner.business, plan=SupportPlan.PAID)

    def test_ticket_numbers_are_per_business(self, monday, owner, outsider):
        assert [file(owner).number, file(owner).number, file(outsider).number] == [1, 2, 1]


class TestAttachments:
    def test_accepted_files_are_stored_under_the_media_root(self, monday, paid, owner, settings):
        upload = SimpleUploadedFile("screen.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
        ticket = file(owner, attachments=[upload])
        stored = TicketAttachment.objects.for_business(owner.business).get(ticket=ticket)
        assert stored.original_name == "screen.png" and stored.content_type == "image/png" and stored.size == 108
        assert stored.file.path.startswith(settings.MEDIA_ROOT)
        assert not stored.file.name.endswith("screen.png")  # never the client's name as a path

    @pytest.mark.parametrize(
        ("name", "content"),
        [("virus.exe", b"MZ..."), ("fake.png", b"GIF89a..."), ("empty.txt", b""), ("binary.txt", b"a\x00b")],
    )
    def test_refused_files_change_nothing(self, monday, paid, owner, name, content):
        before = database_fingerprint()
        with pytest.raises(ValidationFailed) as refused:
            file(owner, attachments=[SimpleUploadedFile(name, content)])
        assert "attachments" in refused.value.errors
        assert database_fingerprint() == before

    def test_too_large_files_are_refused(self, monday, paid, owner, settings):
        settings.SUPPORT_ATTACHMENT_MAX_BYTES = 10
        with pytest.raises(ValidationFailed):
            file(owner, attachments=[SimpleUploadedFile("log.txt", b"x" * 11)])


class TestClock:
    def test_waiting_for_the_customer_pauses_and_the_answer_resumes(self, monday, paid, owner, agent):
        ticket = file(owner, TicketType.BUG)
        assert ticket.sla_due_at == at(0, 18)
        monday.move_to(at(0, 11))
        services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="Which browser?", wait_for_customer=True)
        monday.move_to(at(1, 10))  # 7 working hours Monday + 1 Tuesday waiting
        services.ticket_reply_by_customer(actor=owner, ticket=ticket, body="Firefox")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.IN_PROGRESS and ticket.sla_paused_at is None
        assert ticket.sla_due_at == at(1, 17)

    def test_resolving_meets_the_bug_target_and_reopening_resumes(self, monday, paid, owner, agent):
        ticket = file(owner)
        monday.move_to(at(0, 12))
        services.ticket_status_change(agent=agent, ticket=ticket, status=TicketStatus.RESOLVED)
        ticket.refresh_from_db()
        assert ticket.sla_met_at is not None and not ticket.is_breached
        monday.move_to(at(0, 14))
        services.ticket_reopen(actor=owner, ticket=ticket)
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.IN_PROGRESS and ticket.sla_met_at is None
        assert ticket.sla_due_at == at(1, 11)  # two working hours resolved, so the deadline moves by two

    def test_the_first_agent_answer_meets_a_consultation_target(self, monday, paid, owner, agent):
        ticket = file(owner, TicketType.CONSULTATION)
        services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="Here is how.")
        ticket.refresh_from_db()
        assert ticket.sla_met_at is not None and ticket.assignee == agent and ticket.status == TicketStatus.IN_PROGRESS

    def test_an_internal_note_meets_nothing_and_is_never_mailed_to_the_business(self, monday, paid, owner, agent):
        ticket = file(owner, TicketType.CONSULTATION)
        mail.outbox.clear()
        services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="SECRET customer is on v1", is_internal=True)
        ticket.refresh_from_db()
        assert ticket.sla_met_at is None and ticket.first_replied_at is None
        assert all("SECRET" not in message.body for message in mail.outbox)
        assert [m.body for m in selectors.ticket_messages_for_customer(ticket)] == []

    def test_the_business_is_mailed_public_answers(
        self, monday, paid, owner, agent, django_capture_on_commit_callbacks
    ):
        ticket = file(owner)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="Fixed it")
        assert len(mail.outbox) == 1 and "Fixed it" in mail.outbox[0].body
        assert mail.outbox[0].to == [owner.person.email]

    def test_sla_state_shows_remaining_working_time(self, monday, paid, owner):
        ticket = file(owner)
        calendar = selectors.working_calendar_for(owner.business)
        state = selectors.sla_state(ticket, calendar=calendar, now=at(0, 16))
        assert state.remaining == dt.timedelta(hours=2) and not state.is_breached
        assert selectors.sla_state(ticket, calendar=calendar, now=at(1, 10)).is_breached

    def test_status_transitions_are_checked(self, monday, paid, owner, agent):
        ticket = file(owner)
        services.ticket_status_change(agent=agent, ticket=ticket, status=TicketStatus.RESOLVED)
        services.ticket_status_change(agent=agent, ticket=ticket, status=TicketStatus.CLOSED)
        with pytest.raises(ValidationFailed):
            services.ticket_status_change(agent=agent, ticket=ticket, status=TicketStatus.WAITING_FOR_CUSTOMER)
        with pytest.raises(Conflict):
            services.ticket_reply_by_customer(actor=owner, ticket=ticket, body="hello?")


class TestEstimates:
    def test_the_accepted_due_date_becomes_the_deadline(self, monday, paid, owner, agent):
        ticket = file(owner, TicketType.ENHANCEMENT, subject="Export to Excel")
        assert ticket.sla_due_at is None
        estimate = post_estimate(agent, ticket, effort_hours="16", due_date=dt.date(2026, 12, 4))
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.WAITING_FOR_CUSTOMER and ticket.assignee == agent
        services.estimate_accept(actor=owner, estimate=estimate)
        ticket.refresh_from_db()
        assert ticket.sla_due_at == dt.datetime(2026, 12, 4, 18, tzinfo=MOSCOW)
        assert ticket.status == TicketStatus.IN_PROGRESS
        with pytest.raises(Conflict):
            services.estimate_accept(actor=owner, estimate=estimate)

    def test_a_superseded_estimate_cannot_be_accepted(self, monday, paid, owner, agent):
        ticket = file(owner, TicketType.ENHANCEMENT)
        first = post_estimate(agent, ticket, effort_hours=8, due_date=dt.date(2026, 12, 1))
        post_estimate(agent, ticket, effort_hours=4, due_date=dt.date(2026, 11, 27))
        with pytest.raises(Conflict):
            services.estimate_accept(actor=owner, estimate=first)

    def test_estimates_only_for_enhancements_and_not_in_the_past(self, monday, paid, owner, agent):
        with pytest.raises(ValidationFailed):
            post_estimate(agent, file(owner), effort_hours=1, due_date=dt.date(2026, 12, 1))
        with pytest.raises(ValidationFailed):
            post_estimate(agent, file(owner, TicketType.ENHANCEMENT), effort_hours=1, due_date=dt.date(2026, 1, 1))

    def test_another_business_cannot_accept(self, monday, paid, owner, outsider, agent):
        estimate = post_estimate(
            agent, file(owner, TicketType.ENHANCEMENT), effort_hours=1, due_date=dt.date(2026, 12, 1)
        )
        from staffroom.core.errors import NotFound

        with pytest.raises(NotFound):
            services.estimate_accept(actor=outsider, estimate=estimate)


class TestStrikes:
    def test_strikes_warn_then_the_third_closes_and_reports(
        self, monday, paid, owner, agent, supervisor, django_capture_on_commit_callbacks
    ):
        ticket = file(owner)
        services.ticket_reply_by_customer(actor=owner, ticket=ticket, body="You are all useless idiots")
        first = services.strike_give(agent=agent, ticket=ticket, reason="Insults")
        services.strike_give(agent=agent, ticket=ticket, reason="Insults again")
        warnings = [m for m in selectors.ticket_messages_for_customer(ticket) if m.kind == MessageKind.WARNING]
        assert len(warnings) == 2 and "Warning 1 of 2" in warnings[0].body
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.NEW
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.strike_give(agent=agent, ticket=ticket, reason="Threats")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.CLOSED and ticket.is_closed_for_abuse
        report = AbuseReport.objects.for_business(owner.business).get(ticket=ticket)
        assert [s["number"] for s in report.snapshot["strikes"]] == [1, 2, 3]
        assert any("useless idiots" in m["body"] for m in report.snapshot["conversation"])
        assert report.snapshot["ticket"]["subject"] == ticket.subject
        assert [m.to for m in mail.outbox] == [[supervisor.person.email]]
        with pytest.raises(Conflict):
            services.ticket_reply_by_customer(actor=owner, ticket=ticket, body="sorry")
        with pytest.raises(Conflict):
            services.ticket_reopen(actor=owner, ticket=ticket)
        assert first.number == 1

    def test_a_supervisor_lifts_a_strike_and_everything_is_kept(self, monday, paid, owner, agent, supervisor):
        ticket = file(owner)
        strikes = [services.strike_give(agent=agent, ticket=ticket, reason=f"r{n}") for n in range(3)]
        with pytest.raises(PermissionDenied):
            services.strike_lift(agent=agent, strike=strikes[2], reason="mistake")
        services.strike_lift(agent=supervisor, strike=strikes[2], reason="Misread the tone")
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.IN_PROGRESS and not ticket.is_closed_for_abuse
        kept = list(ticket.strikes.order_by("number"))
        assert len(kept) == 3 and kept[2].lifted_by == supervisor and kept[2].lift_reason == "Misread the tone"
        # The next strike counts only the active ones.
        assert services.strike_give(agent=agent, ticket=ticket, reason="again").number == 3

    def test_business_employees_are_not_agents(self, monday, paid, owner):
        ticket = file(owner)
        with pytest.raises(PermissionDenied):
            services.strike_give(agent=None, ticket=ticket, reason="x")
        inactive = make_agent()
        inactive.is_active = False
        with pytest.raises(PermissionDenied):
            services.ticket_reply_by_agent(agent=inactive, ticket=ticket, body="hi")


class TestVisibility:
    def test_a_business_sees_only_its_own_tickets(self, monday, paid, owner, outsider):
        mine = file(owner)
        theirs = file(outsider)
        assert list(selectors.tickets_for_business(owner.business)) == [mine]
        assert list(selectors.tickets_for_business(outsider.business)) == [theirs]
        assert Ticket.objects.for_business(owner.business).count() == 1
