"""The API of the second pass: the workflow both sides, training, the dashboard card, abuse review, the price."""

import datetime as dt

from staffroom.core.testing import database_fingerprint
from staffroom.support import services
from staffroom.support.models import AbuseReport, ManagerPricing, SupportPlan, TicketType

from .test_pages_and_api import agent_client

JSON = "application/json"


def test_the_enhancement_workflow_through_the_api(monday, paid, api_for, owner, agent, specialist):
    api = api_for(owner)
    filed = api.post(
        "/api/v1/support/tickets",
        {"ticket_type": "enhancement", "subject": "Export", "description": "xlsx"},
        content_type=JSON,
    )
    assert filed.status_code == 201 and filed.json()["work_stage"] == "requested"
    number = filed.json()["number"]
    ticket_id = filed.json()["id"]
    console = agent_client(agent)
    early = console.post(
        f"/api/v1/support-desk/tickets/{ticket_id}/estimates",
        {"effort_hours": "8", "due_date": "2026-12-04", "price": "240.00"},
        content_type=JSON,
    )
    assert early.status_code == 409
    spec = console.post(
        f"/api/v1/support-desk/tickets/{ticket_id}/specification", {"specification": "A button."}, content_type=JSON
    )
    assert spec.status_code == 200 and spec.json()["work_stage"] == "specified"
    bad = console.post(
        f"/api/v1/support-desk/tickets/{ticket_id}/estimates",
        {"effort_hours": "0", "due_date": "2026-12-04", "price": "x"},
        content_type=JSON,
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"effort_hours", "price"}
    posted = console.post(
        f"/api/v1/support-desk/tickets/{ticket_id}/estimates",
        {"effort_hours": "8", "due_date": "2026-12-04", "price": "240.00"},
        content_type=JSON,
    )
    assert posted.status_code == 201
    estimate = api.get(f"/api/v1/support/tickets/{number}").json()["estimates"][0]
    assert estimate["price"] == "240.00" and estimate["currency"] == owner.business.currency
    refused = api_for(specialist).post(f"/api/v1/support/tickets/{number}/estimates/{estimate['id']}/accept")
    assert refused.status_code == 403
    accepted = api.post(f"/api/v1/support/tickets/{number}/estimates/{estimate['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["work_stage"] == "in_progress"
    progress = console.post(f"/api/v1/support-desk/tickets/{ticket_id}/progress", {"body": "Half"}, content_type=JSON)
    assert progress.status_code == 201
    assert console.post(f"/api/v1/support-desk/tickets/{ticket_id}/deliver", {}, content_type=JSON).status_code == 200
    back = api.post(f"/api/v1/support/tickets/{number}/send-back", {"reason": ""}, content_type=JSON)
    assert back.status_code == 422 and "reason" in back.json()["errors"]
    back = api.post(f"/api/v1/support/tickets/{number}/send-back", {"reason": "No phones"}, content_type=JSON)
    assert back.json()["work_stage"] == "in_progress"
    console.post(f"/api/v1/support-desk/tickets/{ticket_id}/deliver", {"note": "Phones too"}, content_type=JSON)
    done = api.post(f"/api/v1/support/tickets/{number}/delivery/accept")
    assert done.status_code == 200 and done.json()["work_stage"] == "accepted"
    report = console.get("/api/v1/support-desk/work-report?start=2026-11-01&end=2026-11-30").json()
    assert report == {
        "estimates_given": 1,
        "estimates_accepted": 1,
        "estimates_declined": 0,
        "delivered": 1,
        "delivered_on_time": 1,
    }


def test_decline_through_the_api_and_another_business_gets_404(monday, paid, api_for, owner, outsider, agent):
    ticket = services.ticket_file(actor=owner, ticket_type=TicketType.ENHANCEMENT, subject="Export", description="d")
    services.work_specify(agent=agent, ticket=ticket, specification="A button.")
    estimate = services.estimate_post(
        agent=agent, ticket=ticket, effort_hours=8, due_date=dt.date(2026, 12, 4), price="900"
    )
    path = f"/api/v1/support/tickets/{ticket.number}/estimates/{estimate.pk}/decline"
    stranger = api_for(outsider)
    before = database_fingerprint()
    assert stranger.post(path, {"reason": "no"}, content_type=JSON).status_code == 404
    assert database_fingerprint() == before
    declined = api_for(owner).post(path, {"reason": "Too much"}, content_type=JSON)
    assert declined.status_code == 200 and declined.json()["estimates"][0]["decline_reason"] == "Too much"


def test_training_through_the_api_and_the_free_plan_offer(monday, free, api_for, owner, operator, supervisor):
    payload = {
        "ticket_type": "training",
        "subject": "Train our administrator",
        "description": "New hire",
        "training": {
            "role_to_train": "Administrator",
            "level": "basic",
            "workplace": "Front desk",
            "candidate_source": "new_hire",
            "deadline": "2026-12-20",
        },
    }
    refused = api_for(owner).post("/api/v1/support/tickets", payload, content_type=JSON)
    assert refused.status_code == 422 and "Paid plan" in refused.json()["errors"]["ticket_type"][0]
    services.support_account_set(operator=operator, business=owner.business, plan=SupportPlan.PAID)
    missing = api_for(owner).post(
        "/api/v1/support/tickets", {**payload, "training": {"level": "basic"}}, content_type=JSON
    )
    assert missing.status_code == 422
    assert {"role_to_train", "workplace", "candidate_source", "deadline"} <= set(missing.json()["errors"])
    filed = api_for(owner).post("/api/v1/support/tickets", payload, content_type=JSON)
    assert filed.status_code == 201 and filed.json()["training"]["workplace"] == "Front desk"
    priced = agent_client(supervisor).post(
        f"/api/v1/support-desk/tickets/{filed.json()['id']}/estimates",
        {"effort_hours": "40", "due_date": "2026-12-18", "price": "25000.00"},
        content_type=JSON,
    )
    assert priced.status_code == 201 and priced.json()["work_stage"] == "estimated"


def test_the_dashboard_card_and_the_manager_price(monday, api_for, owner, operator, agent, support_calendar):
    agent.phone = "+7 495 000-00-00"
    agent.save()
    services.support_account_set(operator=operator, business=owner.business, plan=SupportPlan.INDIVIDUAL, manager=agent)
    services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="Broken", description="d")
    card = api_for(owner).get("/api/v1/support/dashboard").json()
    assert card["plan"] == "individual" and card["open_count"] == 1
    assert card["open_tickets"][0]["due_at"] is not None
    assert (card["manager_name"], card["manager_email"], card["manager_phone"]) == (
        "Alice Agent",
        agent.person.email,
        "+7 495 000-00-00",
    )
    ManagerPricing.objects.create(
        hour_coefficient=2, enhancement_coefficient=5, user_coefficient=1, rate="10.00", currency="EUR"
    )
    price = api_for(owner).get("/api/v1/support/manager-price").json()
    # 10 (standard setup) + 0 hours + 0 enhancements + 1 active user (the owner) = 11 points × 10 = 110.00
    assert price["currency"] == "EUR" and price["price"] == "110.00"
    console = agent_client(agent).get(f"/api/v1/support-desk/businesses/{owner.business_id}/manager-price").json()
    assert console["price"] == price["price"]


