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


# --- what the request guard caches (staffroom.core.cache), invalidated on every save or delete -------------------
#
# The middleware reads the membership, role, 2FA policy, business settings, second factors and sessions from the
# cache; each row that feeds them bumps the scope it belongs to, whichever code path saves it (services, the operator
# console, a shell). Bulk `.update()` calls bypass these signals: the two that touch cached columns
# (`access.membership_access_end`, `access._end`) bump explicitly.


def _bump(*scopes) -> None:
    from staffroom.core.cache import cache_scopes_bump

    cache_scopes_bump(*scopes)


def employee_changed(sender, instance, **kwargs) -> None:
    from staffroom.core.cache import business_scope, person_scope

    _bump(business_scope(instance.business_id), person_scope(instance.person_id) if instance.person_id else None)


def business_row_changed(sender, instance, **kwargs) -> None:
    """A role, the 2FA policy or a branch limit: every membership of the business is read again."""
    from staffroom.core.cache import business_scope

    _bump(business_scope(instance.business_id))


def business_changed(sender, instance, **kwargs) -> None:
    """Settings and `is_active`: the business's memberships, and whether its people may sign in at all."""
    from staffroom.core.cache import business_scope, person_scope
    from staffroom.staff.models import Employee

    person_ids = (
        Employee.objects.for_business(instance).filter(person__isnull=False).values_list("person_id", flat=True)
    )
    _bump(business_scope(instance.pk), *(person_scope(person_id) for person_id in person_ids))


def person_row_changed(sender, instance, **kwargs) -> None:
    """An authenticator, an invitation or a signed-in session of a person."""
    from staffroom.core.cache import person_scope

    person_id = getattr(instance, "person_id", None) or getattr(instance, "user_id", None)
    if person_id:
        _bump(person_scope(person_id))


def person_changed(sender, instance, **kwargs) -> None:
    from staffroom.core.cache import person_scope

    _bump(person_scope(instance.pk))


def role_branches_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_"):
        from staffroom.core.cache import business_scope

        _bump(business_scope(instance.business_id))
