"""SECURITY.md 35: a push request exists only while its sign-in attempt is pending, on every device at once."""

import datetime as dt
import json
import re

import pytest
import time_machine
from django.test import Client

from staffroom.security.models import ApprovalStatus, SignInApproval
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, recovery_codes, totp_code

VERIFY = "/accounts/verify/"
T0 = dt.datetime(2026, 3, 2, 9, 0, 10, tzinfo=dt.UTC)


def _signed_in_phone(employee, secret):
    phone = new_browser()
    password_step(phone, employee)
    phone.post(VERIFY, {"action": "code", "code": totp_code(secret)})
    assert is_signed_in(phone)
    return phone


def _pending_everywhere(phone, api) -> int:
    """How many requests the signed-in page and an API client see (both ask the server anew)."""
    page = phone.get("/security/approvals/").content.decode()
    in_page = page.count("data-approval=")
    in_api = len(api.get("/api/v1/security/approvals").json())
    assert in_page == in_api
    return in_api


def _laptop_waiting(employee):
    """A new device signs in: the request is sent by itself when the second-factor page opens."""
    laptop = new_browser(REMOTE_ADDR="203.0.113.9")
    password_step(laptop, employee)
    assert laptop.get(VERIFY).status_code == 200
    return laptop


@pytest.mark.parametrize("factor", ["totp", "recovery_code", "email_code"])
def test_finishing_the_sign_in_by_another_factor_withdraws_the_request(
    factor, administrator, api_for, mailoutbox, django_capture_on_commit_callbacks
):
    secret = enrol_totp(administrator.person)
    codes = recovery_codes(administrator.person)
    api = api_for(administrator)
    with time_machine.travel(T0, tick=False) as clock:
        phone = _signed_in_phone(administrator, secret)
        clock.shift(dt.timedelta(seconds=60))
        laptop = _laptop_waiting(administrator)
        assert _pending_everywhere(phone, api) == 1
        if factor == "totp":
            laptop.post(
                VERIFY, {"action": "code", "code": totp_code(secret, (T0 + dt.timedelta(seconds=60)).timestamp())}
            )
        elif factor == "recovery_code":
            laptop.post(VERIFY, {"action": "code", "code": codes[0]})
        else:
            with django_capture_on_commit_callbacks(execute=True):
                laptop.post(VERIFY, {"action": "send_email"})
            code = re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)
            laptop.post(VERIFY, {"action": "email_code", "code": code})
        assert is_signed_in(laptop)
        assert _pending_everywhere(phone, api) == 0
    assert not SignInApproval.objects.filter(person=administrator.person, status=ApprovalStatus.PENDING).exists()


def test_cancelling_the_sign_in_withdraws_the_request(administrator, api_for):
    secret = enrol_totp(administrator.person)
    api = api_for(administrator)
    phone = _signed_in_phone(administrator, secret)
    laptop = _laptop_waiting(administrator)
    assert _pending_everywhere(phone, api) == 1
    response = laptop.post(VERIFY, {"action": "cancel"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert _pending_everywhere(phone, api) == 0
    assert laptop.get(VERIFY).status_code == 302  # the attempt is gone, not only its request


def test_an_expired_request_is_gone_from_every_device(administrator, api_for):
    secret = enrol_totp(administrator.person)
    api = api_for(administrator)
    with time_machine.travel(T0, tick=False) as clock:
        phone = _signed_in_phone(administrator, secret)
        _laptop_waiting(administrator)
        assert _pending_everywhere(phone, api) == 1
        clock.shift(dt.timedelta(minutes=10, seconds=1))
        assert _pending_everywhere(phone, api) == 0


def test_the_api_sign_in_withdraws_its_request_when_finished_by_a_code_or_cancelled(administrator, api_for):
    secret = enrol_totp(administrator.person)
    api = api_for(administrator)
    client = Client(HTTP_HOST="127.0.0.1")

    def post(path, body):
        return client.post(path, data=json.dumps(body), content_type="application/json")

    def challenge():
        body = {"email": administrator.person.email, "password": PASSWORD}
        return post("/api/v1/auth/sign-in", body).json()["challenge"]

    with time_machine.travel(T0, tick=False) as clock:
        phone = _signed_in_phone(administrator, secret)
        clock.shift(dt.timedelta(minutes=1))  # the phone used the code of T0
        first = challenge()
        assert post("/api/v1/auth/sign-in/approval", {"challenge": first}).status_code == 201
        assert _pending_everywhere(phone, api) == 1
        code = totp_code(secret, (T0 + dt.timedelta(minutes=1)).timestamp())
        assert (
            post("/api/v1/auth/sign-in/verify", {"challenge": first, "method": "totp", "code": code}).status_code == 201
        )
        assert _pending_everywhere(phone, api) == 0

        second = challenge()
        assert post("/api/v1/auth/sign-in/approval", {"challenge": second}).status_code == 201
        assert _pending_everywhere(phone, api) == 1
        assert post("/api/v1/auth/sign-in/cancel", {"challenge": second}).status_code == 204
        assert _pending_everywhere(phone, api) == 0
