"""Personal API tokens (created and revoked by their owner or by blocking, stored hashed); the person's language."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.errors import NotFound, field_error
from staffroom.security.services import security_event_record

from .models import OPERATOR_TOKEN_PREFIX, ApiToken, OperatorToken, token_generate


@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """Create a token for the acting employee; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Name the token, e.g. after the device or script that uses it."))
    plain, key_id, secret_hash = ApiToken.generate()
    token = ApiToken.objects.create(
        business=actor.business, employee=actor, name=name[:100], key_id=key_id, secret_hash=secret_hash
    )
    security_event_record(event_type="api_token.created", actor=actor, target=token, after={"name": token.name})
    return token, plain


@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.business_id != actor.business_id or token.employee_id != actor.pk:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(event_type="api_token.revoked", actor=actor, target=token, before={"name": token.name})
    return token


def api_tokens_revoke_all(*, employee) -> int:
    """Revoke every live token of an employee (part of blocking; the caller's transaction records the event)."""
    return (
        ApiToken.objects.for_business(employee.business)
        .filter(employee=employee, revoked_at__isnull=True)
        .update(revoked_at=timezone.now())
    )


@transaction.atomic
def person_language_set(*, actor, language: str):
    """The person's own choice of interface language ("" to follow the business again).

    A preference, not an access change: no security event (the log records who may do what, not how they read).
    """
    offered = {code for code, _name in settings.LANGUAGES}
    if language and language not in offered:
        raise field_error("language", _("Choose one of the offered languages."))
    actor.language = language
    actor.save(update_fields=["language"])
    return actor


# --- platform operators' tokens (operator routes only) ---------------------------------------------------------


def _operator_check(operator) -> None:
    from staffroom.core.errors import PermissionDenied
    from staffroom.security.authentication import has_second_factor

    if operator is None or not (operator.is_active and operator.is_staff):
        raise PermissionDenied()
    if not has_second_factor(operator):
        # SECURITY.md 34: platform staff act only after a two-step sign-in; a token must not be a way around it.
        raise PermissionDenied(_("Set up two-step sign-in first."))


@transaction.atomic
def operator_token_create(*, operator, name: str) -> tuple[OperatorToken, str]:
    """A platform operator's own API token for the operator routes; the plain token is returned once, here."""
    _operator_check(operator)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Name the token, e.g. after the device or script that uses it."))
    plain, key_id, secret_hash = token_generate(OPERATOR_TOKEN_PREFIX)
    token = OperatorToken.objects.create(person=operator, name=name[:100], key_id=key_id, secret_hash=secret_hash)
    security_event_record(
        event_type="operator_token.created",
        person=operator,
        target=token,
        after={"name": token.name, "operator": operator.email},
    )
    return token, plain


@transaction.atomic
def operator_token_revoke(*, operator, token: OperatorToken) -> OperatorToken:
    """Revoke one of the operator's own tokens (idempotent; the first revocation is logged)."""
    if operator is None or token.person_id != operator.pk:
        raise NotFound()
    token = OperatorToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        security_event_record(
            event_type="operator_token.revoked",
            person=operator,
            target=token,
            before={"name": token.name, "operator": operator.email},
        )
    return token
