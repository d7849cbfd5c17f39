"""2FA changes made in allauth's MFA views, recorded as security events (allauth sends the notices by e-mail)."""

from django.db import transaction

from .authentication import record_for_person


def _record(event_type: str, user, authenticator) -> None:
    with transaction.atomic():
        record_for_person(person=user, event_type=event_type, as_actor=True, after={"factor": authenticator.type})


# Recovery codes come and go with the authenticator app: one action, one event (the app's).
COMPANION_TYPES = {"recovery_codes"}


def authenticator_added(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator.type not in COMPANION_TYPES:
        _record("two_factor.added", user, authenticator)


def authenticator_removed(sender, request=None, user=None, authenticator=None, **kwargs):
    if authenticator.type not in COMPANION_TYPES:
        _record("two_factor.removed", user, authenticator)


def authenticator_reset(sender, request=None, user=None, authenticator=None, **kwargs):
    _record("two_factor.recovery_codes_regenerated", user, authenticator)
