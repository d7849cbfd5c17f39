"""Pages of the second pass: the workflow in the console and the business pages, abuse decisions, the dashboard
support card."""

import datetime as dt
from decimal import Decimal

import pytest

from staffroom.core.formatting import format_datetime, format_money
from staffroom.core.testing import database_fingerprint
from staffroom.support import services
from staffroom.support.models import (
    AbuseDecision,
    AbuseReport,
    SupportPlan,
    TicketStatus,
    TicketType,
    WorkStage,
)

from .test_pages_and_api import agent_client


@pytest.fixture
def wish(monday, paid, owner):
    return services.ticket_file(
        actor=owner, ticket_type=TicketType.ENHANCEMENT, subject="Export to Excel", description="Clients as .xlsx"
    )


class TestConsoleWorkflow:
    def test_specify_estimate_progress_deliver_through_the_console(self, wish, owner, agent):
        client = agent_client(agent)
        page = client.get(f"/support-desk/tickets/{wish.pk}/")
        assert b'action="/support-desk/tickets/%d/specification/"' % wish.pk in page.content
        assert client.post(f"/support-desk/tickets/{wish.pk}/specification/", {"specification": ""}).status_code == 422
        response = client.post(f"/support-desk/tickets/{wish.pk}/specification/", {"specification": "A button."})
        assert response.status_code == 302
        bad = client.post(
            f"/support-desk/tickets/{wish.pk}/estimate/", {"effort_hours": "8", "due_date": "2026-12-04", "price": ""}
        )
        assert bad.status_code == 422
        posted = client.post(
            f"/support-desk/tickets/{wish.pk}/estimate/",
            {"effort_hours": "8", "due_date": "2026-12-04", "price": "240.00"},
        )
        assert posted.status_code == 302
        wish.refresh_from_db()
        assert wish.work_stage == WorkStage.ESTIMATED
        services.estimate_accept(actor=owner, estimate=wish.estimates.get())
        assert client.post(f"/support-desk/tickets/{wish.pk}/progress/", {"body": "Half done"}).status_code == 302
        assert client.post(f"/support-desk/tickets/{wish.pk}/deliver/", {"note": "Done"}).status_code == 302
        wish.refresh_from_db()
        assert wish.work_stage == WorkStage.DELIVERED
        # Delivering twice is refused with the form message, nothing changes.
        before = database_fingerprint()
        again = client.post(f"/support-desk/tickets/{wish.pk}/deliver/", {"note": "Again"})
        assert again.status_code == 422 and database_fingerprint() == before

    def test_the_agent_sees_the_contacts_strikes_on_every_ticket(self, monday, paid, owner, agent):
        first = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="One", description="d")
        services.strike_give(agent=agent, ticket=first, reason="rude")
        second = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Two", description="d")
        page = agent_client(agent).get(f"/support-desk/tickets/{second.pk}/").content.decode()
        assert "has 1 active strike across their tickets" in page
        assert f'href="/support-desk/tickets/{first.pk}/"' in page


class TestAbuseDecisionPages:
    @pytest.fixture
    def report(self, monday, paid, owner, agent):
        earlier = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Earlier", description="d")
        services.strike_give(agent=agent, ticket=earlier, reason="r1")
        ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Now", description="d")
        services.strike_give(agent=agent, ticket=ticket, reason="r2")
        services.strike_give(agent=agent, ticket=ticket, reason="r3")
        return AbuseReport.objects.for_business(owner.business).get(ticket=ticket)

    def test_the_report_shows_the_history_with_links(self, report, supervisor):
        page = agent_client(supervisor).get("/support-desk/abuse-reports/").content.decode()
        assert "Earlier tickets: 1; strikes: 3 (3 active)." in page
        earlier_id = report.snapshot["history"]["tickets"][0]["id"]
        assert f'href="/support-desk/tickets/{earlier_id}/"' in page

    def test_a_supervisor_restricts_and_the_agent_sees_the_decision(self, report, supervisor, agent):
        url = f"/support-desk/abuse-reports/{report.pk}/decide/"
        assert agent_client(agent).post(url, {"decision": "uphold", "note": "x"}).status_code == 403
        report.refresh_from_db()
        assert report.decision == ""
        refused = agent_client(supervisor).post(url, {"decision": "restrict", "note": "Threats"})
        assert refused.status_code == 422
        done = agent_client(supervisor).post(url, {"decision": "restrict", "note": "Threats", "restricted_days": 7})
        assert done.status_code == 302
        report.refresh_from_db()
        assert report.decision == AbuseDecision.RESTRICT and report.restricted_days == 7
        page = agent_client(agent).get(f"/support-desk/tickets/{report.ticket_id}/").content.decode()
        assert "Supervisor decision by" in page and "Threats" in page


