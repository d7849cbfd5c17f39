"""Sign-in, sign-out and password reset reveal nothing and do what they say."""

from django.core import mail

from staffroom.staff.tests.factories import PASSWORD


def test_sign_in_and_out(owner, anonymous):
    response = anonymous.post("/accounts/login/", {"login": owner.person.email, "password": PASSWORD})
    assert response.status_code == 302
    assert anonymous.get("/employees/").status_code == 200
    anonymous.post("/accounts/logout/")
    assert anonymous.get("/employees/").status_code == 302


def test_wrong_password_and_unknown_account_get_the_same_answer(owner, anonymous):
    wrong = anonymous.post("/accounts/login/", {"login": owner.person.email, "password": "nope-nope-nope"})
    unknown = anonymous.post("/accounts/login/", {"login": "nobody@example.test", "password": "nope-nope-nope"})
    assert wrong.status_code == unknown.status_code == 200
    assert wrong.context["form"].errors == unknown.context["form"].errors


def test_password_reset_sends_mail_only_to_known_people_and_answers_alike(owner, anonymous):
    known = anonymous.post("/accounts/password/reset/", {"email": owner.person.email})
    unknown = anonymous.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    to_owner = [message for message in mail.outbox if owner.person.email in message.to]
    assert len(to_owner) == 1
    assert "/accounts/password/reset/key/" in to_owner[0].body
    assert PASSWORD not in to_owner[0].body


def test_the_api_refuses_a_session_without_csrf_for_writes(owner, client_for):
    from django.test import Client

    csrf_client = Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
    csrf_client.cookies = client_for(owner).cookies
    response = csrf_client.post("/api/v1/branches", data='{"name": "Sneaky"}', content_type="application/json")
    assert response.status_code in (401, 403)
