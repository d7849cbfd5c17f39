"""Push approval (SECURITY.md 5), blocking (12), the per-role 2FA policy, sessions and devices, new-device notices."""

import datetime as dt

import time_machine
from django.core import mail

from staffroom.security.models import (
    ApprovalStatus,
    EmailSignInCode,
    KnownDevice,
    SecurityEvent,
    SignedInSession,
    SignInApproval,
    SignInGuard,
    TwoFactorRequirement,
)
from staffroom.staff.services import employee_block
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, reauthenticated, totp_code

VERIFY = "/accounts/verify/"
POLL = "/accounts/verify/approval/"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def signed_in_device(employee, secret):
    """A browser where the employee completed both steps."""
    client = new_browser()
    password_step(client, employee)
    client.post(VERIFY, {"action": "code", "code": totp_code(secret)})
    assert is_signed_in(client)
    return client


def start_push(employee):
    client = new_browser(REMOTE_ADDR="203.0.113.9")
    password_step(client, employee)
    page = client.post(VERIFY, {"action": "push"})
    approval = SignInApproval.objects.filter(person=employee.person).latest("created_at")
    assert str(approval.correct_number) in page.content.decode()
    return client, approval


def test_push_approval_with_the_right_number_signs_in_once(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        phone = signed_in_device(administrator, secret)
        clock.shift(dt.timedelta(minutes=1))
        laptop, approval = start_push(administrator)
        pending = phone.get("/security/approvals/").content.decode()
        assert "203.0.113.9" in pending and all(str(n) in pending for n in approval.numbers)
        assert laptop.get(POLL).status_code == 200 and not is_signed_in(laptop)
        answer = phone.post(
            f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": approval.correct_number}
        )
        assert answer.status_code == 302
        done = laptop.get(POLL)
        assert done.status_code == 204 and done["HX-Redirect"]
        assert is_signed_in(laptop)
        replay = new_browser()
        password_step(replay, administrator)
        assert replay.get(POLL).status_code == 200 and not is_signed_in(replay)
        repeat = phone.post(
            f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": approval.correct_number}
        )
        assert repeat.status_code == 302
    assert SignInApproval.objects.get(pk=approval.pk).status == ApprovalStatus.APPROVED


def test_push_approval_with_a_wrong_number_is_refused_and_counted(administrator):
    secret = enrol_totp(administrator.person)
    phone = signed_in_device(administrator, secret)
    laptop, approval = start_push(administrator)
    wrong = next(n for n in approval.numbers if n != approval.correct_number)
    phone.post(f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": wrong})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.DENIED
    assert laptop.get(POLL).status_code == 200 and not is_signed_in(laptop)
    assert SignInGuard.objects.get(person=administrator.person).consecutive_failures == 1
    assert (
        SecurityEvent.objects.for_business(administrator.business)
        .filter(event_type="second_factor.approval_denied")
        .exists()
    )


def test_push_approval_expires_after_ten_minutes(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        phone = signed_in_device(administrator, secret)
        laptop, approval = start_push(administrator)
        clock.shift(dt.timedelta(minutes=10, seconds=1))
        assert phone.get("/security/approvals/").content.decode().count("data-approval") == 0
        phone.post(f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": approval.correct_number})
        assert SignInApproval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
        assert laptop.get(POLL).status_code == 200 and not is_signed_in(laptop)


def test_push_requests_are_rate_limited(administrator):
    secret = enrol_totp(administrator.person)
    signed_in_device(administrator, secret)
    laptop = new_browser()
    password_step(laptop, administrator)
    for _ in range(3):
        laptop.post(VERIFY, {"action": "push"})
    refused = laptop.post(VERIFY, {"action": "push"})
    assert "Too many approval requests" in refused.content.decode()
    assert SignInApproval.objects.filter(person=administrator.person).count() == 3


def test_blocking_kills_sessions_pending_approvals_codes_and_remembered_devices(owner, administrator, api_for):
    secret = enrol_totp(administrator.person)
    phone = signed_in_device(administrator, secret)
    api = api_for(administrator)
    laptop, approval = start_push(administrator)
    laptop.post(VERIFY, {"action": "send_email"})
    assert KnownDevice.objects.filter(person=administrator.person).exists()
    employee_block(actor=owner, employee=administrator)
    assert SignInApproval.objects.get(pk=approval.pk).status == ApprovalStatus.CANCELLED
    assert not EmailSignInCode.objects.filter(person=administrator.person, invalidated_at__isnull=True).exists()
    assert not KnownDevice.objects.filter(person=administrator.person).exists()
    assert not SignedInSession.objects.filter(person=administrator.person, ended_at__isnull=True).exists()
    assert phone.get("/employees/").status_code == 302 and not is_signed_in(phone)
    assert api.get("/api/v1/employees").status_code == 401
    assert laptop.get(POLL).status_code == 200 and not is_signed_in(laptop)


def test_a_role_under_the_policy_must_enrol_and_can_do_nothing_else(owner, administrator, client_for):
    TwoFactorRequirement.objects.create(business=administrator.business, role=administrator.role)
    client = new_browser()
    password_step(client, administrator)
    for path in ("/", "/employees/", "/me/tokens/", "/api/v1/employees"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"] == "/security/two-factor/"
    assert client.get("/security/two-factor/").status_code == 200
    assert client.get("/accounts/2fa/totp/activate/").status_code in (200, 302)
    enrol_totp(administrator.person)
    assert client.get("/employees/").status_code == 200
    assert client_for(owner).get("/employees/").status_code == 200


def test_the_owner_sets_the_policy_and_the_change_is_logged(owner, administrator, client_for):
    client = client_for(owner)
    assert client.get("/security/policy/").status_code == 200
    refused = client.post("/security/policy/", {"roles": [administrator.role_id]})
    assert refused["Location"].startswith("/accounts/reauthenticate/")
    assert not TwoFactorRequirement.objects.for_business(owner.business).exists()
    reauthenticated(client).post("/security/policy/", {"roles": [administrator.role_id]})
    assert TwoFactorRequirement.objects.for_business(owner.business).get().role == administrator.role
    event = SecurityEvent.objects.for_business(owner.business).get(event_type="security.two_factor_policy_changed")
    assert event.after == {"roles": [administrator.role.name]} and event.actor == owner


def test_the_policy_page_needs_its_permission(administrator, client_for):
    assert client_for(administrator).get("/security/policy/").status_code == 403


def test_an_employee_sees_and_ends_their_own_sessions(administrator):
    first = new_browser()
    password_step(first, administrator)
    second = new_browser()
    password_step(second, administrator)
    page = first.get("/security/sessions/")
    assert page.status_code == 200
    records = list(SignedInSession.objects.filter(person=administrator.person, ended_at__isnull=True))
    assert len(records) == 2
    assert "this session" in page.content.decode()
    first.post("/security/sessions/end-others/")
    assert second.get("/employees/").status_code == 302 and not is_signed_in(second)
    assert first.get("/employees/").status_code == 200


def test_an_owner_ends_anyones_sessions_and_others_cannot(owner, administrator, manager, client_for):
    victim = new_browser()
    password_step(victim, administrator)
    url = f"/security/employees/{administrator.pk}/end-sessions/"
    assert client_for(manager).post(url).status_code == 403
    assert victim.get("/employees/").status_code == 200
    assert reauthenticated(client_for(owner)).post(url).status_code == 302
    assert victim.get("/employees/").status_code == 302


def test_sign_out_ends_the_session_server_side(administrator):
    client = new_browser()
    password_step(client, administrator)
    stolen_cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    thief = new_browser()
    thief.cookies["sessionid"] = stolen_cookie
    assert thief.get("/employees/").status_code == 302
    assert SecurityEvent.objects.for_business(administrator.business).filter(event_type="sign_out").count() == 1


def test_a_new_device_is_announced_by_e_mail(administrator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        known = new_browser()
        password_step(known, administrator)
        known.post("/accounts/logout/")
        password_step(known, administrator)
    assert not [m for m in mail.outbox if "new device" in m.body]
    with django_capture_on_commit_callbacks(execute=True):
        password_step(new_browser(), administrator)
    notices = [m for m in mail.outbox if "new device" in m.body]
    assert len(notices) == 1 and notices[0].to == [administrator.person.email]
    assert PASSWORD not in notices[0].body
