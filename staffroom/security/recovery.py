"""Recovery codes: random, stored only as keyed hashes, shown once, each accepted once (SECURITY.md 6)."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .guard import _locked_guard, _notify, record_for_person
from .models import RecoveryCode

CODES_PER_BATCH = 10
CODE_LENGTH = 12  # base32 characters: 60 random bits each, so a keyed fast hash is enough
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
PENDING_SESSION_KEY = "staffroom_new_recovery_codes"


def normalize(code: str) -> str:
    """People type codes with spaces, dashes or in lower case; the hash is of the bare upper-case characters."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def code_hash(person_id: int, code: str) -> str:
    key = settings.MFA_ENCRYPTION_KEY.encode()
    return hmac.new(key, f"recovery:{person_id}:{normalize(code)}".encode(), hashlib.sha256).hexdigest()


def codes_left(person) -> int:
    return RecoveryCode.objects.filter(person=person, used_at__isnull=True).count()


@transaction.atomic
def recovery_codes_generate(*, person, reason: str, notify: bool = True) -> list[str]:
    """A new batch for the person (every earlier code stops working); the plain codes are returned once, here."""
    _locked_guard(person)  # two regenerations at once must not leave two live batches
    now = timezone.now()
    RecoveryCode.objects.filter(person=person).delete()
    batch = uuid.uuid4()
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH)) for _ in range(CODES_PER_BATCH)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(person=person, batch=batch, code_hash=code_hash(person.pk, code), generated_at=now)
        for code in codes
    )
    record_for_person(
        person=person,
        event_type="two_factor.recovery_codes_generated",
        as_actor=True,
        after={"count": CODES_PER_BATCH, "reason": reason},
    )
    if notify:
        _notify(
            person,
            _("New Staffroom recovery codes"),
            _(
                "New recovery codes were made for your account; the earlier ones no longer work. "
                "If this was not you, change your password and tell the business owner."
            ),
        )
    return [_format(code) for code in codes]


def recovery_codes_discard(*, person) -> None:
    """The last second factor is gone: codes that back it up go too."""
    RecoveryCode.objects.filter(person=person).delete()


def recovery_code_use(*, person, code: str) -> bool:
    """Accept a code once: the conditional UPDATE lets exactly one of concurrent uses through."""
    if not normalize(code):
        return False
    with transaction.atomic():
        used = RecoveryCode.objects.filter(
            person=person, code_hash=code_hash(person.pk, code), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used:
            record_for_person(
                person=person, event_type="two_factor.recovery_code_used", after={"left": codes_left(person)}
            )
    return bool(used)


# --- showing a new batch once, on the next page ------------------------------------------------------------------


def remember_for_display(request, codes: list[str]) -> None:
    """Codes made inside allauth's enrolment views are shown on the page it redirects to; encrypted meanwhile."""
    from allauth.mfa.utils import encrypt

    request.session[PENDING_SESSION_KEY] = encrypt(json.dumps(codes))


def take_for_display(request) -> list[str]:
    """The pending codes, removed from the session as they are read: a second view shows none."""
    from allauth.mfa.utils import decrypt
    from cryptography.fernet import InvalidToken

    sealed = request.session.pop(PENDING_SESSION_KEY, None)
    if not sealed:
        return []
    try:
        return json.loads(decrypt(sealed))
    except (ValueError, TypeError, InvalidToken):
        return []