def test_abuse_review_through_the_api(monday, paid, owner, agent, supervisor):
    ticket = services.ticket_file(actor=owner, ticket_type=TicketType.BUG, subject="One", description="d")
    for reason in ("r1", "r2", "r3"):
        services.strike_give(agent=agent, ticket=ticket, reason=reason)
    report = AbuseReport.objects.for_business(owner.business).get()
    assert agent_client(agent).get("/api/v1/support-desk/abuse-reports").status_code == 403
    listing = agent_client(supervisor).get("/api/v1/support-desk/abuse-reports").json()
    assert listing[0]["snapshot"]["history"]["strikes_total"] == 3
    path = f"/api/v1/support-desk/abuse-reports/{report.pk}/decision"
    bad = agent_client(supervisor).post(path, {"decision": "restrict", "note": "x"}, content_type=JSON)
    assert bad.status_code == 422 and "restricted_days" in bad.json()["errors"]
    done = agent_client(supervisor).post(path, {"decision": "lift", "note": "Misread"}, content_type=JSON)
    assert done.status_code == 200 and done.json()["decision"] == "lift"
    detail = agent_client(agent).get(f"/api/v1/support-desk/tickets/{ticket.pk}").json()
    assert detail["contact_strikes"] == 0 and detail["status"] == "in_progress"


def test_supervisors_edit_calendars_rules_and_replies_through_the_api(sla_rules, agent, supervisor):
    calendar = {"name": "NY", "time_zone": "America/New_York", "country": "US", "subdivision": "NY"}
    assert agent_client(agent).post("/api/v1/support-desk/calendars", calendar, content_type=JSON).status_code == 403
    client = agent_client(supervisor)
    unknown = client.post("/api/v1/support-desk/calendars", {**calendar, "country": "XX"}, content_type=JSON)
    assert unknown.status_code == 422 and set(unknown.json()["errors"]) == {"country"}
    bad_zone = client.post(
        "/api/v1/support-desk/calendars", {**calendar, "time_zone": "Nowhere/City"}, content_type=JSON
    )
    assert bad_zone.status_code == 422 and set(bad_zone.json()["errors"]) == {"time_zone"}
    created = client.post("/api/v1/support-desk/calendars", calendar, content_type=JSON)
    assert created.status_code == 201
    day = client.post(
        f"/api/v1/support-desk/calendars/{created.json()['id']}/days",
        {"date": "2026-12-26", "is_working_day": True},
        content_type=JSON,
    )
    assert day.status_code == 201 and day.json()["days"][0]["is_working_day"]
    rule = client.post(
        "/api/v1/support-desk/sla-rules",
        {"plan": "free", "ticket_type": "consultation", "target": "first_reply", "working_hours": "24"},
        content_type=JSON,
    )
    assert rule.status_code == 201 and rule.json()["working_hours"] == "24.00"
    reply = client.post("/api/v1/support-desk/canned-replies", {"title": "Hi", "body": "Hello"}, content_type=JSON)
    assert reply.status_code == 201
    assert [row["title"] for row in agent_client(agent).get("/api/v1/support-desk/canned-replies").json()] == ["Hi"]
