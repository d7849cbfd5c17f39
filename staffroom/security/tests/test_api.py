"""The API mirrors the security capability: token sign-in with the 2FA challenge, log, sessions, approvals, policy."""

import json

from django.core import mail
from django.test import Client

from staffroom.core.testing import database_fingerprint
from staffroom.security.models import SecurityEvent, SignInApproval, SignInGuard, TwoFactorRequirement
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, new_browser, password_step, totp_code


def post(client, path, data):
    return client.post(path, data=json.dumps(data), content_type="application/json")


def mobile() -> Client:
    return Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Staffroom/1.0 (iPhone; iOS 17.0)")


def test_token_sign_in_without_a_second_factor(administrator):
    response = post(mobile(), "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
    assert response.status_code == 201
    token = response.json()["token"]
    api = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/v1/business").status_code == 200


def test_token_sign_in_failures_reveal_nothing_and_count(administrator):
    wrong = post(mobile(), "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": "nope-nope-1"})
    unknown = post(mobile(), "/api/v1/auth/sign-in", {"email": "nobody@example.test", "password": "nope-nope-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert SignInGuard.objects.get(person=administrator.person).consecutive_failures == 1


def test_token_sign_in_with_totp_challenge(administrator):
    secret = enrol_totp(administrator.person)
    client = mobile()
    first = post(client, "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
    assert first.status_code == 202 and "token" not in first.json()
    challenge = first.json()["challenge"]
    bad = post(client, "/api/v1/auth/sign-in/verify", {"challenge": challenge, "method": "totp", "code": "000000"})
    assert bad.status_code == 401
    good = post(
        client, "/api/v1/auth/sign-in/verify", {"challenge": challenge, "method": "totp", "code": totp_code(secret)}
    )
    assert good.status_code == 201 and good.json()["token"].startswith("sr_")
    forged = post(client, "/api/v1/auth/sign-in/verify", {"challenge": challenge + "x", "method": "totp", "code": "1"})
    assert forged.status_code == 401


def test_token_sign_in_with_an_emailed_code(administrator, django_capture_on_commit_callbacks):
    enrol_totp(administrator.person)
    client = mobile()
    challenge = post(client, "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
    challenge = challenge.json()["challenge"]
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, "/api/v1/auth/sign-in/email-code", {"challenge": challenge}).status_code == 204
    body = mail.outbox[-1].body
    code = next(word.strip(".") for word in body.split() if word.strip(".").isdigit())
    response = post(
        client, "/api/v1/auth/sign-in/verify", {"challenge": challenge, "method": "email_code", "code": code}
    )
    assert response.status_code == 201
    events = SecurityEvent.objects.unscoped().values_list("before", "after", "object_label")
    assert code not in repr(list(events))


def test_a_mobile_client_approves_a_web_sign_in(administrator, api_for):
    enrol_totp(administrator.person)
    phone = api_for(administrator)
    laptop = new_browser()
    password_step(laptop, administrator)
    laptop.post("/accounts/verify/", {"action": "push"})
    pending = phone.get("/api/v1/security/approvals").json()
    assert len(pending) == 1 and len(pending[0]["numbers"]) == 3
    approval = SignInApproval.objects.get(pk=pending[0]["id"])
    answer = post(phone, f"/api/v1/security/approvals/{approval.pk}/approve", {"number": approval.correct_number})
    assert answer.status_code == 200 and answer.json() == {"state": "approved"}
    assert laptop.get("/accounts/verify/approval/").status_code == 204
    again = post(phone, f"/api/v1/security/approvals/{approval.pk}/approve", {"number": approval.correct_number})
    assert again.status_code == 409


def test_a_web_session_approves_a_mobile_sign_in(administrator):
    secret = enrol_totp(administrator.person)
    web = new_browser()
    password_step(web, administrator)
    web.post("/accounts/verify/", {"action": "code", "code": totp_code(secret)})
    client = mobile()
    challenge = post(client, "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
    challenge = challenge.json()["challenge"]
    number = post(client, "/api/v1/auth/sign-in/approval", {"challenge": challenge}).json()["number"]
    waiting = post(client, "/api/v1/auth/sign-in/approval/complete", {"challenge": challenge})
    assert waiting.status_code == 202
    approval = SignInApproval.objects.get(person=administrator.person)
    web.post(f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": number})
    done = post(client, "/api/v1/auth/sign-in/approval/complete", {"challenge": challenge})
    assert done.status_code == 201 and done.json()["token"]
    assert post(client, "/api/v1/auth/sign-in/approval/complete", {"challenge": challenge}).status_code == 401


def test_the_api_log_pages_and_export(owner, administrator, api_for):
    api = api_for(owner)
    page = api.get("/api/v1/security/events?event_type=api_token.")
    assert page.status_code == 200 and page.json()["items"][0]["event_type"] == "api_token.created"
    export = api.get("/api/v1/security/events/export")
    assert export.status_code == 200 and b"sequence" in export.content
    assert SecurityEvent.objects.for_business(owner.business).filter(event_type="security_log.exported").exists()
    refused = api_for(administrator)
    before = database_fingerprint()
    assert refused.get("/api/v1/security/events").status_code == 403
    assert refused.get("/api/v1/security/events/export").status_code == 403
    assert database_fingerprint() == before


def test_api_sessions_and_policy(owner, administrator, api_for):
    web = new_browser()
    password_step(web, administrator)
    api = api_for(administrator)
    sessions = api.get("/api/v1/security/sessions").json()
    assert len(sessions) == 1
    assert api.post(f"/api/v1/security/sessions/{sessions[0]['id']}/end").status_code == 204
    assert web.get("/employees/").status_code == 302
    assert api.get("/api/v1/security/policy").status_code == 403
    owner_api = api_for(owner)
    response = owner_api.put(
        "/api/v1/security/policy",
        data=json.dumps({"role_ids": [administrator.role_id]}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json() == {"role_ids": [administrator.role_id]}
    assert TwoFactorRequirement.objects.for_business(owner.business).count() == 1
    # The administrator has no second factor yet: their token stops working until they enrol.
    assert api.get("/api/v1/business").status_code == 401


def test_policy_with_a_foreign_role_changes_nothing(owner, outsider, api_for):
    before = database_fingerprint()
    response = api_for(owner).put(
        "/api/v1/security/policy", data=json.dumps({"role_ids": [outsider.role_id]}), content_type="application/json"
    )
    assert response.status_code == 422
    fingerprint = database_fingerprint()
    fingerprint.pop("identity.apitoken"), before.pop("identity.apitoken")
    assert fingerprint == before


def test_a_completed_challenge_cannot_mint_a_second_token(administrator):
    import datetime as dt

    import time_machine

    secret = enrol_totp(administrator.person)
    client = mobile()
    t0 = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)
    with time_machine.travel(t0, tick=False) as clock:
        challenge = post(client, "/api/v1/auth/sign-in", {"email": administrator.person.email, "password": PASSWORD})
        challenge = challenge.json()["challenge"]
        first = {"challenge": challenge, "method": "totp", "code": totp_code(secret)}
        assert post(client, "/api/v1/auth/sign-in/verify", first).status_code == 201
        clock.shift(dt.timedelta(seconds=30))
        second = {"challenge": challenge, "method": "totp", "code": totp_code(secret, (t0.timestamp() + 30))}
        assert post(client, "/api/v1/auth/sign-in/verify", second).status_code == 401


def test_api_request_history_and_unlock(owner, administrator, api_for, client_for):
    client_for(administrator).get("/employees/")
    owner_api = api_for(owner)
    page = owner_api.get(f"/api/v1/security/employees/{administrator.pk}/requests")
    assert page.status_code == 200 and page.json()["items"][0]["path"] == "/employees/"
    assert api_for(administrator).get(f"/api/v1/security/employees/{owner.pk}/requests").status_code == 403
    SignInGuard.objects.create(person=administrator.person, consecutive_failures=50)
    assert api_for(administrator).post(f"/api/v1/security/employees/{owner.pk}/unlock").status_code == 403
    assert owner_api.post(f"/api/v1/security/employees/{administrator.pk}/unlock").status_code == 204
    assert SignInGuard.objects.get(person=administrator.person).consecutive_failures == 0
