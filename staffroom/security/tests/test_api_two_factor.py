"""Two-step enrolment through the API: the person's own factors, the re-authentication a token must give first, and
the same security events the pages write (SECURITY.md 6, 10, 11, 20, 32)."""

import json

import pytest
from allauth.core import context
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core import mail
from django.test import Client, RequestFactory

from staffroom.core.testing import database_fingerprint
from staffroom.identity.services import api_token_create
from staffroom.security.models import RecoveryCode, SecurityEvent, SignInGuard, TwoFactorRequirement
from staffroom.staff.services import employee_create, invitation_accept
from staffroom.staff.tests.factories import PASSWORD, role_of
from staffroom.tenancy.middleware import SESSION_BUSINESS_KEY

from .helpers import enrol_totp, new_browser, password_step, recovery_codes, totp_code

SENSITIVE = [
    ("post", "/api/v1/security/two-factor/totp/start", {}),
    ("post", "/api/v1/security/two-factor/totp/confirm", {"enrolment": "x", "code": "123456"}),
    ("delete", "/api/v1/security/two-factor/totp", None),
    ("post", "/api/v1/security/two-factor/recovery-codes", {}),
    ("delete", "/api/v1/security/two-factor/passkeys/1", None),
]


def call(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def token_client(employee) -> Client:
    _token, plain = api_token_create(actor=employee, name="phone")
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {plain}")


def confirmed(client) -> Client:
    response = call(client, "post", "/api/v1/security/reauthenticate", {"password": PASSWORD})
    assert response.status_code == 204, response.content
    return client


def _passkey(person, name="Laptop key") -> Authenticator:
    return Authenticator.objects.create(
        user=person, type=Authenticator.Type.WEBAUTHN, data={"name": name, "credential": {"id": "abc"}}
    )


@pytest.fixture
def shared(business, other_business, owner, outsider):
    """One person, a call-center operator (the least privileged role here) in business A and in business B."""
    in_a = employee_create(
        actor=owner,
        full_name="Sam Shared",
        role=role_of(business, "call_center"),
        login_email="sam@example.test",
        password=PASSWORD,
    )
    in_b = employee_create(
        actor=outsider,
        full_name="Sam in B",
        role=role_of(other_business, "call_center"),
        login_email="sam@example.test",
    )
    return in_a, invitation_accept(person=in_a.person, invitation_id=in_b.invitation.pk)


def _pick_business(client, employee) -> None:
    session = client.session
    session[SESSION_BUSINESS_KEY] = employee.business_id
    session.save()


def _events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type)


def test_a_token_that_has_not_confirmed_the_password_changes_no_factor(shared):
    in_a, _in_b = shared
    person = in_a.person
    enrol_totp(person)
    codes = recovery_codes(person)
    passkey = _passkey(person)
    client = token_client(in_a)
    factors_before = sorted(Authenticator.objects.filter(user=person).values_list("pk", flat=True))
    before = database_fingerprint()
    for method, path, body in SENSITIVE:
        path = path.replace("/passkeys/1", f"/passkeys/{passkey.pk}")
        response = call(client, method, path, body)
        assert response.status_code == 403, (path, response.content)
        assert response.json()["code"] == "reauthentication_required"
    assert database_fingerprint() == before
    assert sorted(Authenticator.objects.filter(user=person).values_list("pk", flat=True)) == factors_before
    assert RecoveryCode.objects.filter(person=person, used_at__isnull=True).count() == len(codes)
    # reading is not sensitive
    assert client.get("/api/v1/security/two-factor").status_code == 200


def test_a_wrong_password_confirms_nothing_and_counts_against_the_budget(shared):
    in_a, _in_b = shared
    client = token_client(in_a)
    wrong = call(client, "post", "/api/v1/security/reauthenticate", {"password": "not-the-password-1"})
    assert wrong.status_code == 422 and "password" in wrong.json()["errors"]
    assert SignInGuard.objects.get(person=in_a.person).consecutive_failures == 1
    assert call(client, "post", "/api/v1/security/two-factor/totp/start", {}).status_code == 403


def test_the_confirmation_belongs_to_the_token_that_gave_it(shared):
    in_a, _in_b = shared
    confirmed(token_client(in_a))
    other_token = token_client(in_a)
    assert call(other_token, "post", "/api/v1/security/two-factor/totp/start", {}).status_code == 403


