"""Supervisors edit SLA rules, calendars (with custom days) and canned replies in the console's own pages."""

import datetime as dt

import pytest

from staffroom.core.errors import PermissionDenied, ValidationFailed
from staffroom.core.testing import database_fingerprint
from staffroom.support import services
from staffroom.support.models import CannedReply, SlaRule, SupportCalendar, SupportCalendarDay

from .test_pages_and_api import agent_client

CALENDAR = {
    "name": "Vladivostok office",
    "time_zone": "Asia/Vladivostok",
    "country": "RU",
    "subdivision": "",
    "working_weekdays": ["0", "1", "2", "3", "4"],
    "day_starts_at": "09:00",
    "day_ends_at": "18:00",
}


class TestCalendarPages:
    def test_a_supervisor_creates_a_calendar_and_adds_a_day(self, sla_rules, supervisor):
        client = agent_client(supervisor)
        assert client.get("/support-desk/settings/calendars/").status_code == 200
        created = client.post("/support-desk/settings/calendars/", {**CALENDAR, "is_default": "on"})
        assert created.status_code == 302
        calendar = SupportCalendar.objects.get(name="Vladivostok office")
        assert calendar.working_weekdays == [0, 1, 2, 3, 4] and calendar.is_default
        added = client.post(
            f"/support-desk/settings/calendars/{calendar.pk}/days/",
            {"date": "2026-12-26", "is_working_day": "on", "note": "Saturday worked"},
        )
        assert added.status_code == 302
        assert calendar.as_working_calendar().is_working_day(dt.date(2026, 12, 26))

    @pytest.mark.parametrize(
        ("changes", "field"),
        [({"country": "XX"}, "country"), ({"time_zone": "Mars/Olympus_Mons"}, "time_zone")],
    )
    def test_unknown_country_or_time_zone_gets_a_field_error(self, sla_rules, supervisor, changes, field):
        before = database_fingerprint()
        response = agent_client(supervisor).post("/support-desk/settings/calendars/", {**CALENDAR, **changes})
        assert response.status_code == 422
        assert field in response.context["form"].errors
        assert database_fingerprint() == before

    def test_the_service_refuses_an_unknown_country_for_every_caller(self, sla_rules, supervisor):
        with pytest.raises(ValidationFailed) as refused:
            services.calendar_save(
                agent=supervisor,
                name="Nowhere",
                time_zone="America/New_York",
                country="QQ",
                working_weekdays=[0, 1, 2, 3, 4],
                day_starts_at=dt.time(9),
                day_ends_at=dt.time(18),
            )
        assert set(refused.value.errors) == {"country"}

    def test_a_new_default_replaces_the_old_one(self, support_calendar, supervisor):
        services.calendar_save(
            agent=supervisor,
            name="New York",
            time_zone="America/New_York",
            country="US",
            working_weekdays=[0, 1, 2, 3, 4],
            day_starts_at=dt.time(9),
            day_ends_at=dt.time(17),
            is_default=True,
        )
        assert list(SupportCalendar.objects.filter(is_default=True).values_list("name", flat=True)) == ["New York"]

    def test_a_plain_agent_gets_403_and_nothing_changes(self, support_calendar, agent):
        client = agent_client(agent)
        before = database_fingerprint()
        assert client.get("/support-desk/settings/calendars/").status_code == 403
        assert client.post("/support-desk/settings/calendars/", CALENDAR).status_code == 403
        assert (
            client.post(
                f"/support-desk/settings/calendars/{support_calendar.pk}/days/", {"date": "2026-12-26"}
            ).status_code
            == 403
        )
        assert database_fingerprint() == before
        with pytest.raises(PermissionDenied):
            services.calendar_day_set(
                agent=agent, calendar=support_calendar, date=dt.date(2026, 12, 26), is_working_day=True
            )

    def test_removing_a_custom_day(self, support_calendar, supervisor):
        day = services.calendar_day_set(
            agent=supervisor, calendar=support_calendar, date=dt.date(2026, 12, 31), is_working_day=False
        )
        response = agent_client(supervisor).post(
            f"/support-desk/settings/calendars/{support_calendar.pk}/days/{day.pk}/remove/"
        )
        assert response.status_code == 302 and not SupportCalendarDay.objects.filter(pk=day.pk).exists()


class TestSlaRulePages:
    def test_a_supervisor_changes_a_rule(self, sla_rules, supervisor):
        rule = SlaRule.objects.get(plan="paid", ticket_type="consultation")
        client = agent_client(supervisor)
        assert client.get(f"/support-desk/settings/sla-rules/{rule.pk}/").status_code == 200
        response = client.post(
            f"/support-desk/settings/sla-rules/{rule.pk}/",
            {"plan": "paid", "ticket_type": "consultation", "target": "first_reply", "working_hours": "6"},
        )
        assert response.status_code == 302
        rule.refresh_from_db()
        assert rule.working_hours == 6

    def test_a_duplicate_rule_is_refused(self, sla_rules, supervisor):
        before = database_fingerprint()
        response = agent_client(supervisor).post(
            "/support-desk/settings/sla-rules/",
            {"plan": "paid", "ticket_type": "bug", "target": "resolution", "working_hours": "4"},
        )
        assert response.status_code == 422 and database_fingerprint() == before

    def test_removing_a_rule_makes_the_plan_refuse_the_type(self, sla_rules, supervisor):
        rule = SlaRule.objects.get(plan="paid", ticket_type="training")
        assert agent_client(supervisor).post(f"/support-desk/settings/sla-rules/{rule.pk}/delete/").status_code == 302
        assert not SlaRule.objects.filter(plan="paid", ticket_type="training").exists()

    def test_a_plain_agent_cannot(self, sla_rules, agent):
        rule = SlaRule.objects.get(plan="paid", ticket_type="bug")
        assert agent_client(agent).post(f"/support-desk/settings/sla-rules/{rule.pk}/delete/").status_code == 403
        assert SlaRule.objects.filter(pk=rule.pk).exists()


class TestCannedReplyPages:
    def test_a_supervisor_adds_and_deactivates_a_reply(self, db, supervisor):
        client = agent_client(supervisor)
        created = client.post(
            "/support-desk/settings/canned-replies/", {"title": "Cache", "body": "Clear the cache.", "is_active": "on"}
        )
        assert created.status_code == 302
        reply = CannedReply.objects.get(title="Cache")
        assert (
            client.post(
                f"/support-desk/settings/canned-replies/{reply.pk}/", {"title": "Cache", "body": "Clear the cache."}
            ).status_code
            == 302
        )
        reply.refresh_from_db()
        assert not reply.is_active

    def test_a_plain_agent_cannot(self, db, agent):
        response = agent_client(agent).post("/support-desk/settings/canned-replies/", {"title": "x", "body": "y"})
        assert response.status_code == 403 and not CannedReply.objects.exists()
