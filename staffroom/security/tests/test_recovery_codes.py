"""SECURITY.md 6: recovery codes are random, stored hashed, shown once, single use; making new ones needs re-auth."""

import datetime as dt
import json

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail

from staffroom.security.models import RecoveryCode, SecurityEvent
from staffroom.security.recovery import normalize, recovery_code_use
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, reauthenticated, recovery_codes, totp_code

VERIFY = "/accounts/verify/"
TWO_FACTOR = "/security/two-factor/"
REGENERATE = "/security/two-factor/recovery-codes/"


def events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type)


def stored_text() -> str:
    """Everything the database holds about recovery codes and sessions, as one string to search."""
    rows = list(RecoveryCode.objects.values()) + list(Session.objects.values("session_data"))
    return json.dumps(rows, default=str).upper()


def signed_in(employee, secret):
    client = new_browser()
    password_step(client, employee)
    assert client.post(VERIFY, {"action": "code", "code": totp_code(secret)}).status_code == 302
    return client


@pytest.mark.django_db(transaction=True)  # allauth announces the new factor at commit, as in production
def test_the_first_authenticator_app_brings_codes_shown_once_and_stored_hashed(administrator):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    client = new_browser()
    password_step(client, administrator)
    reauthenticated(client)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)}, follow=True)
    codes = response.context["codes"]
    assert response.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert all(len(normalize(code)) >= 10 for code in codes)
    assert codes[0] in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert events(administrator.business, "two_factor.recovery_codes_generated").count() == 1
    # Stored hashed: no code, in any spelling, in the code table or in a session.
    text = stored_text()
    assert not any(code.upper() in text or normalize(code) in text for code in codes)
    assert RecoveryCode.objects.filter(person=administrator.person, used_at__isnull=True).count() == 10
    # Shown once: the next visit shows only how many are left.
    again = client.get(TWO_FACTOR)
    assert "codes" not in again.context and not any(code in again.content.decode() for code in codes)
    assert again.context["recovery_codes_left"] == 10
    # allauth's own recovery-code pages are gone: one mechanism.
    assert client.get("/accounts/2fa/recovery-codes/").status_code == 404


def test_a_recovery_code_signs_in_once_and_a_used_code_is_refused_and_logged(administrator):
    enrol_totp(administrator.person)
    code = recovery_codes(administrator.person)[3]
    first = new_browser()
    password_step(first, administrator)
    assert first.post(VERIFY, {"action": "code", "code": code.lower().replace("-", " ")}).status_code == 302
    assert is_signed_in(first)
    used = events(administrator.business, "two_factor.recovery_code_used").get()
    assert used.after == {"left": 9}
    assert code not in json.dumps(used.after) and code not in (used.object_label or "")
    second = new_browser()
    password_step(second, administrator)
    refused = second.post(VERIFY, {"action": "code", "code": code})
    assert refused.status_code == 200 and not is_signed_in(second)
    failed = events(administrator.business, "second_factor.failed").get()
    assert failed.outcome == "failure" and failed.after["step"] == "recovery_code"


def test_the_api_sign_in_takes_the_new_recovery_codes_once(administrator):
    from .test_api import mobile, post

    enrol_totp(administrator.person)
    code = recovery_codes(administrator.person)[0]

    def verify():
        client = mobile()
        challenge = post(client, "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
        assert "recovery_code" in challenge.json()["methods"]
        payload = {"challenge": challenge.json()["challenge"], "method": "recovery_code", "code": code}
        return post(client, "/api/v1/auth/sign-in/verify", payload)

    assert verify().status_code == 201
    assert verify().status_code == 401


def test_regeneration_shows_new_codes_once_and_the_old_ones_stop_working(administrator):
    secret = enrol_totp(administrator.person)
    old = recovery_codes(administrator.person)
    client = reauthenticated(signed_in(administrator, secret))
    with_mail = len(mail.outbox)
    response = client.post(REGENERATE)
    new = response.context["codes"]
    assert response.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert RecoveryCode.objects.filter(person=administrator.person).count() == 10
    assert all(not recovery_code_use(person=administrator.person, code=code) for code in old)
    assert recovery_code_use(person=administrator.person, code=new[0])
    assert client.get(TWO_FACTOR).context["recovery_codes_left"] == 9
    generated = events(administrator.business, "two_factor.recovery_codes_generated").order_by("sequence").last()
    assert generated.actor == administrator and generated.after["reason"] == "regenerated"
    assert len(mail.outbox) >= with_mail  # the notice goes out at commit


def test_regeneration_without_a_fresh_re_authentication_is_refused_and_keeps_the_codes(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC), tick=True) as clock:
        client = signed_in(administrator, secret)
        codes = recovery_codes(administrator.person)
        clock.shift(dt.timedelta(minutes=10))
        response = client.post(REGENERATE)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert recovery_code_use(person=administrator.person, code=codes[0])
    assert events(administrator.business, "two_factor.recovery_codes_generated").count() == 1  # the helper's


def test_regeneration_mails_a_notice(administrator, django_capture_on_commit_callbacks):
    secret = enrol_totp(administrator.person)
    client = reauthenticated(signed_in(administrator, secret))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(REGENERATE).status_code == 200
    assert mail.outbox[-1].to == [administrator.person.email]
    assert "recovery codes" in mail.outbox[-1].subject.lower()


def test_removing_the_last_factor_discards_the_codes(administrator):
    secret = enrol_totp(administrator.person)
    recovery_codes(administrator.person)
    client = reauthenticated(signed_in(administrator, secret))
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not RecoveryCode.objects.filter(person=administrator.person).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_uses_of_one_code_let_exactly_one_through(administrator):
    from .test_concurrency import run_in_threads

    enrol_totp(administrator.person)
    code = recovery_codes(administrator.person)[0]
    person = administrator.person
    outcomes = run_in_threads(2, lambda index: recovery_code_use(person=person, code=code))
    assert sorted(outcomes) == [False, True]
    assert RecoveryCode.objects.filter(person=person, used_at__isnull=False).count() == 1
