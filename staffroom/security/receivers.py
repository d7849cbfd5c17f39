"""2FA changes made in allauth's MFA views, recorded as security events (allauth sends the notices by e-mail)."""

from django.db import transaction

from .authentication import has_second_factor, record_for_person
from .recovery import codes_left, recovery_codes_discard, recovery_codes_generate, remember_for_display


def _record(event_type: str, user, authenticator) -> None:
    with transaction.atomic():
        record_for_person(person=user, event_type=event_type, as_actor=True, after={"factor": authenticator.type})


def authenticator_added(sender, request=None, user=None, authenticator=None, **kwargs):
    _record("two_factor.added", user, authenticator)
    if codes_left(user) == 0:
        # The first real factor brings recovery codes; allauth's "factor added" mail already tells the person.
        codes = recovery_codes_generate(person=user, reason="first_factor", notify=False)
        if request is not None and hasattr(request, "session"):
            remember_for_display(request, codes)


def authenticator_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    _record("two_factor.removed", user, authenticator)
    if not has_second_factor(user):
        recovery_codes_discard(person=user)


def password_reset(sender, request=None, user=None, **kwargs):
    """A reset through the e-mailed link proves the person: it lifts their sign-in lock (SECURITY.md 30)."""
    from .authentication import sign_in_lock_lift

    with transaction.atomic():
        sign_in_lock_lift(person=user, reason="password_reset")
