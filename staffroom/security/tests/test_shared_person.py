"""SECURITY.md 30, 31: one person in two businesses; each business acts only on its own membership.

Every route that can touch a person (block, unblock, unlock, sessions, role, password, second factors, tokens) is
driven from business B, pages and API alike, and business A's side of the person must not move.
"""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail

from staffroom.core.testing import database_fingerprint
from staffroom.identity.models import ApiToken
from staffroom.identity.services import api_token_create
from staffroom.security.models import KnownDevice, SecurityEvent, SignedInSession, SignInGuard
from staffroom.staff.models import Employee, EmployeeInvitation
from staffroom.staff.services import employee_create, invitation_accept
from staffroom.staff.tests.factories import PASSWORD, role_of
from staffroom.tenancy.middleware import SESSION_BUSINESS_KEY

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, reauthenticated


def _json(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def shared(business, other_business, owner, outsider):
    """One person: an operator in business A (`business`) and, after accepting B's invitation, in B as well."""
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
    in_b = invitation_accept(person=in_a.person, invitation_id=in_b.invitation.pk)
    return in_a, in_b


def _browser_in(employee, business_id=None):
    """A full sign-in through the real pages (no second factor), then the business picked."""
    client = new_browser()
    password_step(client, employee)
    assert is_signed_in(client)
    session = client.session
    session[SESSION_BUSINESS_KEY] = business_id or employee.business_id
    session.save()
    return client


def _person_state(person):
    """Everything of the person that reaches beyond one business."""
    person.refresh_from_db()
    guard = SignInGuard.objects.filter(person=person).values().first()
    return {
        "password": person.password,
        "authenticators": sorted(Authenticator.objects.filter(user=person).values_list("pk", flat=True)),
        "guard": guard,
        "devices": sorted(KnownDevice.objects.filter(person=person).values_list("pk", flat=True)),
        "live_sessions": sorted(
            SignedInSession.objects.filter(person=person, ended_at__isnull=True).values_list("pk", flat=True)
        ),
    }


# --- invitations ---------------------------------------------------------------------------------------------------


def test_adding_an_existing_login_is_an_invitation_that_gives_nothing_until_accepted(
    business, other_business, owner, outsider, client_for, django_capture_on_commit_callbacks
):
    in_a = employee_create(
        actor=owner, full_name="Sam", role=role_of(business, "call_center"), login_email="sam@example.test"
    )
    in_a.person.set_password(PASSWORD)
    in_a.person.save()
    b_owner = reauthenticated(client_for(outsider))
    with django_capture_on_commit_callbacks(execute=True):
        response = b_owner.post(
            "/employees/new/",
            {"full_name": "Sam in B", "login_email": "SAM@example.test", "role": role_of(other_business, "viewer").pk},
        )
    assert response.status_code == 302
    in_b = Employee.objects.for_business(other_business).get(full_name="Sam in B")
    assert in_b.person_id is None  # not linked: B gets no access to the person yet
    invitation = EmployeeInvitation.objects.for_business(other_business).get(employee=in_b)
    assert invitation.person_id == in_a.person_id and invitation.is_pending
    assert [message.to for message in mail.outbox] == [["sam@example.test"]]
    assert "/invitations/" in mail.outbox[0].body
    # B sees the employee as invited, and nothing of A (no business, no role, no sessions of the person).
    detail = b_owner.get(f"/api/v1/employees/{in_b.pk}").json()
    assert detail["invitation_pending"] is True and detail["status"] == "active"
    assert business.name not in json.dumps(detail)
    assert business.name not in b_owner.get("/employees/").content.decode()
    assert b_owner.get(f"/security/employees/{in_b.pk}/").status_code == 200
    assert business.name not in b_owner.get(f"/security/employees/{in_b.pk}/").content.decode()
    assert not SecurityEvent.objects.for_business(other_business).filter(person_id=in_a.person_id).exists()

    # The person signs in: only A is reachable, and a notice points at the invitation.
    client = new_browser()
    response = password_step(client, in_a)
    assert is_signed_in(client)
    follow = client.get(response["Location"], follow=True)
    assert "/invitations/" in follow.content.decode()
    assert client.session[SESSION_BUSINESS_KEY] == business.pk
    session = client.session
    session[SESSION_BUSINESS_KEY] = other_business.pk  # trying to reach B before accepting
    session.save()
    assert client.get("/employees/").status_code in (302, 403)
    assert client.session.get(SESSION_BUSINESS_KEY) != other_business.pk

    page = client.get("/invitations/")
    assert page.status_code == 200 and other_business.name in page.content.decode()
    assert client.post("/invitations/", {"invitation": invitation.pk, "decision": "accept"}).status_code == 302
    in_b.refresh_from_db()
    assert in_b.person_id == in_a.person_id
    assert SecurityEvent.objects.for_business(other_business).filter(event_type="employee.invitation_accepted").count()
    assert {m.business.name for m in client.get("/business/select/").context["memberships"]} == {
        business.name,
        other_business.name,
    }


def test_only_the_invited_person_can_accept_and_a_declined_invitation_stays_unlinked(
    business, other_business, owner, outsider, client_for
):
    in_a = employee_create(
        actor=owner,
        full_name="Sam",
        role=role_of(business, "call_center"),
        login_email="sam@example.test",
        password=PASSWORD,
    )
    in_b = employee_create(
        actor=outsider, full_name="Sam in B", role=role_of(other_business, "viewer"), login_email="sam@example.test"
    )
    invitation = in_b.invitation
    before = database_fingerprint()
    # The B owner (or anyone else) cannot accept it in the person's place.
    response = client_for(outsider).post("/invitations/", {"invitation": invitation.pk, "decision": "accept"})
    assert response.status_code == 302
    assert database_fingerprint() == before
    in_b.refresh_from_db()
    assert in_b.person_id is None
    client = client_for(in_a)
    client.post("/invitations/", {"invitation": invitation.pk, "decision": "decline"})
    invitation.refresh_from_db()
    in_b.refresh_from_db()
    assert invitation.declined_at is not None and in_b.person_id is None
    assert client.post("/invitations/", {"invitation": invitation.pk, "decision": "accept"}).status_code == 302
    in_b.refresh_from_db()
    assert in_b.person_id is None


def test_the_api_also_invites_an_existing_login(business, other_business, owner, outsider, api_for):
    body = {
        "full_name": "Owner of A",
        "role_id": role_of(other_business, "viewer").pk,
        "login_email": owner.person.email,
    }
    response = _json(api_for(outsider), "post", "/api/v1/employees", body)
    assert response.status_code == 201, response.content
    assert response.json()["invitation_pending"] is True and response.json()["login_email"] is None
    assert not Employee.objects.for_business(other_business).filter(person=owner.person).exists()


# --- blocking, sessions, unlock, role, password, second factors, tokens from B -----------------------------------


@pytest.mark.parametrize("via", ["page", "api"])
def test_blocking_in_b_ends_access_to_b_alone(via, shared, outsider, client_for, api_for):
    in_a, in_b = shared
    person = in_a.person
    a_browser = _browser_in(in_a)  # a full sign-in: session record, remembered device
    b_browser = _browser_in(in_b, in_b.business_id)
    a_token = api_for(in_a)
    b_token = api_for(in_b)
    assert a_browser.get("/").status_code == 200 and b_browser.get("/").status_code == 200
    person_before = _person_state(person)
    if via == "page":
        response = reauthenticated(client_for(outsider)).post(f"/employees/{in_b.pk}/block/")
        assert response.status_code == 302
    else:
        assert _json(api_for(outsider), "post", f"/api/v1/employees/{in_b.pk}/block").status_code == 200
    in_b.refresh_from_db()
    assert in_b.is_blocked
    # A goes on: the same sessions, devices, budget, password and factors; A's token works.
    assert _person_state(person) == person_before
    assert a_browser.get("/").status_code == 200
    assert a_token.get("/api/v1/tokens").status_code == 200
    # B is gone from every session and token of the person, at once.
    response = b_browser.get("/")
    assert response.status_code == 302 and response["Location"] == "/business/select/"
    assert is_signed_in(b_browser)  # still signed in, for A
    picker = b_browser.get("/business/select/")
    assert [m.business_id for m in picker.context["memberships"]] == [in_a.business_id]
    assert b_browser.post("/business/select/", {"business": in_b.business_id}).status_code == 200
    assert b_token.get("/api/v1/tokens").status_code == 401


@pytest.mark.parametrize("via", ["page", "api"])
def test_ending_sessions_in_b_ends_them_for_b_only_and_a_fresh_sign_in_reaches_b_again(
    via, shared, outsider, client_for, api_for
):
    in_a, in_b = shared
    person = in_a.person
    a_browser = _browser_in(in_a)
    b_browser = _browser_in(in_b, in_b.business_id)
    b_token = api_for(in_b)
    person_before = _person_state(person)
    if via == "page":
        response = reauthenticated(client_for(outsider)).post(f"/security/employees/{in_b.pk}/end-sessions/")
        assert response.status_code == 302
    else:
        assert _json(api_for(outsider), "post", f"/api/v1/security/employees/{in_b.pk}/sessions/end").status_code == 200
    assert _person_state(person) == person_before  # no session of the person was ended: they still reach A
    assert a_browser.get("/").status_code == 200
    assert b_browser.get("/").status_code == 302
    assert b_browser.get("/").status_code == 200  # the same browser session goes on in A
    assert b_browser.session[SESSION_BUSINESS_KEY] == in_a.business_id
    assert b_token.get("/api/v1/tokens").status_code == 401
    # Signing in again reaches B (B ended the sessions, it did not block).
    again = _browser_in(in_b, in_b.business_id)
    assert again.get("/").status_code == 200 and again.session[SESSION_BUSINESS_KEY] == in_b.business_id


@pytest.mark.parametrize("via", ["page", "api"])
def test_b_cannot_unlock_or_reset_the_persons_sign_in_lock(via, shared, outsider, client_for, api_for):
    in_a, in_b = shared
    person = in_a.person
    SignInGuard.objects.create(person=person, consecutive_failures=50, locked_at="2026-03-01T10:00:00Z")
    person_before = _person_state(person)
    if via == "page":
        reauthenticated(client_for(outsider)).post(f"/security/employees/{in_b.pk}/unlock/")
    else:
        response = _json(api_for(outsider), "post", f"/api/v1/security/employees/{in_b.pk}/unlock")
        assert response.status_code == 409
    assert _person_state(person) == person_before
    assert SignInGuard.objects.get(person=person).locked_at is not None


def test_a_role_change_in_b_changes_nothing_in_a(shared, outsider, api_for):
    in_a, in_b = shared
    person_before = _person_state(in_a.person)
    role = role_of(in_b.business, "administrator")
    response = _json(api_for(outsider), "patch", f"/api/v1/employees/{in_b.pk}", {"role_id": role.pk})
    assert response.status_code == 200
    in_a.refresh_from_db()
    assert in_a.role == role_of(in_a.business, "call_center")
    assert _person_state(in_a.person) == person_before


def test_nothing_from_b_reaches_the_persons_password_factors_tokens_or_sessions(shared, outsider, client_for, api_for):
    in_a, in_b = shared
    person = in_a.person
    a_token, _plain = api_token_create(actor=in_a, name="A laptop")
    a_session = _browser_in(in_a)
    enrol_totp(person)
    a_record = SignedInSession.objects.filter(person=person, ended_at__isnull=True).first()
    person_before = _person_state(person)
    b_owner = reauthenticated(client_for(outsider))
    b_api = api_for(outsider)
    # The employee form has no login, password or second-factor fields for an existing employee; extra ones are
    # refused or ignored, never applied to the person.
    b_owner.post(
        f"/employees/{in_b.pk}/",
        {"full_name": "Sam", "role": in_b.role_id, "password": "an-owner-chosen-password", "login_email": "x@y.test"},
    )
    _json(b_api, "patch", f"/api/v1/employees/{in_b.pk}", {"password": "an-owner-chosen-password"})
    # Tokens and sessions are their owner's: B's owner reaches neither A's token nor the person's A session.
    assert _json(b_api, "post", f"/api/v1/tokens/{a_token.pk}/revoke").status_code == 404
    assert b_owner.post(f"/me/tokens/{a_token.pk}/revoke/").status_code == 404
    assert _json(b_api, "post", f"/api/v1/security/sessions/{a_record.pk}/end").status_code == 404
    b_owner.post(f"/security/sessions/{a_record.pk}/end/")
    assert person.email not in json.dumps(b_api.get("/api/v1/security/sessions").json())
    # B's view of its employee's sessions shows none of the sessions that are in A.
    page = b_owner.get(f"/security/employees/{in_b.pk}/")
    assert page.status_code == 200 and page.context["person_sessions"] == []
    assert _person_state(person) == person_before
    assert ApiToken.objects.for_business(in_a.business).get(pk=a_token.pk).revoked_at is None
    assert a_session.get("/").status_code == 200


def test_a_person_of_b_alone_can_still_be_unlocked_by_b(other_business, outsider, api_for):
    only_b = employee_create(
        actor=outsider, full_name="Only B", role=role_of(other_business, "viewer"), login_email="only@example.test"
    )
    SignInGuard.objects.create(person=only_b.person, consecutive_failures=50, locked_at="2026-03-01T10:00:00Z")
    assert _json(api_for(outsider), "post", f"/api/v1/security/employees/{only_b.pk}/unlock").status_code == 204
    assert SignInGuard.objects.get(person=only_b.person).locked_at is None


def test_a_password_reset_by_the_person_lifts_their_lock(shared):
    from allauth.account.signals import password_reset

    in_a, _in_b = shared
    SignInGuard.objects.create(person=in_a.person, consecutive_failures=50, locked_at="2026-03-01T10:00:00Z")
    password_reset.send(sender=type(in_a.person), request=None, user=in_a.person)
    guard = SignInGuard.objects.get(person=in_a.person)
    assert guard.locked_at is None and guard.consecutive_failures == 0
    for business_id in (in_a.business_id, _in_b.business_id):
        assert SecurityEvent.objects.unscoped().filter(business_id=business_id, event_type="sign_in.unlocked").exists()
