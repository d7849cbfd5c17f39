"""A person's sign-in guard row, events and notices: what both sign-in steps and recovery codes need.

Below `authentication` and `recovery` (the import contracts in `.importlinter`), so neither imports the other's
internals to lock the guard or write an event.
"""

from __future__ import annotations

from staffroom.runtime.tasks import email_after_commit

from .models import SignInGuard
from .services import security_event_record

# --- one lock order for every sign-in path (SECURITY.md 33) ----------------------------------------------------
#
# Every transaction of a sign-in step, and every action on a person's sign-in state, takes its row locks in this
# order and never the other way round, so parallel requests queue instead of deadlocking:
#
#   1. the person's `SignInGuard` row (`sign_in_lock`), first, before anything else is read for update;
#   2. the person's own sign-in rows: e-mail codes, push approvals, recovery codes, completed attempts;
#   3. security-log chain heads (`security_event_record`), one business after another in ascending business id
#      (`record_for_person` sorts them), the platform chain for a person without a business.
#
# Paths: the password step, every second factor and the approval answer (`guarded_attempt`), an e-mail code sent
# (`email_code_send`), an approval requested or consumed, the completed sign-in (`on_signed_in`, the API's token),
# the lock lifted (`sign_in_unlock`, `sign_in_lock_lift`) and blocking (`employee_block` locks the guard before the
# employee row and its event). A path that needs only (3) may start there; a path that needs (1) never holds (2)
# or (3) before it. Tested by `test_concurrency.py` with ten threads per code type on PostgreSQL.


def sign_in_lock(person) -> SignInGuard:
    """Step 1 of the lock order: the person's guard row, created on first use, locked until the transaction ends."""
    SignInGuard.objects.get_or_create(person=person)
    return SignInGuard.objects.select_for_update().get(person=person)


def _memberships(person):
    from staffroom.staff.models import Employee

    return list(
        Employee.objects.unscoped()  # sign-in is before any business is chosen: the person's own memberships
        .filter(person=person, business__is_active=True)
        .select_related("business")
        .order_by("business_id")  # the lock order's step 3: chain heads in ascending business id
    )


def record_for_person(*, person, event_type: str, outcome: str = "success", after=None, as_actor: bool = False):
    """One event in each business the person works for (each sees only its own); the platform chain otherwise."""
    memberships = _memberships(person)
    if not memberships:
        security_event_record(event_type=event_type, person=person, outcome=outcome, after=after)
        return
    for employee in memberships:
        security_event_record(
            event_type=event_type,
            business=employee.business,
            actor=employee if as_actor else None,
            person=person,
            target=employee,
            outcome=outcome,
            after=after,
        )


def _notify(person, subject: str, body: str) -> None:
    if not person.email:
        return
    email_after_commit(subject=subject, body=body, recipients=[person.email])


def _locked_guard(person) -> SignInGuard:
    return sign_in_lock(person)
