"""SECURITY.md 1–4, 6–9: the second-factor step, the per-account failure budget, e-mail codes, session keys."""

import datetime as dt

import pytest
import time_machine
from django.core import mail

from staffroom.security.authentication import hard_cap, sign_in_unlock
from staffroom.security.models import EmailSignInCode, SecurityEvent, SignInGuard
from staffroom.staff.tests.factories import PASSWORD

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, reauthenticated, recovery_codes, totp_code

VERIFY = "/accounts/verify/"
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def events(business, event_type):
    return SecurityEvent.objects.for_business(business).filter(event_type=event_type)


def test_without_a_second_factor_the_password_signs_in(administrator):
    client = new_browser()
    response = password_step(client, administrator)
    assert response.status_code == 302 and VERIFY not in response["Location"]
    assert is_signed_in(client)
    assert events(administrator.business, "sign_in.succeeded").filter(actor=administrator).count() == 1


def test_the_password_step_alone_gets_nothing(administrator):
    enrol_totp(administrator.person)
    client = new_browser()
    response = password_step(client, administrator)
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert not is_signed_in(client)
    for path in ("/", "/employees/", "/security/sessions/", "/me/tokens/", "/settings/"):
        page = client.get(path)
        assert page.status_code == 302 and "/accounts/login/" in page["Location"], path
    assert client.get("/api/v1/employees").status_code == 401
    assert client.post("/me/tokens/", {"name": "sneaky"}).status_code == 302
    assert client.get(VERIFY).status_code == 200


def test_the_session_key_changes_at_the_password_step_and_at_the_second_factor(administrator):
    secret = enrol_totp(administrator.person)
    client = new_browser()
    client.get("/accounts/login/")
    client.session.save()
    first = client.cookies["sessionid"].value
    password_step(client, administrator)
    second = client.cookies["sessionid"].value
    response = client.post(VERIFY, {"action": "code", "code": totp_code(secret)})
    assert response.status_code == 302
    third = client.cookies["sessionid"].value
    assert len({first, second, third}) == 3
    assert is_signed_in(client)
    assert client.get("/employees/").status_code == 200


def test_a_totp_code_works_once_and_a_replay_is_refused_and_logged(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False):
        code = totp_code(secret)
        first = new_browser()
        password_step(first, administrator)
        assert first.post(VERIFY, {"action": "code", "code": code}).status_code == 302
        second = new_browser()
        password_step(second, administrator)
        response = second.post(VERIFY, {"action": "code", "code": code})
        assert response.status_code == 200 and not is_signed_in(second)
        assert "not correct" in response.content.decode()
    failed = events(administrator.business, "second_factor.failed").get()
    assert failed.outcome == "failure" and failed.after["step"] == "totp"


def test_totp_accepts_one_step_of_drift_and_no_more(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False):
        now = T0.timestamp()
        client = new_browser()
        password_step(client, administrator)
        assert client.post(VERIFY, {"action": "code", "code": totp_code(secret, now - 60)}).status_code == 200
        assert client.post(VERIFY, {"action": "code", "code": totp_code(secret, now - 30)}).status_code == 302


def test_a_recovery_code_works_once(administrator):
    enrol_totp(administrator.person)
    code = recovery_codes(administrator.person)[0]
    first = new_browser()
    password_step(first, administrator)
    assert first.post(VERIFY, {"action": "code", "code": code}).status_code == 302
    second = new_browser()
    password_step(second, administrator)
    assert second.post(VERIFY, {"action": "code", "code": code}).status_code == 200
    assert not is_signed_in(second)


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """Ask for an e-mail code on this client (the mail goes out on commit) and return the code."""

    def send(client, employee) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(VERIFY, {"action": "send_email"})
        return _sent_code(employee.person.email)

    return send


def _sent_code(email: str) -> str:
    message = [m for m in mail.outbox if email in m.to][-1]
    return next(word.strip(".") for word in message.body.split() if word.strip(".").isdigit())


def test_email_code_accepted_at_959_single_use_and_stored_hashed(administrator, send_code):
    enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        client = new_browser()
        password_step(client, administrator)
        code = send_code(client, administrator)
        assert len(code) >= 6
        stored = EmailSignInCode.objects.get(person=administrator.person)
        assert code not in stored.code_hash
        clock.shift(dt.timedelta(minutes=9, seconds=59))
        assert client.post(VERIFY, {"action": "email_code", "code": code}).status_code == 302
        assert is_signed_in(client)
    again = new_browser()
    password_step(again, administrator)
    assert again.post(VERIFY, {"action": "email_code", "code": code}).status_code == 200


def test_email_code_refused_at_1001(administrator, send_code):
    enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        client = new_browser()
        password_step(client, administrator)
        code = send_code(client, administrator)
        clock.shift(dt.timedelta(minutes=10, seconds=1))
        assert client.post(VERIFY, {"action": "email_code", "code": code}).status_code == 200
        assert not is_signed_in(client)


def test_email_code_refused_after_a_resend_and_bound_to_its_sign_in(administrator, send_code):
    enrol_totp(administrator.person)
    client = new_browser()
    password_step(client, administrator)
    old = send_code(client, administrator)
    new = send_code(client, administrator)
    other = new_browser()
    password_step(other, administrator)
    assert other.post(VERIFY, {"action": "email_code", "code": new}).status_code == 200
    assert not is_signed_in(other)
    if old != new:
        assert client.post(VERIFY, {"action": "email_code", "code": old}).status_code == 200
    assert client.post(VERIFY, {"action": "email_code", "code": new}).status_code == 302