def test_a_session_needs_a_recent_sign_in_too(shared):
    in_a, _in_b = shared
    stale = Client(HTTP_HOST="127.0.0.1")
    stale.force_login(in_a.person)  # a session without a recorded (re-)authentication
    _pick_business(stale, in_a)
    refused = call(stale, "post", "/api/v1/security/two-factor/totp/start", {})
    assert refused.status_code == 403 and refused.json()["code"] == "reauthentication_required"
    fresh = new_browser()
    password_step(fresh, in_a)
    _pick_business(fresh, in_a)
    response = fresh.post("/api/v1/security/two-factor/totp/start", content_type="application/json")
    assert response.status_code == 201


def test_enrolment_in_one_business_is_the_persons_in_both(shared, other_business, django_capture_on_commit_callbacks):
    in_a, in_b = shared
    client = confirmed(token_client(in_a))
    started = call(client, "post", "/api/v1/security/two-factor/totp/start", {})
    assert started.status_code == 201 and started["Cache-Control"] == "no-store"
    body = started.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/") and f"secret={body['secret']}" in body["otpauth_uri"]
    assert not Authenticator.objects.filter(user=in_a.person).exists()  # nothing changes before the first code

    wrong = call(
        client, "post", "/api/v1/security/two-factor/totp/confirm", {"enrolment": body["enrolment"], "code": "000000"}
    )
    assert wrong.status_code == 422 and "code" in wrong.json()["errors"]
    forged = call(
        client,
        "post",
        "/api/v1/security/two-factor/totp/confirm",
        {"enrolment": body["enrolment"] + "x", "code": totp_code(body["secret"])},
    )
    assert forged.status_code == 422 and "enrolment" in forged.json()["errors"]
    assert not Authenticator.objects.filter(user=in_a.person).exists()

    with django_capture_on_commit_callbacks() as callbacks:
        done = call(
            client,
            "post",
            "/api/v1/security/two-factor/totp/confirm",
            {"enrolment": body["enrolment"], "code": totp_code(body["secret"])},
        )
    with context.request_context(RequestFactory().get("/", HTTP_HOST="127.0.0.1")):
        for callback in callbacks:
            callback()
    assert [message.to for message in mail.outbox] == [[in_a.person.email]]  # "a factor was added" (SECURITY.md 11)
    assert done.status_code == 201 and done["Cache-Control"] == "no-store"
    codes = done.json()["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert Authenticator.objects.filter(user=in_a.person, type="totp").count() == 1
    # The same events in each business the person works for; the codes are nowhere in the log.
    for business in (in_a.business, other_business):
        assert _events(business, "two_factor.added").count() == 1
        assert _events(business, "two_factor.recovery_codes_generated").count() == 1
    logged = json.dumps(list(SecurityEvent.objects.unscoped().values_list("before", "after")), default=str)
    assert not any(code in logged for code in codes) and body["secret"] not in logged

    # Business B's token sees the same, personal factors; a second enrolment is a conflict.
    from_b = confirmed(token_client(in_b))
    status = from_b.get("/api/v1/security/two-factor").json()
    assert status["totp"]["enabled"] and status["has_second_factor"] and status["recovery_codes_left"] == 10
    assert call(from_b, "post", "/api/v1/security/two-factor/totp/start", {}).status_code == 409

    removed = call(from_b, "delete", "/api/v1/security/two-factor/totp")
    assert removed.status_code == 204
    assert not Authenticator.objects.filter(user=in_a.person).exists()
    assert RecoveryCode.objects.filter(person=in_a.person).count() == 0  # they backed up the factor that went
    for business in (in_a.business, other_business):
        assert _events(business, "two_factor.removed").count() == 1
    assert client.get("/api/v1/security/two-factor").json()["totp"]["enabled"] is False


def test_the_api_writes_the_events_the_page_writes(business, owner, django_capture_on_commit_callbacks):
    """Enrolling on the page and through the API leaves the same kinds of events with the same details."""
    by_page = employee_create(
        actor=owner,
        full_name="Page",
        role=role_of(business, "call_center"),
        login_email="p@example.test",
        password=PASSWORD,
    )
    by_api = employee_create(
        actor=owner,
        full_name="Api",
        role=role_of(business, "call_center"),
        login_email="a@example.test",
        password=PASSWORD,
    )
    browser = new_browser()
    password_step(browser, by_page)
    assert browser.get("/accounts/2fa/totp/activate/").status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        page = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(browser.session[SECRET_SESSION_KEY])})
    assert page.status_code == 302
    # allauth sends its signal at commit, inside the request; the test replays that moment (as test_log does).
    with context.request_context(RequestFactory().get("/", HTTP_HOST="127.0.0.1")):
        for callback in callbacks:
            callback()
    client = confirmed(token_client(by_api))
    started = call(client, "post", "/api/v1/security/two-factor/totp/start", {}).json()
    confirm = {"enrolment": started["enrolment"], "code": totp_code(started["secret"])}
    assert call(client, "post", "/api/v1/security/two-factor/totp/confirm", confirm).status_code == 201

    def written(employee):
        rows = SecurityEvent.objects.for_business(business).filter(object_id=str(employee.pk))
        return sorted(
            (row.event_type, json.dumps(row.after, sort_keys=True)) for row in rows if "two_factor" in row.event_type
        )

    assert written(by_page) == written(by_api) != []


