"""Walking the pages as each persona: links that go nowhere, the support agent's header; and in chromium, every
menu item of every demo role in every language, at desktop and phone width."""

import datetime as dt
import gettext
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from staffroom.core.demodata import DEMO_PASSWORD, load_demo
from staffroom.scheduling.tests.factories import first_branch, local, make_appointment, make_client
from staffroom.staff.demo import DEMO_PEOPLE
from staffroom.staff.tests.factories import PASSWORD
from staffroom.support.models import AgentRole
from staffroom.support.tests.factories import make_agent, restore_default_sla_rules


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


# --- the walk in a real browser: every menu item of every demo role, desktop and phone, once per language ---

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ISO_VALUE = {
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2})?$"),
    "datetime-local": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$"),
}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def translated_msgids(language: str) -> set[str]:
    """The msgids the compiled catalogue translates differently: seeing one on a page means a string was missed.

    Read from the .mo that exists, so the walk checks what the catalogues hold today.
    """
    mo_path = Path(settings.LOCALE_PATHS[0]) / translation.to_locale(language) / "LC_MESSAGES" / "django.mo"
    if language == "en" or not mo_path.exists():
        return set()
    with mo_path.open("rb") as mo_file:
        catalog = gettext.GNUTranslations(mo_file)._catalog
    return {
        key
        for key, value in catalog.items()
        if isinstance(key, str) and "\x04" not in key and key != value and len(key) >= 4 and "%" not in key
    }


LEAF_TEXTS = """() => Array.from(document.querySelectorAll('main *, nav *, header *'))
  .filter(el => el.children.length === 0 && el.offsetParent !== null)
  .map(el => el.textContent.trim()).filter(Boolean)"""
INPUT_VALUES = """() => Array.from(document.querySelectorAll('input[type=date], input[type=time], input[type=datetime-local]'))
  .map(el => [el.type, el.name, el.getAttribute('value') || ''])"""


def _walk_as(browser, base_url, person_email, viewport, untranslated, problems):
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(20000)
    where = {"url": ""}
    page.on(
        "console",
        lambda message: (
            problems.append(f"{where['url']}: console {message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            problems.append(f"{where['url']}: HTTP {response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    try:
        page.goto("/accounts/login/")
        page.fill("input[name=login]", person_email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        hrefs = page.eval_on_selector_all(".sidenav a[href]", "links => links.map(link => link.getAttribute('href'))")
        assert hrefs, f"{person_email} sees no menu"
        for href in dict.fromkeys(hrefs):
            where["url"] = href
            page.goto(href)
            for kind, name, value in page.evaluate(INPUT_VALUES):
                if value and not ISO_VALUE[kind].match(value):
                    problems.append(f"{href}: {kind} input {name} has the non-ISO value {value!r}")
            shown = set(page.evaluate(LEAF_TEXTS)) & untranslated
            problems += [f"{href}: untranslated {text!r}" for text in sorted(shown)]
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.walk
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_walk_every_menu_item_of_every_demo_role(language, live_server):
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    restore_default_sla_rules()  # an earlier live-server test's flush removed the data migrations' rules
    load_demo(language)
    Person = get_user_model()
    emails = [person["email"] for person in DEMO_PEOPLE.values()]
    Person.objects.filter(email__in=emails).update(language=language)
    untranslated = translated_msgids(language)
    problems: list[str] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for email in emails:
                    for viewport in (DESKTOP, PHONE):
                        _walk_as(browser, live_server.url, email, viewport, untranslated, problems)
            finally:
                browser.close()
    finally:
        translation.activate(settings.LANGUAGE_CODE)
    assert problems == [], "\n".join(problems)
