"""Regressions found by walking the pages as each persona: links that go nowhere, the support agent's header."""

import datetime as dt

from django.test import Client

from staffroom.scheduling.tests.factories import first_branch, local, make_appointment, make_client
from staffroom.staff.tests.factories import PASSWORD
from staffroom.support.models import AgentRole
from staffroom.support.tests.factories import make_agent


def _appointment(business, specialist):
    client = make_client(business, full_name="Vera Visit")
    make_appointment(
        business,
        specialist=specialist,
        client=client,
        branch=first_branch(business),
        starts_at=local(business, dt.date(2026, 11, 20), 10),
    )
    return client


def test_client_card_links_visits_only_for_those_who_may_open_them(client_for, manager, administrator, specialist):
    client = _appointment(manager.business, specialist)
    # The manager may see clients but not the calendar: a visit link would end on a refusal page.
    page = client_for(manager).get(f"/clients/{client.pk}/").content.decode()
    assert "Vera Visit" in page and "/calendar/appointments/" not in page
    page = client_for(administrator).get(f"/clients/{client.pk}/").content.decode()
    assert "/calendar/appointments/" in page


def _signed_in(agent) -> Client:
    browser = Client()
    assert browser.login(email=agent.person.email, password=PASSWORD)
    return browser


def test_a_support_agent_lands_on_the_console_with_its_own_menu(db):
    agent = make_agent(role=AgentRole.SUPERVISOR, full_name="Sue Supervisor")
    browser = _signed_in(agent)
    assert browser.get("/business/select/").url == "/support-desk/"
    page = browser.get("/support-desk/").content.decode()
    assert 'class="sidenav"' in page and "/support-desk/report/" in page and "/support-desk/abuse-reports/" in page
    assert "Switch business" not in page


def test_an_employee_still_switches_business(client_for, owner):
    page = client_for(owner).get("/").content.decode()
    assert "Switch business" in page and "/support-desk/" not in page


def test_cash_summary_shows_money_with_two_decimals_and_labelled_totals(client_for, administrator):
    page = client_for(administrator).get("/payments/cash/").content.decode()
    # An empty day printed bare "0" next to "0.00" cells, and the phone layout lost the totals' labels.
    assert ">RUB\xa00.00<" in page and 'id="cash-net" data-label="Net"' in page
