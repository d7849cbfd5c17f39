"""REST API: token sign-in with the second-factor challenge, the security log, sessions, approvals, the 2FA policy."""

import datetime as dt
import secrets

from django.core import signing
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from staffroom.core.api import IsoDate
from staffroom.core.errors import ApplicationError, PermissionDenied, ValidationFailed
from staffroom.core.shortcuts import choices_for_business, get_for_business_or_404
from staffroom.exports.api import ExportsExportOut, export_api_response
from staffroom.identity.services import api_token_create
from staffroom.security.reauthentication import api_reauthenticate, api_reauthentication_required
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, Role
from staffroom.staff.permissions import EMPLOYEE, PUBLIC, api_permission
from staffroom.tenancy.middleware import active_memberships

from . import access, authentication, enrolment, history, selectors, services

router = Router(tags=["security"])

CHALLENGE_SALT = "staffroom.api-sign-in"
CHALLENGE_SECONDS = 600


class SignInFailed(ApplicationError):
    status_code = 401
    default_message = "E-mail or password is not correct."


class TooManyAttempts(ApplicationError):
    status_code = 429


# --- token sign-in -------------------------------------------------------------------------------------------------


class SignInIn(Schema):
    email: str = Field(..., max_length=254)
    password: str = Field(..., max_length=512)
    token_name: str = Field("mobile app", min_length=1, max_length=100)
    business_id: int | None = None


class SecurityTokenOut(Schema):
    token: str = Field(..., description="Shown once; send it as `Authorization: Bearer <token>`.")
    business_id: int
    employee_id: int


class ChallengeOut(Schema):
    challenge: str
    methods: list[str]
    expires_in: int


class ChallengeIn(Schema):
    challenge: str = Field(..., max_length=1000)


class VerifyIn(ChallengeIn):
    method: str = Field(..., description="totp, recovery_code or email_code")
    code: str = Field(..., max_length=64)


class ApprovalRequestOut(Schema):
    number: int = Field(..., description="Show this number; the approving device must pick it.")
    expires_at: dt.datetime


class StateOut(Schema):
    state: str


def _challenge_load(value: str) -> dict:
    try:
        return signing.loads(value, salt=CHALLENGE_SALT, max_age=CHALLENGE_SECONDS)
    except signing.BadSignature as error:
        raise SignInFailed(_("The sign-in has expired; start again.")) from error


def _challenge_employee(data: dict) -> Employee:
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.filter(pk=data["p"], is_active=True).first()
    employee = active_memberships(person).filter(business_id=data["b"]).first() if person else None
    if employee is None:
        # Blocked (or removed) since the password step: the challenge dies with the access.
        raise SignInFailed()
    return employee


def _token_for(request, employee: Employee, name: str, attempt_id: str | None = None) -> Status:
    if authentication.enrolment_required(employee):
        raise PermissionDenied(_("Your role requires two-step sign-in: set it up in the web app first."))
    with transaction.atomic():
        authentication.sign_in_lock(employee.person)  # the lock order (SECURITY.md 33): the guard first
        if attempt_id is not None and not authentication.attempt_complete(
            person=employee.person, attempt_id=attempt_id
        ):
            raise SignInFailed(_("This sign-in was completed already; start again."))
        token, plain = api_token_create(actor=employee, name=name)
        authentication.sign_in_completed(person=employee.person)
        services.security_event_record(
            event_type="sign_in.succeeded", actor=employee, target=employee, after={"via": "api", "token": token.name}
        )
    return Status(201, {"token": plain, "business_id": employee.business_id, "employee_id": employee.pk})


@router.post("/auth/sign-in", response={201: SecurityTokenOut, 202: ChallengeOut}, auth=None)
@api_permission(PUBLIC)
def sign_in(request, payload: SignInIn):
    """Password step of a token sign-in: a token at once, or a second-factor challenge (202)."""
    from allauth.account.adapter import get_adapter
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        person = get_adapter(request).authenticate(request, email=payload.email.strip(), password=payload.password)
    except DjangoValidationError as error:
        # allauth refuses with a ValidationError once too many attempts failed: a 429, never a 500.
        raise TooManyAttempts(" ".join(error.messages)) from error
    if person is None:
        raise SignInFailed()
    memberships = list(active_memberships(person))
    if payload.business_id is not None:
        memberships = [employee for employee in memberships if employee.business_id == payload.business_id]
    if len(memberships) != 1:
        raise ValidationFailed(errors={"business_id": [_("Choose one of your businesses.")]})
    employee = memberships[0]
    if not authentication.has_second_factor(person):
        return _token_for(request, employee, payload.token_name)
    challenge = signing.dumps(
        {"p": person.pk, "b": employee.business_id, "a": secrets.token_urlsafe(24), "n": payload.token_name},
        salt=CHALLENGE_SALT,
    )
    methods = ["totp", "recovery_code", "email_code"]
    if authentication.approval_available(person):
        methods.append("push_approval")
    return Status(202, {"challenge": challenge, "methods": methods, "expires_in": CHALLENGE_SECONDS})


