"""Sessions and devices: who is signed in where, ending sessions, new-device notices, blocking's clean-up."""

from __future__ import annotations

import copy
import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.core.cache import business_scope, cache_scopes_bump, cached, cached_replace, person_scope
from staffroom.core.context import client_ip
from staffroom.core.errors import NotFound

from .authentication import _notify, pending_codes_cancel, record_for_person, sign_in_completed
from .models import KnownDevice, SignedInSession
from .services import describe_device, security_event_record

DEVICE_COOKIE = "staffroom_device"
LAST_SEEN_PRECISION = timedelta(seconds=60)


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def is_known_device(request, person) -> bool:
    """This browser carries the device cookie of an earlier full sign-in of this person."""
    device_key = request.COOKIES.get(DEVICE_COOKIE, "")
    return bool(device_key) and KnownDevice.objects.filter(person=person, device_key_hash=_digest(device_key)).exists()


def session_key_digest(session_key: str) -> str:
    return _digest(f"session:{session_key}")


def _session_entry(digest: str, person_id) -> tuple[str, list[str]]:
    return f"session:{digest}", [person_scope(person_id)]


def _session_row(digest: str) -> SignedInSession | None:
    return SignedInSession.objects.filter(session_key_hash=digest).first()


def session_track(request, *, person, touch: bool = True) -> SignedInSession | None:
    """The record of this request's session (created on first sight); None once the session was ended.

    `touch=False` (background polling) leaves "last seen" alone, so an open tab does not defeat the idle timeout.
    The record is cached per person (ending a session bumps its person, see `_end`); "last seen" is written at
    most once a minute, by an UPDATE that repeats the condition so concurrent requests write the row once. The
    returned record carries "last seen" as it was before this request (the caller checks the idle timeout on it).
    """
    session_key = request.session.session_key
    if not session_key:
        request.session.save()
        session_key = request.session.session_key
    digest = session_key_digest(session_key)
    now = timezone.now()
    name, scopes = _session_entry(digest, person.pk)
    record = cached(name, scopes, lambda: _session_row(digest))
    if record is not None and session_is_idle(record):
        # Another process may have seen the session more recently than this cache entry tells: ask the row.
        record = _session_row(digest)
        cached_replace(name, scopes, record)
    if record is None:
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
        record, _created = SignedInSession.objects.get_or_create(
            session_key_hash=digest,
            defaults={
                "person": person,
                "ip_address": client_ip(request),
                "user_agent": user_agent,
                "device": describe_device(user_agent),
                "created_at": now,
                "last_seen_at": now,
                "business_id": getattr(getattr(request, "business", None), "pk", None),
            },
        )
    if record.ended_at is not None or record.person_id != person.pk:
        return None
    business_id = getattr(getattr(request, "business", None), "pk", None)
    if not touch or session_is_idle(record):
        return record
    moved = bool(business_id) and business_id != record.business_id
    if now - record.last_seen_at >= LAST_SEEN_PRECISION or moved:
        due = Q(last_seen_at__lt=now - LAST_SEEN_PRECISION)
        if moved:
            due |= Q(business_id__isnull=True) | ~Q(business_id=business_id)
        ip_address = client_ip(request)
        SignedInSession.objects.filter(due, pk=record.pk).update(
            last_seen_at=now, ip_address=ip_address, business_id=business_id or record.business_id
        )
        seen = copy.copy(record)
        seen.last_seen_at, seen.ip_address, seen.business_id = now, ip_address, business_id or record.business_id
        cached_replace(name, scopes, seen)
    return record


def session_is_idle(record: SignedInSession) -> bool:
    idle = getattr(settings, "SESSION_IDLE_TIMEOUT_SECONDS", 0)
    return bool(idle) and timezone.now() - record.last_seen_at > timedelta(seconds=idle + 60)


def _end(records, reason: str) -> int:
    """Mark records ended; the middleware refuses them from the next request on (and the store rows go).

    Their people's cached session records are invalidated in every process (staffroom.core.cache).
    """
    now = timezone.now()
    records = records.filter(ended_at__isnull=True)
    person_ids = set(records.values_list("person_id", flat=True))
    count = records.update(ended_at=now, ended_reason=reason)
    cache_scopes_bump(*(person_scope(person_id) for person_id in person_ids))
    return count


def sessions_of(person, *, business=None):
    queryset = SignedInSession.objects.filter(person=person, ended_at__isnull=True).order_by("-last_seen_at")
    if business is not None:
        queryset = queryset.filter(business_id=business.pk)
    return queryset


def current_session_digest(request) -> str | None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    return session_key_digest(key) if key else None


@transaction.atomic
def session_end(*, actor, session_id: int) -> None:
    """An employee ends one of their own sessions."""
    record = SignedInSession.objects.filter(person_id=actor.person_id, pk=session_id, ended_at__isnull=True).first()
    if record is None:
        raise NotFound()
    _end(SignedInSession.objects.filter(pk=record.pk), "ended_by_self")
    security_event_record(
        event_type="session.ended", actor=actor, target=actor, after={"device": record.device, "ip": record.ip_address}
    )


