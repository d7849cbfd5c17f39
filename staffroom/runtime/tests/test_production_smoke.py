"""gunicorn with the production settings, on a free port: sign in, book through the API, read /health and /metrics.

The server is a real subprocess; it reads the test database (committed data): on PostgreSQL the test database
itself, on SQLite a file copy of the in-memory test database made after the data is written.
"""

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from staffroom.identity.services import api_token_create
from staffroom.runtime.testing import gunicorn_server
from staffroom.scheduling.tests.factories import local, make_client, make_service, make_weekly_schedule
from staffroom.staff.tests.factories import PASSWORD
from staffroom.tenancy.models import Branch

pytestmark = pytest.mark.django_db(transaction=True)


class Browser:
    """Just enough of a browser: cookies kept by hand (the production cookies are Secure; this is plain http)."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}

    def request(self, method, path, *, data=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if isinstance(data, dict):
            body = urllib.parse.urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif data is not None:
            body = data
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)  # noqa: S310
        opener = urllib.request.build_opener(NoRedirect)
        try:
            response = opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, response.headers, response.read().decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_gunicorn_with_production_settings_serves_sign_in_booking_health_and_metrics(
    business, owner, specialist, tmp_path
):
    branch = Branch.objects.for_business(business).order_by("name").first()
    make_weekly_schedule(specialist, branch, intervals=((dt.time(9), dt.time(18)),))
    service = make_service(business, name="Haircut", duration=60, price="1500.00", specialists=[specialist])
    client = make_client(business)
    _token, plain = api_token_create(actor=owner, name="smoke")
    # The suite hashes with MD5 for speed; production verifies with its own hashers only.
    owner.person.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    owner.person.save(update_fields=["password"])
    day = (dt.datetime.now(dt.UTC).astimezone(business.zone) + dt.timedelta(days=2)).date()
    booking = {
        "client_id": client.pk,
        "specialist_id": specialist.pk,
        "branch_id": branch.pk,
        "service_ids": [service.pk],
        "starts_at": local(business, day, 11).isoformat(),
    }

    with gunicorn_server(tmp_path, METRICS_TOKEN="smoke-scrape-token") as base:
        browser = Browser(base)
        status, _headers, page = browser.request("GET", "/accounts/login/")
        assert status == 200, (tmp_path / "gunicorn.log").read_text()[-3000:]
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        status, headers, _body = browser.request(
            "POST",
            "/accounts/login/",
            data={"login": owner.person.email, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
        )
        assert status == 302, _body[:500]
        assert "sessionid" in browser.cookies
        assert "Secure" in "".join(headers.get_all("Set-Cookie"))  # production cookies
        status, _headers, _body = browser.request("GET", "/employees/")
        assert status in (200, 302)  # signed in: the page, or the business picker

        status, headers, body = Browser(base).request(
            "POST",
            "/api/v1/appointments",
            data=json.dumps(booking).encode(),
            headers={"Authorization": f"Bearer {plain}", "Content-Type": "application/json"},
        )
        assert status == 201, body[:500]
        assert json.loads(body)["created_by_id"] == owner.pk
        assert headers["X-Request-ID"]

        status, _headers, body = Browser(base).request("GET", "/health/ready/")
        assert status == 200 and json.loads(body)["status"] == "ok"
        assert Browser(base).request("GET", "/metrics")[0] == 404
        status, _headers, body = Browser(base).request(
            "GET", "/metrics", headers={"Authorization": "Bearer smoke-scrape-token"}
        )
        assert status == 200
        assert 'django_http_responses_total_by_status_total{status="201"}' in body
        assert "staffroom_task_failures_open 0.0" in body