@router.post("/auth/sign-in/verify", response={201: SecurityTokenOut}, auth=None)
@api_permission(PUBLIC)
def sign_in_verify(request, payload: VerifyIn):
    data = _challenge_load(payload.challenge)
    employee = _challenge_employee(data)
    outcome = authentication.second_factor_verify(
        person=employee.person, attempt_id=data["a"], method=payload.method, code=payload.code
    )
    if outcome != "ok":
        raise SignInFailed(_("That code is not correct, or there were too many attempts."))
    return _token_for(request, employee, data["n"], data["a"])


@router.post("/auth/sign-in/email-code", response={204: None}, auth=None)
@api_permission(PUBLIC)
def sign_in_email_code(request, payload: ChallengeIn):
    data = _challenge_load(payload.challenge)
    employee = _challenge_employee(data)
    authentication.email_code_send(person=employee.person, attempt_id=data["a"])
    return Status(204, None)


@router.post("/auth/sign-in/approval", response={201: ApprovalRequestOut}, auth=None)
@api_permission(PUBLIC)
def sign_in_approval_request(request, payload: ChallengeIn):
    data = _challenge_load(payload.challenge)
    employee = _challenge_employee(data)
    approval = authentication.approval_request(person=employee.person, attempt_id=data["a"])
    return Status(201, {"number": approval.correct_number, "expires_at": approval.expires_at})


@router.post("/auth/sign-in/cancel", response={204: None}, auth=None)
@api_permission(PUBLIC)
def sign_in_cancel(request, payload: ChallengeIn):
    """Abandon a challenged sign-in: its push request disappears from every device (SECURITY.md 35)."""
    data = _challenge_load(payload.challenge)
    employee = _challenge_employee(data)
    authentication.approvals_withdraw(person=employee.person, attempt_id=data["a"])
    return Status(204, None)


@router.post("/auth/sign-in/approval/complete", response={201: SecurityTokenOut, 202: StateOut}, auth=None)
@api_permission(PUBLIC)
def sign_in_approval_complete(request, payload: ChallengeIn):
    """Poll after asking for approval: 202 while pending, a token once approved, 401 when refused or expired."""
    data = _challenge_load(payload.challenge)
    employee = _challenge_employee(data)
    state = authentication.approval_consume(person=employee.person, attempt_id=data["a"])
    if state == "pending":
        return Status(202, {"state": state})
    if state != "approved":
        raise SignInFailed(_("The request was refused or has expired."))
    return _token_for(request, employee, data["n"], data["a"])


# --- the security log ---------------------------------------------------------------------------------------------


class EventOut(Schema):
    id: int
    sequence: int
    occurred_at: dt.datetime
    event_type: str
    outcome: str
    actor_id: int | None
    actor_label: str
    branch_id: int | None
    ip_address: str | None
    device: str
    user_agent: str
    object_type: str
    object_id: str
    object_label: str
    before: dict | None
    after: dict | None
    hash: str


class EventPageOut(Schema):
    items: list[EventOut]
    next_before: int | None = Field(None, description="Pass as `before` for the next (older) page.")