@transaction.atomic
def sessions_end_others(*, actor, keep_digest: str | None) -> int:
    records = SignedInSession.objects.filter(person_id=actor.person_id)
    if keep_digest:
        records = records.exclude(session_key_hash=keep_digest)
    count = _end(records, "ended_by_self")
    security_event_record(event_type="session.others_ended", actor=actor, target=actor, after={"count": count})
    return count


def _has_other_active_membership(employee) -> bool:
    from staffroom.tenancy.middleware import active_memberships

    return active_memberships(employee.person).exclude(pk=employee.pk).exists()


def membership_access_end(*, employee, reason: str) -> int:
    """End one business's membership in every session and token (in the caller's transaction; SECURITY.md 30).

    Sessions are the person's and may switch businesses, so the business stamps its own employee record
    (`access_ended_at`, see `staffroom.tenancy.middleware.membership_reaches_session`) and its tokens signed in
    before that moment stop working. Only when the person has no other active business left do the sessions
    themselves end. Returns the number of the person's sessions that were in this business.
    """
    from staffroom.staff.models import Employee

    now = timezone.now()
    Employee.objects.for_business(employee.business).filter(pk=employee.pk).update(access_ended_at=now)
    employee.access_ended_at = now
    # The cached membership carries `access_ended_at`: every process must read the new one on its next request.
    cache_scopes_bump(person_scope(employee.person_id), business_scope(employee.business_id))
    if employee.person_id is None:
        return 0
    in_business = sessions_of(employee.person, business=employee.business).count()
    if not _has_other_active_membership(employee):
        _end(SignedInSession.objects.filter(person_id=employee.person_id), reason)
    return in_business


@transaction.atomic
def sessions_end_for_employee(*, actor, employee) -> int:
    """An owner (security.manage_sessions) ends an employee's sessions in this business, and only here."""
    from staffroom.staff.catalogue import Perm
    from staffroom.staff.permissions import require

    require(actor, Perm.SECURITY_MANAGE_SESSIONS, obj=employee)
    if employee.person_id is None:
        return 0
    count = membership_access_end(employee=employee, reason="ended_by_owner")
    security_event_record(event_type="session.ended_by_owner", actor=actor, target=employee, after={"count": count})
    return count


def employee_access_revoke(*, employee) -> None:
    """Blocking (in the caller's transaction): this business's sessions end; what is the person's goes only when
    no other business is left to them (then sessions, remembered devices, pending codes and approvals die)."""
    if employee.person_id is None:
        return
    membership_access_end(employee=employee, reason="blocked")
    if _has_other_active_membership(employee):
        return
    person = employee.person
    KnownDevice.objects.filter(person=person).delete()
    pending_codes_cancel(person=person)


# --- sign-in completed / signed out ------------------------------------------------------------------------------


def on_signed_in(request, person) -> None:
    """A full sign-in (every step passed): reset the budget, track the session and the device, log, notify."""
    from .reauthentication import sign_in_counts_as_recent

    sign_in_counts_as_recent(request, person)
    with transaction.atomic():
        sign_in_completed(person=person)
        session_track(request, person=person)
        device_key = request.COOKIES.get(DEVICE_COOKIE, "")
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        now = timezone.now()
        known = bool(device_key) and KnownDevice.objects.filter(person=person, device_key_hash=_digest(device_key))
        is_new_device = not (known and known.exists())
        if is_new_device:
            had_devices = KnownDevice.objects.filter(person=person).exists()
            device_key = secrets.token_urlsafe(32)
            KnownDevice.objects.create(
                person=person,
                device_key_hash=_digest(device_key),
                device=describe_device(user_agent),
                created_at=now,
                last_seen_at=now,
            )
            request._staffroom_device_cookie = device_key
            if had_devices:
                _notify(
                    person,
                    _("New sign-in to Staffroom"),
                    _(
                        "Your account was signed in from a new device: %(device)s, IP %(ip)s. "
                        "If this was not you, change your password and tell the business owner."
                    )
                    % {"device": describe_device(user_agent) or _("unknown"), "ip": client_ip(request) or "?"},
                )
        else:
            known.update(last_seen_at=now)
        record_for_person(
            person=person, event_type="sign_in.succeeded", as_actor=True, after={"new_device": is_new_device}
        )
    from django.contrib import messages
    from django.urls import reverse

    from staffroom.staff.services import invitations_pending_for

    if invitations_pending_for(person).exists() and hasattr(request, "_messages"):
        # SECURITY.md 31: the notice on the next sign-in (the e-mail carries the same link).
        messages.info(
            request,
            _("A business invited you to work with it: review the invitation at %(link)s.")
            % {"link": reverse("staff:invitations")},
        )


def on_signed_out(request, person) -> None:
    if person is None:
        return
    with transaction.atomic():
        digest = current_session_digest(request)
        if digest:
            _end(SignedInSession.objects.filter(session_key_hash=digest), "signed_out")
        employee = getattr(request, "employee", None)
        if employee is not None:
            security_event_record(event_type="sign_out", actor=employee, target=employee)
        else:
            record_for_person(person=person, event_type="sign_out", as_actor=True)