def test_one_budget_spans_the_password_and_second_factor_steps(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(2):
            password_step(new_browser(), administrator, password="wrong-password-1")
        client = new_browser()
        password_step(client, administrator)
        for _ in range(2):
            client.post(VERIFY, {"action": "code", "code": "000000"})
        guard = SignInGuard.objects.get(person=administrator.person)
        assert guard.consecutive_failures == 4
        clock.shift(dt.timedelta(minutes=1))
        client.post(VERIFY, {"action": "code", "code": totp_code(secret)})
        assert is_signed_in(client)
    guard.refresh_from_db()
    assert guard.consecutive_failures == 0


def test_back_off_refuses_even_the_right_password_and_reveals_nothing(administrator, anonymous):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(5):
            password_step(new_browser(), administrator, password="wrong-password-1")
        throttled = password_step(new_browser(), administrator)
        unknown = new_browser().post("/accounts/login/", {"login": "nobody@example.test", "password": "x" * 12})
        assert throttled.status_code == unknown.status_code == 200
        assert throttled.context["form"].errors == unknown.context["form"].errors
        clock.shift(dt.timedelta(seconds=2))
        client = new_browser()
        assert password_step(client, administrator).status_code == 302 and is_signed_in(client)


def test_the_hard_cap_locks_until_the_owner_unlocks(owner, administrator, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(hard_cap()):
            clock.shift(dt.timedelta(hours=1))
            with django_capture_on_commit_callbacks(execute=True):
                password_step(new_browser(), administrator, password="wrong-password-1")
        guard = SignInGuard.objects.get(person=administrator.person)
        assert guard.locked_at is not None and guard.consecutive_failures == hard_cap() <= 100
        clock.shift(dt.timedelta(days=2))
        client = new_browser()
        password_step(client, administrator)
        assert not is_signed_in(client)
        assert events(administrator.business, "sign_in.locked").count() == 1
        assert any("locked" in m.subject for m in mail.outbox if administrator.person.email in m.to)
        sign_in_unlock(actor=owner, employee=administrator)
        assert events(administrator.business, "sign_in.unlocked").get().actor == owner
        password_step(client, administrator)
        assert is_signed_in(client)


def test_only_a_holder_of_employees_block_can_unlock(manager, administrator):
    from staffroom.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        sign_in_unlock(actor=manager, employee=administrator)


def test_unlock_page_needs_the_permission(owner, administrator, client_for):
    SignInGuard.objects.create(person=administrator.person, consecutive_failures=50, locked_at=T0)
    url = f"/security/employees/{administrator.pk}/unlock/"
    assert client_for(administrator).post(url).status_code == 403
    assert reauthenticated(client_for(owner)).post(url).status_code == 302
    assert SignInGuard.objects.get(person=administrator.person).locked_at is None


def test_password_never_reaches_an_event(administrator):
    password_step(new_browser(), administrator, password="Sup3r-secret-typo")
    password_step(new_browser(), administrator)
    dump = repr(list(SecurityEvent.objects.unscoped().values()))
    assert "Sup3r-secret-typo" not in dump and PASSWORD not in dump


def test_an_idle_session_ends_server_side(administrator):
    with time_machine.travel(T0, tick=False) as clock:
        client = new_browser()
        password_step(client, administrator)
        assert client.get("/employees/").status_code == 200
        clock.shift(dt.timedelta(hours=1, minutes=50))
        assert client.get("/employees/").status_code == 200
        clock.shift(dt.timedelta(hours=2, minutes=2))
        response = client.get("/employees/")
        assert response.status_code == 302 and not is_signed_in(client)


def test_no_password_or_code_reaches_the_application_log(administrator, caplog, send_code):
    import logging

    secret = enrol_totp(administrator.person)
    caplog.set_level(logging.DEBUG)
    client = new_browser()
    password_step(client, administrator, password="Typo-secret-77")
    password_step(client, administrator)
    emailed = send_code(client, administrator)
    code = totp_code(secret)
    client.post(VERIFY, {"action": "code", "code": code})
    text = caplog.text + repr(list(SecurityEvent.objects.unscoped().values()))
    for secret_value in (PASSWORD, "Typo-secret-77", emailed, code, secret, client.cookies["sessionid"].value):
        assert secret_value not in text


def test_background_polling_does_not_keep_an_idle_session_alive(administrator):
    with time_machine.travel(T0, tick=False) as clock:
        client = new_browser()
        password_step(client, administrator)
        client.get("/employees/")
        for _ in range(24):
            clock.shift(dt.timedelta(minutes=5))
            assert client.get("/security/approvals/", HTTP_HX_REQUEST="true").status_code == 200
        clock.shift(dt.timedelta(minutes=5))
        ended = client.get("/security/approvals/", HTTP_HX_REQUEST="true")
        assert ended.status_code == 204 and ended["HX-Redirect"] == "/accounts/login/"
        assert client.get("/employees/").status_code == 302 and not is_signed_in(client)


def test_the_operator_console_signs_in_through_the_same_steps(db):
    from django.contrib.auth import get_user_model

    operator = get_user_model().objects.create_user(email="operator@example.test", password=PASSWORD, is_staff=True)
    client = new_browser()
    response = client.post("/operator/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not is_signed_in(client)


def test_a_sign_in_for_no_account_is_logged_on_the_platform_chain_without_the_login(db):
    new_browser(REMOTE_ADDR="198.51.100.7").post(
        "/accounts/login/", {"login": "maybe-a-password@example.test", "password": "x" * 12}
    )
    event = SecurityEvent.objects.unscoped().get(chain_key="platform", event_type="sign_in.failed")
    assert event.ip_address == "198.51.100.7" and event.business_id is None
    assert "maybe-a-password" not in repr(SecurityEvent.objects.unscoped().filter(pk=event.pk).values()[0])
