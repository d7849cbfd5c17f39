"""Issue 3: a sign-in from a new device sends a push approval to the person's signed-in sessions by itself."""

import datetime as dt

import time_machine

from staffroom.identity.services import api_token_create
from staffroom.security.models import ApprovalStatus, SignInApproval

from .helpers import enrol_totp, is_signed_in, new_browser, password_step, totp_code
from .test_approval_policy_sessions import POLL, T0, VERIFY, signed_in_device

NEXT_STEP = dt.timedelta(seconds=30)  # a TOTP code is accepted once per step


def approvals(employee):
    return SignInApproval.objects.filter(person=employee.person)


def test_a_new_device_asks_the_signed_in_sessions_at_once_and_only_once(administrator):
    secret = enrol_totp(administrator.person)
    phone = signed_in_device(administrator, secret)
    laptop = new_browser(REMOTE_ADDR="203.0.113.9")
    password_step(laptop, administrator)
    page = laptop.get(VERIFY).content.decode()
    approval = approvals(administrator).get()
    assert approval.status == ApprovalStatus.PENDING
    assert str(approval.correct_number) in page and "Send the request again" in page
    laptop.get(VERIFY)  # a reload sends nothing new
    assert approvals(administrator).count() == 1
    pending = phone.get("/security/approvals/").content.decode()
    assert "203.0.113.9" in pending and all(str(n) in pending for n in approval.numbers)
    phone.post(f"/security/approvals/{approval.pk}/", {"decision": "approve", "number": approval.correct_number})
    assert laptop.get(POLL).status_code == 204 and is_signed_in(laptop)


def test_nothing_is_sent_when_no_other_session_or_api_client_exists(administrator):
    enrol_totp(administrator.person)
    laptop = new_browser()
    password_step(laptop, administrator)
    page = laptop.get(VERIFY).content.decode()
    assert not approvals(administrator).exists()
    assert "Approve on my other signed-in device" not in page


def test_a_signed_in_api_client_counts_as_a_device_to_ask(administrator):
    enrol_totp(administrator.person)
    api_token_create(actor=administrator, name="Phone app")
    laptop = new_browser()
    password_step(laptop, administrator)
    laptop.get(VERIFY)
    assert approvals(administrator).filter(status=ApprovalStatus.PENDING).count() == 1


def test_a_known_device_is_not_asked_automatically_but_the_button_still_works(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        signed_in_device(administrator, secret)  # the phone stays signed in
        clock.shift(NEXT_STEP)
        laptop = new_browser()
        password_step(laptop, administrator)
        laptop.post(VERIFY, {"action": "code", "code": totp_code(secret)})  # the laptop becomes a known device...
        laptop.post("/accounts/logout/")  # ...and signs out
        assert not is_signed_in(laptop)
        approvals(administrator).delete()
        password_step(laptop, administrator)
        page = laptop.get(VERIFY).content.decode()
        assert not approvals(administrator).exists()
        assert "Approve on my other signed-in device" in page
        laptop.post(VERIFY, {"action": "push"})
    assert approvals(administrator).filter(status=ApprovalStatus.PENDING).count() == 1


def test_re_sending_replaces_the_automatic_request(administrator):
    secret = enrol_totp(administrator.person)
    signed_in_device(administrator, secret)
    laptop = new_browser()
    password_step(laptop, administrator)
    laptop.get(VERIFY)
    first = approvals(administrator).get()
    page = laptop.post(VERIFY, {"action": "push"}).content.decode()
    second = approvals(administrator).latest("created_at")
    first.refresh_from_db()
    assert second.pk != first.pk and first.status == ApprovalStatus.CANCELLED
    assert str(second.correct_number) in page


def test_the_automatic_request_obeys_the_rate_limit(administrator):
    secret = enrol_totp(administrator.person)
    with time_machine.travel(T0, tick=False) as clock:
        signed_in_device(administrator, secret)
        earlier = new_browser()
        password_step(earlier, administrator)
        for _ in range(3):
            earlier.post(VERIFY, {"action": "push"})
        laptop = new_browser()
        password_step(laptop, administrator)
        page = laptop.get(VERIFY)
        assert page.status_code == 200 and approvals(administrator).count() == 3  # nothing more was sent
        clock.shift(NEXT_STEP)
        done = laptop.post(VERIFY, {"action": "code", "code": totp_code(secret)})
        assert done.status_code == 302 and is_signed_in(laptop)  # the code still works
