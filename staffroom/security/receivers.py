"""2FA changes made in allauth's MFA views, recorded as security events (allauth sends the notices by e-mail)."""

from django.core.exceptions import ObjectDoesNotExist
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


OPERATOR_ACTIONS = {1: "operator.added", 2: "operator.changed", 3: "operator.deleted"}


def operator_console_action(sender, instance=None, created=False, **kwargs):
    """SECURITY.md 34: what platform staff do in the operator console reaches the security log like a business's.

    The admin writes its LogEntry inside the transaction of the change, so the event is part of it. It goes to the
    chain of the business the object belongs to (that business sees it), otherwise to the platform chain.
    """
    from .services import security_event_record

    if not created or instance.action_flag not in OPERATOR_ACTIONS:
        return
    business = None
    target = None
    try:
        target = instance.get_edited_object()
    except ObjectDoesNotExist:  # gone already: the event keeps its type, id and label
        target = None
    if target is not None:
        from staffroom.tenancy.models import Business

        business = target if isinstance(target, Business) else getattr(target, "business", None)
        if not isinstance(business, Business):
            business = None
    with transaction.atomic():
        security_event_record(
            event_type=OPERATOR_ACTIONS[instance.action_flag],
            business=business,
            person=instance.user,
            target=target,
            target_label=instance.object_repr,
            after={
                "operator": instance.user.email,
                "object": f"{instance.content_type.app_label}.{instance.content_type.model}:{instance.object_id}",
                "change": instance.get_change_message()[:500],
            },
        )
