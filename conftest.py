"""Personas for every test: one business with an employee per built-in role, and an outsider business."""

import os

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from staffroom.identity.services import api_token_create
from staffroom.staff.tests.factories import PASSWORD, make_business, make_employee
from staffroom.tenancy.middleware import SESSION_BUSINESS_KEY
from staffroom.tenancy.models import Branch

# A per-example deadline is a timing assertion: on a loaded 2-core machine it fails correct code. Properties are
# checked for what they compute; speed is measured in bench/.
hypothesis_settings.register_profile("staffroom", deadline=None)
hypothesis_settings.load_profile("staffroom")


@pytest.fixture(autouse=True, scope="session")
def _row_locks_only_inside_transactions():
    """A service that locks rows without opening its own transaction fails here on SQLite too."""
    from staffroom.core.testing import refuse_row_locks_outside_transactions

    undo = refuse_row_locks_outside_transactions()
    yield
    undo()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the request guard's entries are keyed by row ids, which a rolled-back
    test may hand out again (staffroom.core.cache)."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests (exclusion constraints, triggers, real row locks) are skipped on SQLite."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in CI's PostgreSQL pass)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def business(db):
    return make_business(name="Test Beauty")


@pytest.fixture
def branches(business):
    return {branch.name: branch for branch in Branch.objects.for_business(business)}


@pytest.fixture
def owner(business):
    return business.owner


@pytest.fixture
def administrator(business):
    return make_employee(business, "administrator", full_name="Ada Administrator")


@pytest.fixture
def manager(business):
    return make_employee(business, "manager", full_name="Max Manager")


@pytest.fixture
def call_center_operator(business):
    return make_employee(business, "call_center", full_name="Cleo Callcenter")


@pytest.fixture
def specialist(business):
    return make_employee(business, "specialist", full_name="Sam Specialist", provides_services=True)


@pytest.fixture
def accountant(business):
    return make_employee(business, "accountant", full_name="Acc Accountant")


@pytest.fixture
def marketer(business):
    return make_employee(business, "marketer", full_name="Mia Marketer")


@pytest.fixture
def viewer(business):
    return make_employee(business, "viewer", full_name="Vic Viewer")


@pytest.fixture
def other_business(db):
    return make_business(name="Other Salon")


@pytest.fixture
def outsider(other_business):
    """The owner of another business: full rights there, none here."""
    return other_business.owner


def sign_in(client: Client, employee) -> Client:
    assert client.login(email=employee.person.email, password=PASSWORD)
    session = client.session
    session[SESSION_BUSINESS_KEY] = employee.business_id
    session.save()
    return client


@pytest.fixture
def client_for(db):
    """`client_for(employee)`: a browser-like client signed in as that employee, business chosen."""

    def make(employee):
        return sign_in(Client(HTTP_HOST="127.0.0.1"), employee)

    return make


@pytest.fixture
def api_for(db):
    """`api_for(employee)`: a client that sends the employee's personal API token with every request."""

    def make(employee):
        _token, plain = api_token_create(actor=employee, name="tests")
        return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}")

    return make


@pytest.fixture
def anonymous(db):
    return Client(HTTP_HOST="127.0.0.1")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(live_server, tmp_path):
    """A Playwright page in Debian's chromium, pointed at the live test server (`page.base_url`)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the test's own ORM calls are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def browser_sign_in(page, employee, password=PASSWORD):
    page.goto("/accounts/login/")
    page.fill("input[name=login]", employee.person.email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture(autouse=True)
def _request_history_buffer_per_test():
    """Request records one test's requests queued must never be written into the next test's database."""
    from staffroom.security import history

    def empty():
        with history._lock:
            history._buffer.clear()

    empty()
    yield
    empty()