def test_recovery_codes_need_a_factor_and_replace_the_old_batch(shared):
    in_a, _in_b = shared
    client = confirmed(token_client(in_a))
    refused = call(client, "post", "/api/v1/security/two-factor/recovery-codes", {})
    assert refused.status_code == 409 and not RecoveryCode.objects.filter(person=in_a.person).exists()
    enrol_totp(in_a.person)
    old = recovery_codes(in_a.person)
    response = call(client, "post", "/api/v1/security/two-factor/recovery-codes", {})
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    new = response.json()["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    from staffroom.security.recovery import recovery_code_use

    assert not recovery_code_use(person=in_a.person, code=old[0])
    assert recovery_code_use(person=in_a.person, code=new[0])
    assert _events(in_a.business, "two_factor.recovery_codes_generated").filter(after__reason="regenerated").exists()


def test_passkeys_are_listed_and_removed_but_only_ones_own(shared, outsider):
    in_a, in_b = shared
    mine = _passkey(in_a.person)
    theirs = _passkey(outsider.person, "Outsider key")
    client = confirmed(token_client(in_b))
    listed = client.get("/api/v1/security/two-factor/passkeys").json()
    assert [(item["id"], item["name"]) for item in listed] == [(mine.pk, "Laptop key")]
    assert "credential" not in json.dumps(listed)
    assert call(client, "delete", f"/api/v1/security/two-factor/passkeys/{theirs.pk}").status_code == 404
    assert Authenticator.objects.filter(pk=theirs.pk).exists()
    assert call(client, "delete", f"/api/v1/security/two-factor/passkeys/{mine.pk}").status_code == 204
    assert not Authenticator.objects.filter(pk=mine.pk).exists()
    assert _events(in_a.business, "two_factor.removed").filter(after__factor="webauthn").count() == 1


def test_the_last_factor_stays_while_a_business_requires_two_step_sign_in(shared, other_business, outsider):
    in_a, in_b = shared
    enrol_totp(in_a.person)
    TwoFactorRequirement.objects.create(business=other_business, role=in_b.role)
    client = confirmed(token_client(in_a))  # asked from business A, which requires nothing
    assert client.get("/api/v1/security/two-factor").json()["required"] is True
    refused = call(client, "delete", "/api/v1/security/two-factor/totp")
    assert refused.status_code == 409
    assert Authenticator.objects.filter(user=in_a.person, type="totp").exists()
    # the page refuses it as well (allauth asks the same adapter)
    browser = new_browser()
    password_step(browser, in_a)
    _pick_business(browser, in_a)
    browser.post("/accounts/2fa/totp/deactivate/")
    assert Authenticator.objects.filter(user=in_a.person, type="totp").exists()
    # with a passkey besides it, the app may go
    _passkey(in_a.person)
    assert call(client, "delete", "/api/v1/security/two-factor/totp").status_code == 204


def test_two_factor_routes_need_a_signed_in_employee(anonymous):
    assert anonymous.get("/api/v1/security/two-factor").status_code == 401
    assert call(anonymous, "post", "/api/v1/security/reauthenticate", {"password": PASSWORD}).status_code == 401
