"""Test helpers: enrol a person's authenticator app, compute its codes, walk the sign-in steps."""

import time

from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.test import Client

from staffroom.staff.tests.factories import PASSWORD

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"


def enrol_totp(person) -> str:
    """Give the person an authenticator app; returns the TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret


def recovery_codes(person) -> list[str]:
    """A fresh batch of the person's recovery codes (plain codes exist only at generation)."""
    from staffroom.security.recovery import recovery_codes_generate

    return recovery_codes_generate(person=person, reason="test", notify=False)


def totp_code(secret: str, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int(at if at is not None else time.time()) // 30))


def new_browser(**extra) -> Client:
    return Client(**{"HTTP_HOST": "127.0.0.1", "HTTP_USER_AGENT": BROWSER, **extra})


def password_step(client: Client, employee, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": employee.person.email, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def reauthenticated(client: Client, password: str = PASSWORD) -> Client:
    """SECURITY.md 10: exports, policy and other people's sessions need a fresh password (or second factor)."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302, response.content[:500]
    return client


def current_totp_code(person, at: float | None = None) -> str:
    """The code the person's enrolled authenticator app shows now (for people enrolled by a factory)."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    return totp_code(decrypt(authenticator.data["secret"]), at)
