"""The second pass of the support desk: the enhancement and training workflows, strikes per customer contact,
abuse decisions, calendar validation and transferred working days, the working-hours "breaching soon" queue."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from staffroom.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.staff.tests.factories import make_employee
from staffroom.support import calculations, selectors, services
from staffroom.support.models import (
    AbuseDecision,
    AbuseReport,
    MessageKind,
    SupportAccount,
    SupportCalendar,
    SupportPlan,
    Ticket,
    TicketStatus,
    TicketType,
    WorkStage,
)

from .conftest import MONDAY_10, MOSCOW


def enhancement(actor, subject="Export the client list"):
    return services.ticket_file(
        actor=actor, ticket_type=TicketType.ENHANCEMENT, subject=subject, description="We need an .xlsx export."
    )


def training_requirements(**changes):
    requirements = {
        "role_to_train": "Administrator",
        "level": "confident",
        "workplace": "Tverskaya branch, front desk",
        "candidate_source": "own_staff",
        "deadline": dt.date(2026, 12, 18),
    }
    requirements.update(changes)
    return requirements


def training(actor, **changes):
    return services.ticket_file(
        actor=actor,
        ticket_type=TicketType.TRAINING,
        subject="Train our new administrator",
        description="She starts next month.",
        training=training_requirements(**changes),
    )


def specify(agent, ticket):
    return services.work_specify(agent=agent, ticket=ticket, specification="A button on Clients downloads .xlsx.")


def estimate(agent, ticket, due=dt.date(2026, 12, 4), price="480.00"):
    return services.estimate_post(agent=agent, ticket=ticket, effort_hours="16", due_date=due, price=price)


def customer_events(ticket):
    return [m.body for m in selectors.ticket_messages_for_customer(ticket) if m.kind == MessageKind.EVENT]


class TestEnhancementWorkflow:
    def test_request_specification_estimate_accept_deliver_accept(self, monday, paid, owner, agent):
        ticket = enhancement(owner)
        assert ticket.work_stage == WorkStage.REQUESTED and ticket.sla_due_at is None
        specify(agent, ticket)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.SPECIFIED and ticket.assignee == agent
        posted = estimate(agent, ticket)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.ESTIMATED and ticket.status == TicketStatus.WAITING_FOR_CUSTOMER
        assert posted.price == Decimal("480.00") and posted.currency == owner.business.currency
        services.estimate_accept(actor=owner, estimate=posted)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.IN_PROGRESS
        assert ticket.sla_due_at == dt.datetime(2026, 12, 4, 18, tzinfo=MOSCOW)
        services.work_progress_post(agent=agent, ticket=ticket, body="The export button is in place.")
        with time_machine.travel(dt.datetime(2026, 12, 3, 12, tzinfo=MOSCOW), tick=False):
            services.work_deliver(agent=agent, ticket=ticket, note="Clients → Export.")
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.DELIVERED and ticket.status == TicketStatus.RESOLVED
        assert not ticket.is_breached
        with time_machine.travel(dt.datetime(2026, 12, 3, 15, tzinfo=MOSCOW), tick=False):
            services.work_delivery_accept(actor=owner, ticket=ticket)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.ACCEPTED and ticket.status == TicketStatus.CLOSED
        events = "\n".join(customer_events(ticket))
        for step in (
            "Specification",
            "Estimate: 16",
            "accepted the estimate",
            "Progress:",
            "Delivered",
            "accepted the delivery",
        ):
            assert step in events

    def test_send_back_with_a_reason_then_late_delivery_is_flagged(self, monday, paid, owner, agent):
        ticket = enhancement(owner)
        specify(agent, ticket)
        services.estimate_accept(actor=owner, estimate=estimate(agent, ticket, due=dt.date(2026, 11, 24)))
        services.work_deliver(agent=agent, ticket=ticket)
        with pytest.raises(ValidationFailed) as refused:
            services.work_send_back(actor=owner, ticket=ticket, reason="  ")
        assert "reason" in refused.value.errors
        services.work_send_back(actor=owner, ticket=ticket, reason="The phone column is empty")
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.IN_PROGRESS and ticket.status == TicketStatus.IN_PROGRESS
        assert "The phone column is empty" in [m.body for m in selectors.ticket_messages_for_customer(ticket)]
        with time_machine.travel(dt.datetime(2026, 11, 25, 10, tzinfo=MOSCOW), tick=False):
            services.work_deliver(agent=agent, ticket=ticket)
        ticket.refresh_from_db()
        assert ticket.is_breached
        report = selectors.work_report(start=MONDAY_10 - dt.timedelta(days=1), end=MONDAY_10 + dt.timedelta(days=7))
        assert (report.estimates_given, report.estimates_accepted, report.delivered, report.delivered_on_time) == (
            1,
            1,
            1,
            0,
        )

    def test_decline_then_a_new_estimate_is_accepted(self, monday, paid, owner, agent):
        ticket = enhancement(owner)
        specify(agent, ticket)
        first = estimate(agent, ticket, price="900.00")
        services.estimate_decline(actor=owner, estimate=first, reason="Too expensive")
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.DECLINED
        with pytest.raises(Conflict):
            services.estimate_accept(actor=owner, estimate=first)
        second = estimate(agent, ticket, price="450.00")
        services.estimate_accept(actor=owner, estimate=second)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.IN_PROGRESS
        assert "Too expensive" in "\n".join(customer_events(ticket))

    def test_wrong_state_is_refused_and_changes_nothing(self, monday, paid, owner, agent):
        ticket = enhancement(owner)
        before = database_fingerprint()
        with pytest.raises(Conflict):
            estimate(agent, ticket)  # no specification yet
        with pytest.raises(Conflict):
            services.work_deliver(agent=agent, ticket=ticket)
        with pytest.raises(Conflict):
            services.work_delivery_accept(actor=owner, ticket=ticket)
        with pytest.raises(Conflict):
            services.work_progress_post(agent=agent, ticket=ticket, body="x")
        assert database_fingerprint() == before
        specify(agent, ticket)
        posted = estimate(agent, ticket)
        services.estimate_accept(actor=owner, estimate=posted)
        with pytest.raises(Conflict):
            services.estimate_accept(actor=owner, estimate=posted)
        with pytest.raises(Conflict):
            specify(agent, ticket)
        with pytest.raises(ValidationFailed):
            services.ticket_status_change(agent=agent, ticket=ticket, status=TicketStatus.RESOLVED)

    def test_a_bug_is_not_a_workflow(self, monday, paid, owner, agent):
        bug = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Broken", description="d")
        with pytest.raises(ValidationFailed):
            specify(agent, bug)
        with pytest.raises(ValidationFailed):
            services.work_deliver(agent=agent, ticket=bug)

    def test_wrong_roles_are_refused(self, monday, paid, owner, specialist, outsider, agent):
        ticket = enhancement(owner)
        with pytest.raises(PermissionDenied):
            specify(None, ticket)
        specify(agent, ticket)
        posted = estimate(agent, ticket)
        before = database_fingerprint()
        with pytest.raises(PermissionDenied):
            services.estimate_accept(actor=specialist, estimate=posted)
        with pytest.raises(PermissionDenied):
            services.estimate_decline(actor=specialist, estimate=posted, reason="no")
        with pytest.raises(NotFound):
            services.estimate_accept(actor=outsider, estimate=posted)
        assert database_fingerprint() == before

    def test_bad_estimate_input_is_refused_field_by_field(self, monday, paid, owner, agent):
        ticket = enhancement(owner)
        specify(agent, ticket)
        with pytest.raises(ValidationFailed) as refused:
            services.estimate_post(agent=agent, ticket=ticket, effort_hours="lots", due_date=None, price="-1")
        assert set(refused.value.errors) == {"effort_hours", "due_date", "price"}
        with pytest.raises(ValidationFailed) as refused:
            services.estimate_post(
                agent=agent, ticket=ticket, effort_hours="1", due_date=dt.date(2026, 12, 1), price="1.005"
            )
        assert set(refused.value.errors) == {"price"}


class TestTraining:
    def test_the_free_plan_refuses_with_the_offer(self, monday, free, owner):
        before = database_fingerprint()
        with pytest.raises(ValidationFailed) as refused:
            training(owner)
        assert refused.value.extra["offer_plan"] == SupportPlan.PAID
        assert "Paid plan" in refused.value.errors["ticket_type"][0]
        assert database_fingerprint() == before

    def test_requirements_are_checked(self, monday, paid, owner):
        with pytest.raises(ValidationFailed) as refused:
            training(owner, role_to_train=" ", level="guru", workplace="", candidate_source="", deadline=None)
        assert set(refused.value.errors) == {"role_to_train", "level", "workplace", "candidate_source", "deadline"}
        with pytest.raises(ValidationFailed) as refused:
            training(owner, deadline=dt.date(2026, 11, 23))
        assert set(refused.value.errors) == {"deadline"}

    def test_priced_by_a_supervisor_accepted_progress_delivered(self, monday, paid, owner, agent, supervisor):
        ticket = training(owner)
        assert ticket.training.role_to_train == "Administrator" and ticket.work_stage == WorkStage.REQUESTED
        with pytest.raises(PermissionDenied):
            estimate(agent, ticket)
        posted = estimate(supervisor, ticket, due=dt.date(2026, 12, 18), price="25000.00")
        services.estimate_accept(actor=owner, estimate=posted)
        services.work_progress_post(agent=agent, ticket=ticket, body="Week 1: calendar and clients done.")
        services.work_deliver(agent=agent, ticket=ticket)
        services.work_delivery_accept(actor=owner, ticket=ticket)
        ticket.refresh_from_db()
        assert ticket.work_stage == WorkStage.ACCEPTED
        assert "Week 1" in "\n".join(customer_events(ticket))

    def test_individual_plan_accepts_training(self, monday, owner, operator, agent, support_calendar):
        services.support_account_set(
            operator=operator, business=owner.business, plan=SupportPlan.INDIVIDUAL, manager=agent
        )
        assert training(owner).assignee == agent


class TestStrikesPerContact:
    def test_two_strikes_on_one_ticket_and_one_on_the_next_make_the_third(self, monday, paid, owner, agent):
        first = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="One", description="d")
        services.strike_give(agent=agent, ticket=first, reason="Insults")
        services.strike_give(agent=agent, ticket=first, reason="Insults again")
        second = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Two", description="d")
        assert selectors.contact_strike_count(second) == 2
        third = services.strike_give(agent=agent, ticket=second, reason="Threats")
        assert third.number == 3
        second.refresh_from_db()
        first.refresh_from_db()
        assert second.is_closed_for_abuse and second.status == TicketStatus.CLOSED
        assert not first.is_closed_for_abuse
        report = AbuseReport.objects.for_business(owner.business).get(ticket=second)
        history = report.snapshot["history"]
        assert history["earlier_tickets"] == 1 and history["strikes_total"] == 3
        assert history["tickets"][0]["id"] == first.pk and history["tickets"][0]["strikes"] == 2

    def test_strikes_older_than_the_window_do_not_count(self, sla_rules, paid, owner, agent, settings):
        settings.SUPPORT_STRIKE_WINDOW_DAYS = 30
        with time_machine.travel(MONDAY_10 - dt.timedelta(days=31), tick=False):
            old = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Old", description="d")
            services.strike_give(agent=agent, ticket=old, reason="r1")
            services.strike_give(agent=agent, ticket=old, reason="r2")
        with time_machine.travel(MONDAY_10, tick=False):
            new = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="New", description="d")
            assert services.strike_give(agent=agent, ticket=new, reason="r3").number == 1

    def test_another_contact_of_the_business_starts_afresh(self, monday, paid, owner, administrator, agent):
        mine = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="One", description="d")
        services.strike_give(agent=agent, ticket=mine, reason="r1")
        services.strike_give(agent=agent, ticket=mine, reason="r2")
        theirs = services.ticket_file(actor=administrator, ticket_type=TicketType.BUG, subject="Two", description="d")
        assert services.strike_give(agent=agent, ticket=theirs, reason="r").number == 1

    def test_one_person_in_two_businesses_has_separate_counts(
        self, monday, paid, owner, other_business, agent, operator
    ):
        services.support_account_set(operator=operator, business=other_business, plan=SupportPlan.PAID)
        elsewhere = make_employee(other_business, "owner")
        elsewhere.person = owner.person
        elsewhere.save(update_fields=["person"])
        here = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Here", description="d")
        services.strike_give(agent=agent, ticket=here, reason="r1")
        services.strike_give(agent=agent, ticket=here, reason="r2")
        there = services.ticket_file(actor=elsewhere, ticket_type=TicketType.BUG, subject="There", description="d")
        assert selectors.contact_strike_count(there) == 0
        assert services.strike_give(agent=agent, ticket=there, reason="r").number == 1


class TestAbuseDecisions:
    def _report(self, owner, agent):
        ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="One", description="d")
        for reason in ("r1", "r2", "r3"):
            services.strike_give(agent=agent, ticket=ticket, reason=reason)
        return AbuseReport.objects.for_business(owner.business).get(ticket=ticket)

    def test_lift_reopens_and_lifts_the_contacts_strikes(self, monday, paid, owner, agent, supervisor):
        report = self._report(owner, agent)
        with pytest.raises(PermissionDenied):
            services.abuse_report_decide(agent=agent, report=report, decision=AbuseDecision.LIFT, note="x")
        services.abuse_report_decide(agent=supervisor, report=report, decision=AbuseDecision.LIFT, note="Misread")
        report.refresh_from_db()
        report.ticket.refresh_from_db()
        assert report.decision == AbuseDecision.LIFT and report.reviewed_by == supervisor
        assert not report.ticket.is_closed_for_abuse and report.ticket.status == TicketStatus.IN_PROGRESS
        assert selectors.contact_strike_count(report.ticket) == 0
        notes = [
            m.body for m in selectors.ticket_messages_for_agent(report.ticket) if m.kind == MessageKind.INTERNAL_NOTE
        ]
        assert any("Misread" in note for note in notes)
        assert not any("Misread" in m.body for m in selectors.ticket_messages_for_customer(report.ticket))
        with pytest.raises(Conflict):
            services.abuse_report_decide(agent=supervisor, report=report, decision=AbuseDecision.UPHOLD, note="x")

    def test_restrict_to_bugs_for_n_days(self, monday, paid, owner, agent, supervisor):
        report = self._report(owner, agent)
        with pytest.raises(ValidationFailed) as refused:
            services.abuse_report_decide(agent=supervisor, report=report, decision=AbuseDecision.RESTRICT, note="x")
        assert set(refused.value.errors) == {"restricted_days"}
        services.abuse_report_decide(
            agent=supervisor, report=report, decision=AbuseDecision.RESTRICT, note="Threats", restricted_days=7
        )
        account = SupportAccount.objects.for_business(owner.business).get()
        assert account.bugs_only_until == MONDAY_10 + dt.timedelta(days=7)
        with pytest.raises(ValidationFailed) as refused:
            enhancement(owner)
        assert "only bug reports" in refused.value.errors["ticket_type"][0]
        services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Still a bug", description="d")
        with time_machine.travel(MONDAY_10 + dt.timedelta(days=7, minutes=1), tick=False):
            assert enhancement(owner).work_stage == WorkStage.REQUESTED

    def test_uphold_keeps_the_conversation_closed(self, monday, paid, owner, agent, supervisor):
        report = self._report(owner, agent)
        services.abuse_report_decide(agent=supervisor, report=report, decision=AbuseDecision.UPHOLD, note="Right call")
        report.ticket.refresh_from_db()
        assert report.ticket.is_closed_for_abuse and selectors.contact_strike_count(report.ticket) == 3


class TestCalendarValidation:
    def test_an_unknown_country_is_refused(self, db):
        calendar = SupportCalendar(name="Atlantis", time_zone="Europe/Moscow", country="XX")
        with pytest.raises(ValidationError) as refused:
            calendar.full_clean()
        assert set(refused.value.message_dict) == {"country"}

    def test_a_lower_case_country_is_refused(self, db):
        with pytest.raises(ValidationError) as refused:
            SupportCalendar(name="Moscow", time_zone="Europe/Moscow", country="ru").full_clean()
        assert set(refused.value.message_dict) == {"country"}

    def test_an_unknown_time_zone_is_refused(self, db):
        with pytest.raises(ValidationError) as refused:
            SupportCalendar(name="Mars", time_zone="Mars/Olympus_Mons", country="RU").full_clean()
        assert set(refused.value.message_dict) == {"time_zone"}

    def test_an_unknown_region_is_refused(self, db):
        with pytest.raises(ValidationError) as refused:
            SupportCalendar(name="US", time_zone="America/New_York", country="US", subdivision="ZZ").full_clean()
        assert set(refused.value.message_dict) == {"subdivision"}
        SupportCalendar(name="NY", time_zone="America/New_York", country="US", subdivision="NY").full_clean()

    def test_weekdays_must_be_0_to_6(self, db):
        with pytest.raises(ValidationError) as refused:
            SupportCalendar(name="Odd", time_zone="Asia/Vladivostok", working_weekdays=[0, 7]).full_clean()
        assert set(refused.value.message_dict) == {"working_weekdays"}


class TestTransferredWorkingDays:
    # Russia 2025: Saturday 1 November is worked in place of the bridge day Monday 3 November.
    russia = calculations.WorkingCalendar(time_zone="Europe/Moscow", country="RU")

    def test_the_transferred_saturday_is_working_and_the_bridge_day_is_off(self):
        assert self.russia.is_working_day(dt.date(2025, 11, 1))
        assert not self.russia.is_working_day(dt.date(2025, 11, 3))
        assert not self.russia.is_working_day(dt.date(2025, 11, 8))  # an ordinary Saturday

    def test_the_transferred_saturday_counts_as_working_time(self):
        friday_17 = dt.datetime(2025, 10, 31, 17, tzinfo=MOSCOW)
        due = calculations.add_working_hours(self.russia, friday_17, 8)
        assert due == dt.datetime(2025, 11, 1, 16, tzinfo=MOSCOW)

    def test_a_custom_day_off_wins_over_the_transferred_day(self):
        calendar = calculations.WorkingCalendar(
            time_zone="Europe/Moscow", country="RU", days_off=frozenset({dt.date(2025, 11, 1)})
        )
        assert not calendar.is_working_day(dt.date(2025, 11, 1))

    def test_the_model_calendar_takes_them_too(self, db):
        calendar = SupportCalendar.objects.create(name="Moscow", time_zone="Europe/Moscow", country="RU")
        assert calendar.as_working_calendar().is_working_day(dt.date(2025, 11, 1))


class TestBreachingSoon:
    def test_counts_working_hours_over_a_weekend(self, monday, paid, owner, agent):
        ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Slow", description="d")
        monday_10 = dt.datetime(2026, 11, 30, 10, tzinfo=MOSCOW)
        Ticket.objects.for_business(owner.business).filter(pk=ticket.pk).update(sla_due_at=monday_10)
        friday_17_30 = dt.datetime(2026, 11, 27, 17, 30, tzinfo=MOSCOW)
        # 64.5 real hours left, but only 1.5 working hours (Friday 17:30–18:00, Monday 09:00–10:00).
        assert [t.pk for t in selectors.agent_queue(agent, "breaching_soon", now=friday_17_30)] == [ticket.pk]
        assert selectors.queue_counts(agent, now=friday_17_30)["breaching_soon"] == 1
        # Friday 15:00: 4 working hours left — not yet.
        friday_15 = dt.datetime(2026, 11, 27, 15, tzinfo=MOSCOW)
        assert selectors.agent_queue(agent, "breaching_soon", now=friday_15) == []

    def test_a_paused_or_breached_ticket_is_not_breaching_soon(self, monday, paid, owner, agent):
        ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Slow", description="d")
        services.ticket_reply_by_agent(agent=agent, ticket=ticket, body="Which page?", wait_for_customer=True)
        assert selectors.agent_queue(agent, "breaching_soon", now=MONDAY_10 + dt.timedelta(hours=7)) == []
