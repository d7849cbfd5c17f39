"""Sign-in hardening: the per-account failure budget, second factors (TOTP, recovery, e-mail code, push), the policy."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from allauth.account.stages import LoginStage
from allauth.core.internal.httpkit import headed_redirect_response
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.cache import business_scope, cached, person_scope
from staffroom.core.context import current_request_meta
from staffroom.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

from .calculations import failure_backoff_seconds, is_hard_locked, totp_matching_step
from .guard import _locked_guard, _memberships, _notify, record_for_person, sign_in_lock
from .models import ApprovalStatus, EmailSignInCode, SignInApproval, SignInGuard, TwoFactorRequirement
from .services import describe_device, security_event_record

EMAIL_CODE_DIGITS = 8
EMAIL_CODE_SENDS_PER_ATTEMPT = 5
APPROVALS_PER_WINDOW = 3


def _setting(name: str, default):
    return getattr(settings, name, default)


def hard_cap() -> int:
    return min(100, _setting("SIGN_IN_FAILURE_HARD_CAP", 50))


def email_code_lifetime() -> timedelta:
    return timedelta(seconds=_setting("SIGN_IN_EMAIL_CODE_SECONDS", 600))


def approval_lifetime() -> timedelta:
    return timedelta(seconds=min(600, _setting("SIGN_IN_APPROVAL_SECONDS", 600)))


# --- the per-account failure budget --------------------------------------------------------------------------


def guarded_attempt(*, person, step: str, check: Callable[[SignInGuard], bool], completes_sign_in: bool) -> str:
    """Run one sign-in step under the person's budget: "ok", "failed", "throttled" (back-off) or "locked".

    Attempts of one person are serialised on the guard row, so parallel guesses are counted one at a time.
    """
    with transaction.atomic():
        guard = _locked_guard(person)
        now = timezone.now()
        if guard.locked_at is not None:
            return "locked"
        if guard.retry_after is not None and guard.retry_after > now:
            return "throttled"
        if check(guard):
            if completes_sign_in:
                guard.consecutive_failures = 0
                guard.retry_after = None
            guard.save()
            return "ok"
        guard.consecutive_failures += 1
        wait = failure_backoff_seconds(guard.consecutive_failures)
        guard.retry_after = now + timedelta(seconds=wait) if wait else None
        event_type = "sign_in.failed" if step == "password" else "second_factor.failed"
        record_for_person(
            person=person,
            event_type=event_type,
            outcome="failure",
            after={"step": step, "failures": guard.consecutive_failures},
        )
        if is_hard_locked(guard.consecutive_failures, hard_cap=hard_cap()):
            guard.locked_at = now
            record_for_person(person=person, event_type="sign_in.locked", outcome="failure", after={"step": step})
            _notify(
                person,
                _("Your Staffroom sign-in is locked"),
                _(
                    "There were too many failed sign-in attempts on your account, so it is locked. "
                    "Ask the business owner to unlock it."
                ),
            )
        guard.save()
        return "failed"


def sign_in_lock_lift(*, person, reason: str, operator=None) -> bool:
    """The person (by a password reset) or platform staff lift the person's lock; False when nothing was locked.

    Runs in the caller's transaction and writes one event per business of the person (or the platform chain).
    """
    guard = _locked_guard(person)
    if guard.locked_at is None and guard.consecutive_failures == 0 and guard.retry_after is None:
        return False
    before = {"failures": guard.consecutive_failures, "locked": guard.locked_at is not None}
    guard.consecutive_failures = 0
    guard.retry_after = None
    guard.locked_at = None
    guard.save()
    after = {"reason": reason}
    if operator is not None:
        after["operator"] = operator.email
    record_for_person(person=person, event_type="sign_in.unlocked", after={**before, **after})
    return True


def sign_in_completed(*, person) -> None:
    """The last step succeeded: the consecutive-failure count starts again (takes step 1 of the lock order)."""
    with transaction.atomic():
        sign_in_lock(person)
        SignInGuard.objects.filter(person=person).update(consecutive_failures=0, retry_after=None)


def guard_state(person) -> SignInGuard | None:
    return SignInGuard.objects.filter(person=person).first()


@transaction.atomic
def sign_in_unlock(*, actor, employee) -> None:
    """Owner-side unlock (needs `employees.block` for that very employee; it never locks anyone)."""
    from staffroom.staff.catalogue import Perm
    from staffroom.staff.permissions import require

    require(actor, Perm.EMPLOYEES_BLOCK, obj=employee)
    if employee.person_id is None:
        raise NotFound()
    from staffroom.staff.models import Employee

    if Employee.objects.unscoped().filter(person_id=employee.person_id).exclude(business_id=actor.business_id).exists():
        # SECURITY.md 30: the lock guards the person's login, which reaches beyond this business. The person lifts it
        # by resetting the password; platform support can lift it too (operator console, logged).
        raise Conflict(
            _(
                "This sign-in lock belongs to the person's own login, which is not this business's to reset. "
                "They can lift it by resetting their password."
            )
        )
    guard = _locked_guard(employee.person)
    before = {"failures": guard.consecutive_failures, "locked": guard.locked_at is not None}
    guard.consecutive_failures = 0
    guard.retry_after = None
    guard.locked_at = None
    guard.save()
    security_event_record(event_type="sign_in.unlocked", actor=actor, target=employee, before=before)


# --- factors -------------------------------------------------------------------------------------------------


def totp_authenticator(person) -> Authenticator | None:
    return Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).first()


def has_second_factor(person) -> bool:
    """An authenticator app or a passkey / security key (recovery codes only back them up).

    Asked by the request guard, so cached per person; adding or removing an authenticator bumps the person.
    """
    return cached(
        f"second-factor:{person.pk}",
        [person_scope(person.pk)],
        lambda: Authenticator.objects.filter(
            user=person, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).exists(),
    )


def second_factor_removable(person, authenticator) -> bool:
    """Whether the person may remove this factor: never their last one while their work requires two-step sign-in
    (platform staff, or a role under a business's policy) — pages and API alike (the MFA adapter asks this too)."""
    if authenticator.type not in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN):
        return True
    others = (
        Authenticator.objects.filter(user=person, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN])
        .exclude(pk=authenticator.pk)
        .exists()
    )
    if others:
        return True
    if person.is_staff:
        return False
    return not any(two_factor_required(employee) for employee in _memberships(person) if employee.is_active)


