"""Two-step enrolment outside allauth's pages (the API): the same building blocks, signals and receivers.

allauth's MFA pages keep the pending TOTP secret in the session and run their flows on `request.user`; an API
client may have no session (a personal token), so here the pending secret travels sealed (encrypted with the MFA
key, signed, bound to the person, expiring) and the person is explicit. Everything else is what the pages do:
`TOTP.activate` / `Authenticator.delete`, then allauth's `authenticator_added` / `authenticator_removed` signals,
whose receivers (`receivers.py`) write the security events and make or discard recovery codes, and allauth's
notification e-mail. Passkeys are registered only in a browser (WebAuthn); they can be listed and removed here.
"""

from __future__ import annotations

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa import signals
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, validate_totp_code
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext as _

from staffroom.core.errors import Conflict, NotFound, field_error

from . import authentication, recovery

ENROLMENT_SALT = "staffroom.totp-enrolment"
ENROLMENT_SECONDS = 600


def factors_of(person) -> dict:
    """The person's own second factors (personal: the same in every business they work for)."""
    authenticators = list(Authenticator.objects.filter(user=person).order_by("pk"))
    totp = next((a for a in authenticators if a.type == Authenticator.Type.TOTP), None)
    return {
        "totp": totp,
        "passkeys": [a for a in authenticators if a.type == Authenticator.Type.WEBAUTHN],
        "has_second_factor": totp is not None or any(a.type == Authenticator.Type.WEBAUTHN for a in authenticators),
        "recovery_codes_left": recovery.codes_left(person),
    }


def passkey_name(authenticator) -> str:
    return (authenticator.data or {}).get("name", "")


def totp_enrolment_start(*, person) -> dict:
    """A new secret for an authenticator app: the secret, its otpauth:// URI, and the sealed enrolment to confirm."""
    if authentication.totp_authenticator(person) is not None:
        raise Conflict(_("An authenticator app is set up already; turn it off first to set up another."))
    secret = generate_totp_secret()
    adapter = get_mfa_adapter()
    sealed = signing.dumps({"p": person.pk, "s": adapter.encrypt(secret)}, salt=ENROLMENT_SALT)
    return {
        "secret": secret,
        "otpauth_uri": adapter.build_totp_url(person, secret),
        "enrolment": sealed,
        "expires_in": ENROLMENT_SECONDS,
    }


def _enrolment_secret(person, enrolment: str) -> str:
    try:
        data = signing.loads(enrolment, salt=ENROLMENT_SALT, max_age=ENROLMENT_SECONDS)
    except signing.BadSignature as error:
        raise field_error("enrolment", _("The set-up has expired; start again.")) from error
    if data.get("p") != person.pk:
        raise field_error("enrolment", _("The set-up has expired; start again."))
    return get_mfa_adapter().decrypt(data["s"])


@transaction.atomic
def totp_enrolment_confirm(*, request, person, enrolment: str, code: str) -> list[str]:
    """Turn the authenticator app on once its first code matches; returns the new recovery codes (shown once), if
    this is the person's first factor, as the page shows them."""
    secret = _enrolment_secret(person, enrolment)
    authentication.sign_in_lock(person)  # two confirmations at once must not make two authenticators
    if authentication.totp_authenticator(person) is not None:
        raise Conflict(_("An authenticator app is set up already; turn it off first to set up another."))
    if not validate_totp_code(secret, (code or "").strip()):
        raise field_error("code", _("That code is not correct."))
    authenticator = TOTP.activate(person, secret).instance
    signals.authenticator_added.send(sender=Authenticator, request=request, user=person, authenticator=authenticator)
    _mail_after_commit(request, person, "mfa/email/totp_activated")
    # The receiver keeps a first batch for display on the next page; the API shows it in this answer instead.
    return recovery.take_for_display(request)


def _mail_after_commit(request, person, template: str) -> None:
    """allauth's notice of a new or removed factor (SECURITY.md 11), sent once the change is committed, as it does."""
    adapter = get_account_adapter(request)
    transaction.on_commit(lambda: adapter.send_notification_mail(template, person))


def _remove(*, request, person, authenticator, mail_template: str) -> None:
    if not authentication.second_factor_removable(person, authenticator):
        raise Conflict(_("Two-step sign-in is required for you: set up another factor before removing this one."))
    authenticator.delete()
    signals.authenticator_removed.send(sender=Authenticator, request=request, user=person, authenticator=authenticator)
    _mail_after_commit(request, person, mail_template)


@transaction.atomic
def totp_remove(*, request, person) -> None:
    authentication.sign_in_lock(person)
    authenticator = authentication.totp_authenticator(person)
    if authenticator is None:
        raise NotFound()
    _remove(request=request, person=person, authenticator=authenticator, mail_template="mfa/email/totp_deactivated")


@transaction.atomic
def passkey_remove(*, request, person, passkey_id: int) -> None:
    authentication.sign_in_lock(person)
    authenticator = Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN, pk=passkey_id).first()
    if authenticator is None:
        raise NotFound()
    _remove(request=request, person=person, authenticator=authenticator, mail_template="mfa/email/webauthn_removed")


def recovery_codes_regenerate(*, person) -> list[str]:
    """A new batch of recovery codes (the old ones stop working), only for someone with a real second factor."""
    if not authentication.has_second_factor(person):
        raise Conflict(_("Set up an authenticator app or a passkey first."))
    return recovery.recovery_codes_generate(person=person, reason="regenerated")
