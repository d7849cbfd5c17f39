"""Pages and API of the support desk: who may do what, refusals change nothing, internal notes never leak."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from staffroom.core.testing import database_fingerprint
from staffroom.staff.tests.factories import PASSWORD
from staffroom.support import services
from staffroom.support.models import (
    AgentRole,
    CannedReply,
    ManagerPricing,
    SupportPlan,
    Ticket,
    TicketStatus,
    TicketType,
)

from .factories import make_agent, post_estimate

SECRET_NOTE = "INTERNAL: customer is on the legacy plan"


def agent_client(agent) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.login(email=agent.person.email, password=PASSWORD)
    return client


@pytest.fixture
def ticket(monday, paid, owner, agent):
    filed = services.ticket_file(
        actor=owner, ticket_type=TicketType.BUG, subject="Calendar blank", description="Since 9:00"
    )
    services.ticket_reply_by_agent(agent=agent, ticket=filed, body=SECRET_NOTE, is_internal=True)
    services.ticket_reply_by_agent(agent=agent, ticket=filed, body="We are looking into it.")
    return filed


class TestBusinessPages:
    def test_list_and_detail_show_public_answers_and_never_internal_notes(self, ticket, client_for, owner):
        client = client_for(owner)
        listing = client.get("/support/")
        assert listing.status_code == 200 and b"Calendar blank" in listing.content
        assert b"Paid" in listing.content
        detail = client.get(f"/support/{ticket.number}/")
        assert detail.status_code == 200
        assert b"We are looking into it." in detail.content
        assert SECRET_NOTE.encode() not in detail.content

    def test_another_business_gets_404_and_its_list_is_empty(self, ticket, client_for, outsider):
        client = client_for(outsider)
        assert client.get(f"/support/{ticket.number}/").status_code == 404
        assert b"Calendar blank" not in client.get("/support/").content
        before = database_fingerprint()
        assert client.post(f"/support/{ticket.number}/reply/", {"body": "hi"}).status_code == 404
        assert database_fingerprint() == before

    def test_without_the_permission_the_pages_refuse_and_change_nothing(self, ticket, client_for, specialist):
        client = client_for(specialist)
        before = database_fingerprint()
        assert client.get("/support/").status_code == 403
        assert (
            client.post("/support/new/", {"ticket_type": "bug", "subject": "s", "description": "d"}).status_code == 403
        )
        assert client.post(f"/support/{ticket.number}/reply/", {"body": "hi"}).status_code == 403
        assert database_fingerprint() == before

    def test_anonymous_is_sent_to_sign_in(self, ticket, anonymous):
        response = anonymous.get("/support/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_filing_with_an_attachment(self, monday, paid, client_for, owner):
        client = client_for(owner)
        upload = SimpleUploadedFile("log.txt", b"Traceback ...", content_type="text/plain")
        response = client.post(
            "/support/new/",
            {
                "ticket_type": "bug",
                "priority": "high",
                "subject": "Crash",
                "description": "It crashed",
                "attachments": upload,
            },
        )
        assert response.status_code == 302
        created = Ticket.objects.for_business(owner.business).get(subject="Crash")
        assert created.attachments.count() == 1
        attachment = created.attachments.get()
        download = client.get(f"/support/{created.number}/files/{attachment.pk}/")
        assert download.status_code == 200 and b"".join(download.streaming_content) == b"Traceback ..."

    def test_free_plan_page_refuses_a_consultation_with_the_paid_offer(self, monday, free, client_for, owner):
        before = database_fingerprint()
        response = client_for(owner).post(
            "/support/new/",
            {"ticket_type": "consultation", "priority": "normal", "subject": "How?", "description": "?"},
        )
        assert response.status_code == 200
        assert b"Paid plan" in response.content and b"Need more than bug fixes?" in response.content
        assert database_fingerprint() == before

    def test_attachments_on_internal_notes_stay_with_support(self, ticket, client_for, owner, agent):
        note = services.ticket_reply_by_agent(
            agent=agent,
            ticket=ticket,
            body="screenshot of the admin side",
            is_internal=True,
            attachments=[SimpleUploadedFile("inside.txt", b"secret")],
        )
        attachment = note.attachments.get()
        assert client_for(owner).get(f"/support/{ticket.number}/files/{attachment.pk}/").status_code == 404
        assert agent_client(agent).get(f"/support-desk/tickets/{ticket.pk}/files/{attachment.pk}/").status_code == 200

    def test_reply_reopen_and_accept_estimate_through_pages(self, monday, paid, client_for, owner, agent):
        filed = services.ticket_file(actor=owner, ticket_type=TicketType.ENHANCEMENT, subject="Export", description="d")
        estimate = post_estimate(agent, filed, effort_hours=8, due_date=dt.date(2026, 11, 30))
        client = client_for(owner)
        assert client.post(f"/support/{filed.number}/estimates/{estimate.pk}/accept/").status_code == 302
        filed.refresh_from_db()
        assert filed.sla_due_at is not None and filed.status == TicketStatus.IN_PROGRESS
        assert client.post(f"/support/{filed.number}/reply/", {"body": "Thanks"}).status_code == 302
        services.work_deliver(agent=agent, ticket=filed)
        assert (
            client.post(f"/support/{filed.number}/send-back/", {"reason": "The phone column is empty"}).status_code
            == 302
        )
        filed.refresh_from_db()
        assert filed.status == TicketStatus.IN_PROGRESS and filed.work_stage == "in_progress"


class TestBusinessApi:
    def test_file_list_detail_reply_without_internal_notes(self, ticket, api_for, owner):
        api = api_for(owner)
        listing = api.get("/api/v1/support/tickets").json()
        assert [row["number"] for row in listing] == [ticket.number]
        detail = api.get(f"/api/v1/support/tickets/{ticket.number}").json()
        assert SECRET_NOTE not in json.dumps(detail)
        assert [m["body"] for m in detail["messages"]] == ["We are looking into it."]
        replied = api.post(
            f"/api/v1/support/tickets/{ticket.number}/replies", {"body": "Still blank"}, content_type="application/json"
        )
        assert replied.status_code == 201 and replied.json()["messages"][-1]["body"] == "Still blank"

    def test_filing_with_files(self, monday, paid, api_for, owner):
        response = api_for(owner).post(
            "/api/v1/support/tickets/with-files",
            {
                "ticket_type": "bug",
                "subject": "Crash",
                "description": "See the log",
                "files": [SimpleUploadedFile("crash.txt", b"Traceback")],
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["attachments"] == ["crash.txt"]

    def test_a_reply_with_files_and_a_refused_file(self, ticket, api_for, owner):
        api = api_for(owner)
        path = f"/api/v1/support/tickets/{ticket.number}/replies/with-files"
        sent = api.post(path, {"body": "Log attached", "files": [SimpleUploadedFile("trace.log", b"line 1")]})
        assert sent.status_code == 201, sent.content
        assert sent.json()["messages"][-1]["attachments"] == ["trace.log"]
        before = database_fingerprint()
        refused = api.post(path, {"body": "Program", "files": [SimpleUploadedFile("tool.exe", b"MZ")]})
        assert refused.status_code == 422 and "attachments" in refused.json()["errors"]
        assert database_fingerprint() == before

    def test_free_plan_refusal_is_a_422_with_the_offer(self, monday, free, api_for, owner):
        api = api_for(owner)
        before = database_fingerprint()
        response = api.post(
            "/api/v1/support/tickets",
            {"ticket_type": "consultation", "subject": "How?", "description": "?"},
            content_type="application/json",
        )
        assert response.status_code == 422
        assert response.json()["offer_plan"] == SupportPlan.PAID and "ticket_type" in response.json()["errors"]
        assert database_fingerprint() == before
        assert api.get("/api/v1/support/plan").json()["accepts"] == ["bug"]

    def test_filing_through_the_api(self, monday, paid, api_for, owner):
        response = api_for(owner).post(
            "/api/v1/support/tickets",
            {"ticket_type": "consultation", "subject": "How to export?", "description": "?"},
            content_type="application/json",
        )
        assert response.status_code == 201
        assert response.json()["sla"]["due_at"].startswith("2026-11-24T")

    @pytest.mark.parametrize(
        ("method", "path", "body"),
        [
            ("get", "/api/v1/support/tickets/{number}", None),
            ("post", "/api/v1/support/tickets/{number}/replies", {"body": "x"}),
            ("post", "/api/v1/support/tickets/{number}/reopen", None),
        ],
    )
    def test_other_business_and_lacking_permission_change_nothing(
        self, ticket, api_for, outsider, specialist, anonymous, method, path, body
    ):
        path = path.format(number=ticket.number)
        other, lacking = api_for(outsider), api_for(specialist)
        before = database_fingerprint()
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        assert getattr(other, method)(path, **kwargs).status_code == 404
        assert getattr(lacking, method)(path, **kwargs).status_code == 403
        assert getattr(anonymous, method)(path, **kwargs).status_code == 401
        assert database_fingerprint() == before

    def test_employee_tokens_never_reach_the_agent_api(self, ticket, api_for, owner, client_for):
        assert api_for(owner).get("/api/v1/support-desk/tickets").status_code == 401
        assert client_for(owner).get("/api/v1/support-desk/tickets").status_code == 401


class TestConsole:
    def test_only_active_support_agents_enter(self, ticket, client_for, owner, anonymous):
        assert client_for(owner).get("/support-desk/").status_code == 403
        assert anonymous.get("/support-desk/").status_code == 302
        staff_without_profile = make_agent().person
        staff_without_profile.support_agent.delete()
        staff_without_profile = type(staff_without_profile).objects.get(pk=staff_without_profile.pk)
        plain = Client(HTTP_HOST="127.0.0.1")
        plain.login(email=staff_without_profile.email, password=PASSWORD)
        assert plain.get("/support-desk/").status_code == 403
        demoted = make_agent()
        signed_in = agent_client(demoted)
        assert signed_in.get("/support-desk/").status_code == 200
        demoted.person.is_staff = False
        demoted.person.save()
        assert signed_in.get("/support-desk/").status_code in (302, 403)  # signed out, or refused

    def test_queues_and_the_ticket_with_internal_notes(self, ticket, agent):
        client = agent_client(agent)
        mine = client.get("/support-desk/?queue=mine")
        assert mine.status_code == 200 and b"Calendar blank" in mine.content
        assert b"Calendar blank" not in client.get("/support-desk/?queue=unassigned").content
        detail = client.get(f"/support-desk/tickets/{ticket.pk}/")
        assert detail.status_code == 200 and SECRET_NOTE.encode() in detail.content
        assert client.get("/support-desk/?queue=nonsense").status_code == 404
        assert client.get("/support-desk/tickets/999999/").status_code == 404

    def test_breached_and_breaching_soon_queues(self, ticket, agent, monday):
        client = agent_client(agent)
        monday.move_to(dt.datetime(2026, 11, 23, 16, 30, tzinfo=ticket.business.zone))
        assert b"Calendar blank" in client.get("/support-desk/?queue=breaching_soon").content
        monday.move_to(dt.datetime(2026, 11, 23, 18, 30, tzinfo=ticket.business.zone))
        services.sla_sweep()
        assert b"Calendar blank" in client.get("/support-desk/?queue=breached").content

    def test_reply_note_status_strike_through_the_console(
        self, ticket, agent, owner, django_capture_on_commit_callbacks
    ):
        client = agent_client(agent)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/support-desk/tickets/{ticket.pk}/reply/", {"body": "note two", "is_internal": "on"}
            )
        assert response.status_code == 302 and mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                f"/support-desk/tickets/{ticket.pk}/reply/", {"body": "Please retry", "wait_for_customer": "on"}
            )
        assert [m.to for m in mail.outbox] == [[owner.person.email]] and "note two" not in mail.outbox[0].body
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.WAITING_FOR_CUSTOMER
        assert client.post(f"/support-desk/tickets/{ticket.pk}/status/", {"status": "resolved"}).status_code == 302
        ticket.refresh_from_db()
        assert ticket.status == TicketStatus.RESOLVED
        assert client.post(f"/support-desk/tickets/{ticket.pk}/strike/", {"reason": "rude"}).status_code == 302
        assert ticket.strikes.count() == 1

    def test_a_bad_reply_is_shown_on_the_form_and_changes_nothing(self, ticket, agent):
        before = database_fingerprint()
        response = agent_client(agent).post(f"/support-desk/tickets/{ticket.pk}/reply/", {"body": ""})
        assert response.status_code == 422
        assert database_fingerprint() == before

    def test_canned_replies_are_offered(self, ticket, agent):
        CannedReply.objects.create(title="Cache", body="Please clear your browser cache.")
        assert (
            b"Please clear your browser cache."
            in agent_client(agent).get(f"/support-desk/tickets/{ticket.pk}/").content
        )

    def test_abuse_reports_are_for_supervisors(self, ticket, agent, supervisor):
        for reason in ("a", "b", "c"):
            services.strike_give(agent=agent, ticket=ticket, reason=reason)
        assert agent_client(agent).get("/support-desk/abuse-reports/").status_code == 403
        page = agent_client(supervisor).get("/support-desk/abuse-reports/")
        assert page.status_code == 200 and b"Calendar blank" in page.content

    def test_sla_report_page(self, ticket, agent):
        response = agent_client(agent).get("/support-desk/report/?start=2026-11-01&end=2026-11-30&by=plan")
        assert response.status_code == 200 and b"Paid" in response.content

    def test_manager_price_shows_the_breakdown(self, ticket, agent, owner, operator):
        services.support_account_set(
            operator=operator,
            business=owner.business,
            plan=SupportPlan.INDIVIDUAL,
            manager=agent,
            implementation_type="migration",
            implementation_hours=10,
        )
        ManagerPricing.objects.create(
            hour_coefficient=2, enhancement_coefficient=5, user_coefficient=1, rate="10.00", currency="EUR"
        )
        response = agent_client(agent).get(f"/support-desk/businesses/{owner.business_id}/manager-price/")
        assert response.status_code == 200
        # 25 (migration) + 10 h × 2 + 0 enhancements + 1 active user (the owner) × 1 = 46 points × 10 = 460.00
        assert "€460.00".encode() in response.content


class TestAgentApi:
    def test_agent_session_api(self, ticket, agent, supervisor):
        client = agent_client(agent)
        queue = client.get("/api/v1/support-desk/tickets?queue=mine")
        assert queue.status_code == 200 and [row["id"] for row in queue.json()] == [ticket.pk]
        detail = client.get(f"/api/v1/support-desk/tickets/{ticket.pk}").json()
        assert SECRET_NOTE in [m["body"] for m in detail["messages"]]
        reply = client.post(
            f"/api/v1/support-desk/tickets/{ticket.pk}/replies",
            {"body": "Fixed", "wait_for_customer": True},
            content_type="application/json",
        )
        assert reply.status_code == 201 and reply.json()["status"] == "waiting_for_customer"
        strike = client.post(
            f"/api/v1/support-desk/tickets/{ticket.pk}/strikes", {"reason": "rude"}, content_type="application/json"
        )
        assert strike.status_code == 201 and strike.json()["number"] == 1
        lift_path = f"/api/v1/support-desk/tickets/{ticket.pk}/strikes/{strike.json()['id']}/lift"
        assert client.post(lift_path, {"reason": "ok"}, content_type="application/json").status_code == 403
        lifted = agent_client(supervisor).post(lift_path, {"reason": "ok"}, content_type="application/json")
        assert lifted.status_code == 200 and lifted.json()["lifted"]
        report = client.get("/api/v1/support-desk/report?start=2026-11-01&end=2026-11-30&by=ticket_type")
        assert report.status_code == 200 and report.json()[0]["key"] == "bug"

    def test_agent_api_writes_need_csrf(self, ticket, agent):
        client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        client.login(email=agent.person.email, password=PASSWORD)
        before = database_fingerprint()
        response = client.post(
            f"/api/v1/support-desk/tickets/{ticket.pk}/replies", {"body": "x"}, content_type="application/json"
        )
        assert response.status_code in (401, 403)
        assert database_fingerprint() == before

    def test_a_plain_agent_assigns_only_to_themselves(self, ticket, agent, other_agent):
        client = agent_client(agent)
        refused = client.post(
            f"/api/v1/support-desk/tickets/{ticket.pk}/assign",
            {"assignee_id": other_agent.pk},
            content_type="application/json",
        )
        assert refused.status_code == 403
        supervisor = make_agent(role=AgentRole.SUPERVISOR)
        moved = agent_client(supervisor).post(
            f"/api/v1/support-desk/tickets/{ticket.pk}/assign",
            {"assignee_id": other_agent.pk},
            content_type="application/json",
        )
        assert moved.status_code == 200 and moved.json()["assignee_id"] == other_agent.pk


def test_the_business_sees_the_manager_price_breakdown(monday, paid, client_for, owner, specialist):
    ManagerPricing.objects.create(
        hour_coefficient=2, enhancement_coefficient=5, user_coefficient=1, rate="10.00", currency="EUR"
    )
    page = client_for(owner).get("/support/manager-price/")
    # standard setup 10 + 0 hours + 0 enhancements + 2 active users (owner, specialist) = 12 points × 10
    assert page.status_code == 200 and "€120.00".encode() in page.content and b"Active users" in page.content
    assert client_for(specialist).get("/support/manager-price/").status_code == 403
