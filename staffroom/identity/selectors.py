"""Reads for sign-in and tokens."""

import datetime as dt
import hmac

from django.db.models import Q
from django.utils import timezone

from .models import OPERATOR_TOKEN_PREFIX, TOKEN_PREFIX, ApiToken, OperatorToken, hash_token_secret


def _token_parts(plain: str, prefix: str) -> tuple[str, str] | None:
    parts = (plain or "").split("_", 2)
    if len(parts) != 3 or parts[0] != prefix:
        return None
    return parts[1], parts[2]


def employee_for_api_token(plain: str):
    """Resolve `sr_<key id>_<secret>` to its active employee, or None. The business comes from the token."""
    token = api_token_resolve(plain)
    return token.employee if token is not None else None


def api_token_resolve(plain: str) -> ApiToken | None:
    """The live personal token `sr_<key id>_<secret>` names, with its active employee loaded; None otherwise."""
    parts = _token_parts(plain, TOKEN_PREFIX)
    if parts is None:
        return None
    key_id, secret = parts
    token = (
        ApiToken.objects.unscoped()  # tenancy resolution: the token is what tells us the business
        .select_related("employee__role", "employee__business", "employee__person")
        .filter(key_id=key_id, revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token_secret(secret)):
        return None
    employee = token.employee
    if not employee.is_active or not employee.business.is_active:
        return None
    if employee.person_id is None or not employee.person.is_active:
        return None
    if employee.access_ended_at is not None and token.created_at < employee.access_ended_at:
        # The business ended this membership's sessions after the token was made (SECURITY.md 30).
        return None
    from staffroom.security.authentication import enrolment_required

    if enrolment_required(employee):
        # Under the role's 2FA policy with no second factor yet: nothing but enrolment, which a token cannot reach.
        return None
    _note_token_use(token)
    return token


# How stale `last_used_at` may get: a token used many times a minute writes its row at most once a minute.
TOKEN_USE_RESOLUTION = dt.timedelta(seconds=60)


def operator_token_resolve(plain: str) -> OperatorToken | None:
    """The live operator token `so_<key id>_<secret>` names, while its person is active staff with a second factor."""
    parts = _token_parts(plain, OPERATOR_TOKEN_PREFIX)
    if parts is None:
        return None
    key_id, secret = parts
    token = OperatorToken.objects.select_related("person").filter(key_id=key_id, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.secret_hash, hash_token_secret(secret)):
        return None
    person = token.person
    from staffroom.security.authentication import has_second_factor

    if not (person.is_active and person.is_staff) or not has_second_factor(person):
        return None
    _note_token_use(token)
    return token


def operator_tokens_of(person):
    return OperatorToken.objects.filter(person=person)


def _note_token_use(token) -> None:
    """Record the use at most once a minute per token.

    The row just read tells whether a write is due (no statement at all if not); the UPDATE repeats the condition, so
    concurrent requests of the same token write the row once.
    """
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at >= now - TOKEN_USE_RESOLUTION:
        return
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOKEN_USE_RESOLUTION)
    queryset = ApiToken.objects.unscoped() if isinstance(token, ApiToken) else OperatorToken.objects.all()
    queryset.filter(stale, pk=token.pk).update(last_used_at=now)


def api_tokens_of(employee):
    return ApiToken.objects.for_business(employee.business).filter(employee=employee)