def _filters(event_type, employee_id, branch_id, date_from, date_to) -> selectors.EventFilters:
    return selectors.EventFilters(
        event_type=(event_type or "").strip()[:64],
        employee_id=employee_id,
        branch_id=branch_id,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/security/events", response=EventPageOut)
@api_permission(Perm.SECURITY_VIEW_LOG)
def event_list(
    request,
    event_type: str = "",
    employee_id: int | None = None,
    branch_id: int | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    before: int | None = None,
):
    filters = _filters(event_type, employee_id, branch_id, date_from, date_to)
    items, next_before = selectors.events_page(request.business, filters, before_sequence=before)
    with transaction.atomic():
        services.security_log_read_record(actor=request.employee, filters=filters.as_dict())
    return {"items": items, "next_before": next_before}


@router.get("/security/events/export", response={200: None, 202: ExportsExportOut})
@api_permission(Perm.SECURITY_EXPORT_LOG)
@api_reauthentication_required
def event_export(
    request,
    event_type: str = "",
    employee_id: int | None = None,
    branch_id: int | None = None,
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
):
    """The CSV of the filtered log (200); a large export is queued instead (202 and the export: GET /exports/{id})."""
    filters = _filters(event_type, employee_id, branch_id, date_from, date_to)
    return export_api_response(request, "security_log", filters.as_dict())


# --- sessions -------------------------------------------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    device: str
    ip_address: str | None
    created_at: dt.datetime
    last_seen_at: dt.datetime


@router.get("/security/sessions", response=list[SessionOut])
@api_permission(EMPLOYEE)
def session_list(request):
    return list(access.sessions_of(request.employee.person))


@router.post("/security/sessions/{session_id}/end", response={204: None})
@api_permission(EMPLOYEE)
def session_end(request, session_id: int):
    access.session_end(actor=request.employee, session_id=session_id)
    return Status(204, None)


@router.post("/security/employees/{employee_id}/sessions/end", response={200: StateOut})
@api_permission(Perm.SECURITY_MANAGE_SESSIONS)
@api_reauthentication_required
def employee_sessions_end(request, employee_id: int):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    count = access.sessions_end_for_employee(actor=request.employee, employee=employee)
    return {"state": f"{count} ended"}


@router.post("/security/employees/{employee_id}/unlock", response={204: None})
@api_permission(Perm.EMPLOYEES_BLOCK)
@api_reauthentication_required
def employee_unlock(request, employee_id: int):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    authentication.sign_in_unlock(actor=request.employee, employee=employee)
    return Status(204, None)


class RequestRecordOut(Schema):
    id: int
    occurred_at: dt.datetime
    method: str
    path: str
    status: int
    ip_address: str | None
    duration_ms: int


class RequestPageOut(Schema):
    items: list[RequestRecordOut]
    next_before: int | None = None


@router.get("/security/employees/{employee_id}/requests", response=RequestPageOut)
@api_permission(Perm.SECURITY_VIEW_REQUEST_HISTORY)
def employee_requests(request, employee_id: int, before: int | None = None):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    history.request_history_flush()
    queryset = history.request_history_of(request.business, employee).order_by("-id")
    if before:
        queryset = queryset.filter(id__lt=before)
    rows = list(queryset[:101])
    return {"items": rows[:100], "next_before": rows[99].pk if len(rows) > 100 else None}


# --- push approvals for the caller's own sign-ins ------------------------------------------------------------------


class ApprovalOut(Schema):
    id: int
    device: str
    ip_address: str | None
    numbers: list[int]
    created_at: dt.datetime
    expires_at: dt.datetime


class ApproveIn(Schema):
    number: int


@router.get("/security/approvals", response=list[ApprovalOut])
@api_permission(EMPLOYEE)
def approval_list(request):
    return list(authentication.approvals_pending_for(request.employee.person))


@router.post("/security/approvals/{approval_id}/approve", response=StateOut)
@api_permission(EMPLOYEE)
def approval_approve(request, approval_id: int, payload: ApproveIn):
    approval = authentication.approval_decide(
        person=request.employee.person, approval_id=approval_id, number=payload.number, approve=True
    )
    return {"state": approval.status}


@router.post("/security/approvals/{approval_id}/deny", response=StateOut)
@api_permission(EMPLOYEE)
def approval_deny(request, approval_id: int):
    approval = authentication.approval_decide(
        person=request.employee.person, approval_id=approval_id, number=None, approve=False
    )
    return {"state": approval.status}


# --- the 2FA policy -------------------------------------------------------------------------------------------------


class PolicyIn(Schema):
    role_ids: list[int]


class PolicyOut(Schema):
    role_ids: list[int]


@router.get("/security/policy", response=PolicyOut)
@api_permission(Perm.SECURITY_MANAGE_POLICY)
def policy_detail(request):
    return {"role_ids": sorted(authentication.required_role_ids(request.business))}


@router.put("/security/policy", response=PolicyOut)
@api_permission(Perm.SECURITY_MANAGE_POLICY)
@api_reauthentication_required
def policy_update(request, payload: PolicyIn):
    roles = choices_for_business(Role, request.business, payload.role_ids, "role_ids")
    return {"role_ids": sorted(authentication.two_factor_policy_set(actor=request.employee, roles=roles))}


# --- the caller's own two-step sign-in (personal: the same in every business they work for) --------------------
# Passkeys are registered only on the page: WebAuthn needs the browser to talk to the authenticator for the page's
# own origin, which an API client cannot do on the person's behalf; listing and removing them needs no browser.


class SecurityReauthenticateIn(Schema):
    password: str = Field(..., max_length=512)


class SecurityTotpOut(Schema):
    enabled: bool
    created_at: dt.datetime | None = None


class SecurityPasskeyOut(Schema):
    id: int
    name: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class SecurityTwoFactorOut(Schema):
    has_second_factor: bool
    required: bool = Field(..., description="The person's work requires two-step sign-in: the last factor stays.")
    totp: SecurityTotpOut
    passkeys: list[SecurityPasskeyOut]
    recovery_codes_left: int


class SecurityTotpEnrolmentOut(Schema):
    secret: str = Field(..., description="Base32 secret for an authenticator app (or use `otpauth_uri` as a QR code).")
    otpauth_uri: str
    enrolment: str = Field(..., description="Send back with the first code to `POST .../totp/confirm`.")
    expires_in: int


class SecurityTotpConfirmIn(Schema):
    enrolment: str = Field(..., max_length=2000)
    code: str = Field(..., max_length=16)


class SecurityRecoveryCodesOut(Schema):
    codes: list[str] = Field(..., description="Shown once, here; store them now. Empty when none were made.")


def _passkey_out(authenticator) -> dict:
    return {
        "id": authenticator.pk,
        "name": enrolment.passkey_name(authenticator),
        "created_at": authenticator.created_at,
        "last_used_at": authenticator.last_used_at,
    }


def _two_factor_out(person) -> dict:
    factors = enrolment.factors_of(person)
    totp = factors["totp"]
    removable = totp is None or authentication.second_factor_removable(person, totp)
    if totp is None and factors["passkeys"]:
        removable = authentication.second_factor_removable(person, factors["passkeys"][0])
    return {
        "has_second_factor": factors["has_second_factor"],
        "required": factors["has_second_factor"] and not removable,
        "totp": {"enabled": totp is not None, "created_at": totp.created_at if totp else None},
        "passkeys": [_passkey_out(passkey) for passkey in factors["passkeys"]],
        "recovery_codes_left": factors["recovery_codes_left"],
    }


@router.post("/security/reauthenticate", response={204: None})
@api_permission(EMPLOYEE)
def reauthenticate(request, payload: SecurityReauthenticateIn):
    """Confirm your password: the token (or session) may change second factors for the next few minutes."""
    api_reauthenticate(request, person=request.employee.person, password=payload.password)
    return Status(204, None)


@router.get("/security/two-factor", response=SecurityTwoFactorOut)
@api_permission(EMPLOYEE)
def two_factor_detail(request):
    return _two_factor_out(request.employee.person)


@router.post("/security/two-factor/totp/start", response={201: SecurityTotpEnrolmentOut})
@api_permission(EMPLOYEE)
@api_reauthentication_required(tokens_confirm=True)
def totp_start(request, response: HttpResponse):
    """Start setting up an authenticator app (nothing changes until `confirm`); needs a recent password confirmation."""
    response["Cache-Control"] = "no-store"  # the secret exists in plain text only here
    return Status(201, enrolment.totp_enrolment_start(person=request.employee.person))


@router.post("/security/two-factor/totp/confirm", response={201: SecurityRecoveryCodesOut})
@api_permission(EMPLOYEE)
@api_reauthentication_required(tokens_confirm=True)
def totp_confirm(request, payload: SecurityTotpConfirmIn, response: HttpResponse):
    """Turn the app on with its first code; a first factor comes with recovery codes, shown once in this answer."""
    response["Cache-Control"] = "no-store"
    codes = enrolment.totp_enrolment_confirm(
        request=request, person=request.employee.person, enrolment=payload.enrolment, code=payload.code
    )
    return Status(201, {"codes": codes})


@router.delete("/security/two-factor/totp", response={204: None})
@api_permission(EMPLOYEE)
@api_reauthentication_required(tokens_confirm=True)
def totp_delete(request):
    enrolment.totp_remove(request=request, person=request.employee.person)
    return Status(204, None)


@router.post("/security/two-factor/recovery-codes", response={201: SecurityRecoveryCodesOut})
@api_permission(EMPLOYEE)
@api_reauthentication_required(tokens_confirm=True)
def recovery_codes_regenerate(request, response: HttpResponse):
    """A new batch of recovery codes, shown once in this answer; the earlier ones stop working."""
    response["Cache-Control"] = "no-store"  # the only time these codes exist in plain text
    return Status(201, {"codes": enrolment.recovery_codes_regenerate(person=request.employee.person)})


@router.get("/security/two-factor/passkeys", response=list[SecurityPasskeyOut])
@api_permission(EMPLOYEE)
def passkey_list(request):
    return [_passkey_out(passkey) for passkey in enrolment.factors_of(request.employee.person)["passkeys"]]


@router.delete("/security/two-factor/passkeys/{passkey_id}", response={204: None})
@api_permission(EMPLOYEE)
@api_reauthentication_required(tokens_confirm=True)
def passkey_delete(request, passkey_id: int):
    enrolment.passkey_remove(request=request, person=request.employee.person, passkey_id=passkey_id)
    return Status(204, None)