class TestBusinessWorkflowPages:
    def test_decline_accept_delivery_and_refusals(self, wish, client_for, owner, specialist, agent):
        services.work_specify(agent=agent, ticket=wish, specification="A button.")
        first = services.estimate_post(
            agent=agent, ticket=wish, effort_hours=8, due_date=dt.date(2026, 12, 4), price="900"
        )
        client = client_for(owner)
        page = client.get(f"/support/{wish.number}/").content.decode()
        assert "A button." in page and f"Price: {format_money(Decimal('900'), first.currency)}" in page
        assert client.post(f"/support/{wish.number}/estimates/{first.pk}/decline/", {"reason": ""}).status_code == 422
        assert client_for(specialist).post(
            f"/support/{wish.number}/estimates/{first.pk}/decline/", {"reason": "no"}
        ).status_code in (403, 404)
        declined = client.post(f"/support/{wish.number}/estimates/{first.pk}/decline/", {"reason": "Too much"})
        assert declined.status_code == 302
        second = services.estimate_post(
            agent=agent, ticket=wish, effort_hours=8, due_date=dt.date(2026, 12, 4), price="450"
        )
        assert client.post(f"/support/{wish.number}/estimates/{second.pk}/accept/").status_code == 302
        services.work_deliver(agent=agent, ticket=wish)
        assert client.post(f"/support/{wish.number}/delivery/accept/").status_code == 302
        wish.refresh_from_db()
        assert wish.work_stage == WorkStage.ACCEPTED and wish.status == TicketStatus.CLOSED

    def test_training_is_filed_with_its_requirements(self, monday, paid, client_for, owner):
        response = client_for(owner).post(
            "/support/new/",
            {
                "ticket_type": "training",
                "priority": "normal",
                "subject": "Train our administrator",
                "description": "New hire",
                "role_to_train": "Administrator",
                "level": "basic",
                "workplace": "Front desk",
                "candidate_source": "new_hire",
                "deadline": "2026-12-20",
            },
        )
        assert response.status_code == 302
        page = client_for(owner).get(response["Location"]).content.decode()
        assert "Front desk" in page and "Requested" in page

    def test_training_without_requirements_gets_field_errors(self, monday, paid, client_for, owner):
        before = database_fingerprint()
        response = client_for(owner).post(
            "/support/new/",
            {"ticket_type": "training", "priority": "normal", "subject": "Train", "description": "d"},
        )
        assert response.status_code == 200 and b"Say which role to train." in response.content
        assert database_fingerprint() == before


class TestDashboardCard:
    def test_plan_open_tickets_and_due_times(self, wish, client_for, owner, agent):
        services.work_specify(agent=agent, ticket=wish, specification="A button.")
        estimate = services.estimate_post(
            agent=agent, ticket=wish, effort_hours=8, due_date=dt.date(2026, 12, 4), price="100"
        )
        services.estimate_accept(actor=owner, estimate=estimate)
        page = client_for(owner).get("/").content.decode()
        assert 'class="card support-card"' in page and "Paid" in page
        wish.refresh_from_db()
        due = format_datetime(wish.sla_due_at, "short", tz=owner.business.zone)
        assert "#1 Export to Excel" in page and f'<td class="due">{due}' in page
        assert "Your support manager" not in page

    def test_the_individual_plan_shows_the_manager_and_contacts(self, monday, client_for, owner, operator, agent):
        agent.phone = "+7 495 123-45-67"
        agent.save()
        services.support_account_set(
            operator=operator, business=owner.business, plan=SupportPlan.INDIVIDUAL, manager=agent
        )
        page = client_for(owner).get("/").content.decode()
        assert "Your support manager" in page and "Alice Agent" in page
        assert agent.person.email in page and "+7 495 123-45-67" in page

    def test_an_employee_without_the_support_permission_sees_no_card(self, wish, client_for, specialist):
        page = client_for(specialist).get("/").content.decode()
        assert "support-card" not in page

    def test_another_business_sees_only_its_own(self, wish, client_for, outsider):
        page = client_for(outsider).get("/").content.decode()
        assert "Export to Excel" not in page