def has_passkey(person) -> bool:
    return Authenticator.objects.filter(user=person, type=Authenticator.Type.WEBAUTHN).exists()


def _check_passkey(person, credential: str) -> bool:
    import json

    from allauth.mfa.webauthn.internal.auth import complete_authentication
    from django.core.exceptions import ValidationError

    try:
        complete_authentication(person, json.loads(credential))
    except (ValidationError, ValueError, TypeError, KeyError):
        return False
    return True


def _check_totp(person, code: str, guard: SignInGuard) -> bool:
    from allauth.mfa.utils import decrypt

    authenticator = totp_authenticator(person)
    if authenticator is None:
        return False
    secret = decrypt(authenticator.data["secret"])
    step = totp_matching_step(
        code,
        now_timestamp=time.time(),
        hotp=lambda counter: format_hotp_value(hotp_value(secret, counter)),
        period=30,
        tolerance=1,
    )
    if step is None:
        return False
    if step <= guard.last_totp_step:
        # A code (or an older one) already used: a replay, refused and counted.
        return False
    guard.last_totp_step = step
    return True


def _check_recovery_code(person, code: str) -> bool:
    from .recovery import recovery_code_use

    return recovery_code_use(person=person, code=code)


def _code_hash(person_id: int, attempt_id: str, code: str) -> str:
    key = settings.MFA_ENCRYPTION_KEY.encode()
    return hmac.new(key, f"{person_id}:{attempt_id}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def email_code_send(*, person, attempt_id: str) -> None:
    """Send a fresh code for this sign-in attempt; every earlier code of the person stops working."""
    sign_in_lock(person)  # the lock order: the guard before the person's codes and the log
    now = timezone.now()
    recent = EmailSignInCode.objects.filter(
        person=person, attempt_id=attempt_id, created_at__gt=now - email_code_lifetime()
    ).count()
    if recent >= EMAIL_CODE_SENDS_PER_ATTEMPT:
        raise Conflict(_("Too many codes were sent for this sign-in. Start again later."))
    EmailSignInCode.objects.filter(person=person, used_at__isnull=True, invalidated_at__isnull=True).update(
        invalidated_at=now
    )
    code = f"{secrets.randbelow(10**EMAIL_CODE_DIGITS):0{EMAIL_CODE_DIGITS}d}"
    EmailSignInCode.objects.create(
        person=person,
        attempt_id=attempt_id,
        code_hash=_code_hash(person.pk, attempt_id, code),
        created_at=now,
        expires_at=now + email_code_lifetime(),
    )
    record_for_person(person=person, event_type="second_factor.email_code_sent", after={"attempt": "current"})
    minutes = int(email_code_lifetime().total_seconds() // 60)
    _notify(
        person,
        _("Your Staffroom sign-in code"),
        _("Your sign-in code is %(code)s. It works once, for %(minutes)s minutes, for the sign-in you started.")
        % {"code": code, "minutes": minutes},
    )


def _check_email_code(person, attempt_id: str, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    now = timezone.now()
    candidate = (
        EmailSignInCode.objects.select_for_update()
        .filter(person=person, attempt_id=attempt_id, used_at__isnull=True, invalidated_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if candidate is None or candidate.expires_at <= now:
        return False
    if not hmac.compare_digest(candidate.code_hash, _code_hash(person.pk, attempt_id, code)):
        return False
    candidate.used_at = now
    candidate.save(update_fields=["used_at"])
    return True


SECOND_FACTOR_METHODS = ("totp", "recovery_code", "email_code", "passkey")


def second_factor_verify(*, person, attempt_id: str, method: str, code: str) -> str:
    """Check one second-factor code under the budget; "ok" completes the sign-in's factor step."""
    if method not in SECOND_FACTOR_METHODS:
        raise ValidationFailed(errors={"method": [_("Unknown method.")]})

    def check(guard: SignInGuard) -> bool:
        if method == "totp":
            return _check_totp(person, code, guard)
        if method == "recovery_code":
            return _check_recovery_code(person, code)
        if method == "passkey":
            return _check_passkey(person, code)
        return _check_email_code(person, attempt_id, code)

    outcome = guarded_attempt(person=person, step=method, check=check, completes_sign_in=True)
    if outcome == "ok":
        approvals_withdraw(person=person, attempt_id=attempt_id)
        record_for_person(person=person, event_type="second_factor.passed", after={"method": method})
    return outcome


def attempt_complete(*, person, attempt_id: str) -> bool:
    """Mark a sign-in attempt as completed; False when it was completed before (a replayed challenge)."""
    from django.db import IntegrityError

    from .models import CompletedSignInAttempt

    try:
        with transaction.atomic():
            CompletedSignInAttempt.objects.create(person=person, attempt_id=attempt_id)
    except IntegrityError:
        return False
    return True


def code_method(code: str) -> str:
    """A six-digit code is from the authenticator app; anything longer is a recovery code."""
    cleaned = (code or "").strip().replace(" ", "")
    return "totp" if cleaned.isdigit() and len(cleaned) == 6 else "recovery_code"


# --- push approval with number matching ----------------------------------------------------------------------


def _approvers_exist(person) -> bool:
    from staffroom.identity.models import ApiToken

    from .models import SignedInSession

    if SignedInSession.objects.filter(person=person, ended_at__isnull=True).exists():
        return True
    return ApiToken.objects.unscoped().filter(employee__person=person, revoked_at__isnull=True).exists()


def approval_available(person) -> bool:
    return _approvers_exist(person)


@transaction.atomic
def approval_request(*, person, attempt_id: str) -> SignInApproval:
    """Ask the person's signed-in devices to approve this sign-in; returns the approval with the number to show."""
    _locked_guard(person)  # serialises requests of one person, so the rate limit holds under concurrency
    now = timezone.now()
    if not _approvers_exist(person):
        raise Conflict(_("You have no other signed-in device to approve this sign-in."))
    recent = SignInApproval.objects.filter(person=person, created_at__gt=now - timedelta(minutes=10)).count()
    if recent >= APPROVALS_PER_WINDOW:
        raise Conflict(_("Too many approval requests. Use another method or try again in a few minutes."))
    SignInApproval.objects.filter(person=person, attempt_id=attempt_id, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED, decided_at=now
    )
    numbers = set()
    while len(numbers) < 3:
        numbers.add(10 + secrets.randbelow(90))
    numbers = sorted(numbers)
    meta = current_request_meta()
    approval = SignInApproval.objects.create(
        person=person,
        attempt_id=attempt_id,
        numbers=numbers,
        correct_number=secrets.choice(numbers),
        ip_address=meta.ip_address,
        user_agent=meta.user_agent[:500],
        device=describe_device(meta.user_agent),
        created_at=now,
        expires_at=now + approval_lifetime(),
    )
    record_for_person(person=person, event_type="second_factor.approval_requested", after={"device": approval.device})
    return approval


def approval_offer_automatically(*, person, attempt_id: str, known_device: bool) -> SignInApproval | None:
    """Issue 3: a sign-in from a device not seen before asks the person's signed-in devices at once.

    Once per sign-in attempt, only when another signed-in session or API client exists, and within the same rate
    limit as the button (which stays for re-sending); None when nothing was sent.
    """
    if known_device or not _approvers_exist(person):
        return None
    if SignInApproval.objects.filter(person=person, attempt_id=attempt_id).exists():
        return None
    try:
        return approval_request(person=person, attempt_id=attempt_id)
    except Conflict:
        return None  # rate limit reached: the person can still use a code


def approvals_withdraw(*, person, attempt_id: str) -> int:
    """SECURITY.md 35: a push request lives only while its sign-in attempt is pending.

    Called when the attempt completes by another factor or is cancelled (pages and API); expired requests are
    never listed. Every device stops showing the request at its next poll.
    """
    if not attempt_id:
        return 0
    with transaction.atomic():
        sign_in_lock(person)
        return SignInApproval.objects.filter(
            person=person, attempt_id=attempt_id, status=ApprovalStatus.PENDING
        ).update(status=ApprovalStatus.CANCELLED, decided_at=timezone.now())


def approvals_pending_for(person):
    return SignInApproval.objects.filter(
        person=person, status=ApprovalStatus.PENDING, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def approval_decide(*, person, approval_id: int, number: int | None, approve: bool) -> SignInApproval:
    """A signed-in device answers: approving needs the number shown on the new device; a wrong one denies."""
    outcome_holder: list[SignInApproval] = []

    def check(_guard) -> bool:
        approval = SignInApproval.objects.select_for_update().filter(person=person, pk=approval_id).first()
        if approval is None:
            raise NotFound()
        if approval.status != ApprovalStatus.PENDING or approval.expires_at <= timezone.now():
            raise Conflict(_("This sign-in request has expired or was answered already."))
        outcome_holder.append(approval)
        approval.decided_at = timezone.now()
        if approve and number is not None and int(number) == approval.correct_number:
            approval.status = ApprovalStatus.APPROVED
            approval.save(update_fields=["status", "decided_at"])
            return True
        approval.status = ApprovalStatus.DENIED
        approval.save(update_fields=["status", "decided_at"])
        # Denying on purpose is not a guess; a wrong number is.
        return not approve

    try:
        outcome = guarded_attempt(person=person, step="push_approval", check=check, completes_sign_in=False)
    except (NotFound, Conflict):
        raise
    if outcome in ("locked", "throttled"):
        raise PermissionDenied(_("Too many failed attempts. Try again later."))
    approval = outcome_holder[0]
    with transaction.atomic():
        record_for_person(
            person=person,
            event_type=f"second_factor.approval_{approval.status}",
            outcome="success" if approval.status == ApprovalStatus.APPROVED else "failure",
            after={"device": approval.device},
        )
    return approval


@transaction.atomic
def approval_consume(*, person, attempt_id: str) -> str:
    """The signing-in device asks: "approved" (once, completing the factor step), "pending", or "refused"."""
    sign_in_lock(person)  # the lock order: the guard before the approval rows
    approval = (
        SignInApproval.objects.select_for_update()
        .filter(person=person, attempt_id=attempt_id)
        .exclude(status=ApprovalStatus.CANCELLED)
        .order_by("-created_at")
        .first()
    )
    if approval is None:
        return "refused"
    if approval.status == ApprovalStatus.APPROVED and approval.consumed_at is None:
        approval.consumed_at = timezone.now()
        approval.save(update_fields=["consumed_at"])
        sign_in_completed(person=person)
        return "approved"
    if approval.status == ApprovalStatus.PENDING and approval.expires_at > timezone.now():
        return "pending"
    return "refused"


def pending_codes_cancel(*, person) -> None:
    """Blocking: outstanding e-mail codes and approval requests of the person die now."""
    now = timezone.now()
    EmailSignInCode.objects.filter(person=person, used_at__isnull=True, invalidated_at__isnull=True).update(
        invalidated_at=now
    )
    SignInApproval.objects.filter(person=person, status=ApprovalStatus.PENDING).update(
        status=ApprovalStatus.CANCELLED, decided_at=now
    )


# --- the 2FA policy per role ---------------------------------------------------------------------------------


def two_factor_required(employee) -> bool:
    """The role is under the business's 2FA policy (the policy is cached per business; changing it bumps it)."""
    if employee is None:
        return False
    business = employee.business
    required = cached(
        f"two-factor-roles:{business.pk}", [business_scope(business.pk)], lambda: required_role_ids(business)
    )
    return employee.role_id in required


def enrolment_required(employee) -> bool:
    """Under the policy with no second factor yet: the employee may only enrol (or sign out)."""
    return two_factor_required(employee) and not has_second_factor(employee.person)


def required_role_ids(business) -> set[int]:
    return set(TwoFactorRequirement.objects.for_business(business).values_list("role_id", flat=True))


@transaction.atomic
def two_factor_policy_set(*, actor, roles) -> set[int]:
    """Set the roles whose employees must use a second factor (replaces the previous choice)."""
    from staffroom.staff.catalogue import Perm
    from staffroom.staff.permissions import require

    require(actor, Perm.SECURITY_MANAGE_POLICY)
    roles = list(roles)
    for role in roles:
        if role.business_id != actor.business_id:
            raise ValidationFailed(errors={"roles": [_("Choose roles of this business.")]})
    business = actor.business
    before = required_role_ids(business)
    wanted = {role.pk for role in roles}
    if wanted == before:
        return before
    TwoFactorRequirement.objects.for_business(business).exclude(role_id__in=wanted).delete()
    for role_id in wanted - before:
        TwoFactorRequirement.objects.create(business=business, role_id=role_id)
    names = {role.pk: role.name for role in roles}
    from staffroom.staff.models import Role

    all_names = dict(Role.objects.for_business(business).values_list("pk", "name"))
    names.update(all_names)
    security_event_record(
        event_type="security.two_factor_policy_changed",
        actor=actor,
        target_label=_("Two-step sign-in policy"),
        before={"roles": sorted(names.get(pk, str(pk)) for pk in before)},
        after={"roles": sorted(names.get(pk, str(pk)) for pk in wanted)},
    )
    return wanted


# --- the allauth login stage -----------------------------------------------------------------------------------


class SecondFactorStage(LoginStage):
    """After the password: people with a second factor must pass it before any session exists."""

    key = "staffroom_second_factor"
    urlname = "security:sign_in_verify"

    def handle(self):
        person = self.login.user
        if person is None or not has_second_factor(person):
            return None, True
        self.state["attempt_id"] = secrets.token_urlsafe(24)
        # SECURITY.md 9: a new session key once the password step has passed (and again at login).
        self.request.session.cycle_key()
        return headed_redirect_response("security:sign_in_verify"), True

    @property
    def attempt_id(self) -> str:
        return self.state.get("attempt_id", "")
