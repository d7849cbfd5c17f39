"""Pages: the second-factor step of sign-in, the Security section (log, sessions, requests, policy), approvals."""

from __future__ import annotations

from allauth.account.internal.decorators import login_stage_required
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.core.errors import ApplicationError
from staffroom.core.shortcuts import get_for_business_or_404
from staffroom.core.widgets import DateInput
from staffroom.exports.views import export_page_response
from staffroom.staff.catalogue import Perm
from staffroom.staff.models import Employee, Role
from staffroom.staff.permissions import EMPLOYEE, PUBLIC, SIGNED_IN, permission_required
from staffroom.tenancy.models import Branch

from . import access, authentication, enrolment, history, recovery, selectors, services
from .authentication import SecondFactorStage
from .models import SecurityEvent
from .reauthentication import reauthentication_required

# --- the second-factor step of sign-in -------------------------------------------------------------------------


def _stage_context(request, stage, **extra):
    person = stage.login.user
    passkey_options = None
    if authentication.has_passkey(person):
        from allauth.mfa.webauthn.internal.auth import begin_authentication

        passkey_options = begin_authentication(person)
    return {
        "passkey_options": passkey_options,
        "has_totp": authentication.has_second_factor(person),
        "can_push": authentication.approval_available(person),
        "approval": request.session.get("staffroom_approval_number"),
        "approval_numbers_hidden": True,
        **extra,
    }


_ERRORS = {
    "failed": gettext_lazy("That code is not correct."),
    "throttled": gettext_lazy("Too many failed attempts. Wait a little and try again."),
    "locked": gettext_lazy("Too many failed attempts: sign-in is locked. Ask the business owner to unlock it."),
}


@permission_required(PUBLIC)
@login_stage_required(stage=SecondFactorStage.key, redirect_urlname="account_login")
@require_http_methods(["GET", "POST"])
def sign_in_verify(request):
    stage = request._login_stage
    person = stage.login.user
    error = None
    notice = None
    if request.method == "GET":  # at most once per sign-in attempt, however often the page is loaded
        approval = authentication.approval_offer_automatically(
            person=person, attempt_id=stage.attempt_id, known_device=access.is_known_device(request, person)
        )
        if approval is not None:
            request.session["staffroom_approval_number"] = approval.correct_number
    if request.method == "POST":
        action = request.POST.get("action", "code")
        if action == "cancel":
            # Abandoning the sign-in withdraws its push request from every device (SECURITY.md 35).
            from allauth.account.internal.stagekit import clear_login

            authentication.approvals_withdraw(person=person, attempt_id=stage.attempt_id)
            request.session.pop("staffroom_approval_number", None)
            clear_login(request)
            return redirect("account_login")
        try:
            if action == "send_email":
                authentication.email_code_send(person=person, attempt_id=stage.attempt_id)
                notice = _("We sent a code to your e-mail address. It works for 10 minutes.")
            elif action == "passkey":
                outcome = authentication.second_factor_verify(
                    person=person,
                    attempt_id=stage.attempt_id,
                    method="passkey",
                    code=request.POST.get("credential", "")[:20000],
                )
                if outcome == "ok":
                    return stage.exit()
                error = _ERRORS[outcome]
            elif action == "push":
                approval = authentication.approval_request(person=person, attempt_id=stage.attempt_id)
                request.session["staffroom_approval_number"] = approval.correct_number
            else:
                code = request.POST.get("code", "")
                method = "email_code" if action == "email_code" else authentication.code_method(code)
                outcome = authentication.second_factor_verify(
                    person=person, attempt_id=stage.attempt_id, method=method, code=code
                )
                if outcome == "ok":
                    request.session.pop("staffroom_approval_number", None)
                    return stage.exit()
                error = _ERRORS[outcome]
        except ApplicationError as failure:
            error = failure.message
    return render(request, "security/sign_in_verify.html", _stage_context(request, stage, error=error, notice=notice))


@permission_required(PUBLIC)
@login_stage_required(stage=SecondFactorStage.key, redirect_urlname="account_login")
@require_GET
def sign_in_approval_status(request):
    """Polled by the signing-in page (htmx): when a signed-in device approved, the sign-in completes."""
    stage = request._login_stage
    state = authentication.approval_consume(person=stage.login.user, attempt_id=stage.attempt_id)
    if state == "approved":
        request.session.pop("staffroom_approval_number", None)
        response = stage.exit()
        location = response.get("Location") if hasattr(response, "get") else None
        redirect_to = HttpResponse(status=204)
        redirect_to["HX-Redirect"] = location or "/"
        return redirect_to
    return render(request, "security/_approval_status.html", {"state": state})


# --- own second factors, approvals for own sign-ins -------------------------------------------------------------


def _codes_shown_once(request, codes: list[str]) -> HttpResponse:
    response = render(request, "security/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"  # the only time these codes exist in plain text
    return response


@permission_required(SIGNED_IN)  # the person's own factors; platform staff enrol here too
def two_factor(request):
    person = request.user
    new_codes = recovery.take_for_display(request)
    if new_codes:
        return _codes_shown_once(request, new_codes)
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=person)}
    context = {
        "totp": authenticators.get(Authenticator.Type.TOTP),
        "has_second_factor": authentication.has_second_factor(person),
        "recovery_codes_left": recovery.codes_left(person),
        "required": authentication.two_factor_required(request.employee) or request.user.is_staff,
        "enrolment_required": authentication.enrolment_required(request.employee),
    }
    return render(request, "security/two_factor.html", context)


@permission_required(SIGNED_IN)
@require_GET
def two_factor_home(request):
    """allauth sends people here after adding a factor: our page, which shows a new batch of codes once."""
    return redirect("security:two_factor")


@permission_required(SIGNED_IN)
@reauthentication_required
@require_POST
def recovery_codes_regenerate(request):
    try:
        codes = enrolment.recovery_codes_regenerate(person=request.user)  # the API's service too
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("security:two_factor")
    return _codes_shown_once(request, codes)


@permission_required(EMPLOYEE)
@require_GET
def approvals_pending(request):
    approvals = list(authentication.approvals_pending_for(request.user)[:3])
    return render(request, "security/_approvals.html", {"approvals": approvals})


@permission_required(EMPLOYEE)
@require_POST
def approval_decide(request, approval_id):
    number = request.POST.get("number")
    approve = request.POST.get("decision") == "approve"
    try:
        approval = authentication.approval_decide(
            person=request.user,
            approval_id=approval_id,
            number=int(number) if number and number.isdigit() else None,
            approve=approve,
        )
    except ApplicationError as error:
        message = error.message
    else:
        message = _("Sign-in approved.") if approval.status == "approved" else _("Sign-in refused.")
    if request.htmx:
        approvals = list(authentication.approvals_pending_for(request.user)[:3])
        return render(request, "security/_approvals.html", {"approvals": approvals, "message": message})
    messages.info(request, message)
    return redirect("security:sessions")


# --- the security log -------------------------------------------------------------------------------------------


class EventFilterForm(forms.Form):
    event_type = forms.CharField(label=gettext_lazy("Event"), required=False, max_length=64)
    employee = forms.ModelChoiceField(label=gettext_lazy("Employee"), queryset=Employee.objects.none(), required=False)
    branch = forms.ModelChoiceField(label=gettext_lazy("Branch"), queryset=Branch.objects.none(), required=False)
    date_from = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def __init__(self, *args, business, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = Employee.objects.for_business(business).order_by("full_name")
        self.fields["branch"].queryset = Branch.objects.for_business(business).order_by("name")

    def filters(self) -> selectors.EventFilters:
        if not self.is_valid():
            return selectors.EventFilters()
        data = self.cleaned_data
        return selectors.EventFilters(
            event_type=(data.get("event_type") or "").strip(),
            employee_id=data["employee"].pk if data.get("employee") else None,
            branch_id=data["branch"].pk if data.get("branch") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )


def _before(request) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdigit() else None


@permission_required(Perm.SECURITY_VIEW_LOG)
@require_GET
def event_list(request):
    form = EventFilterForm(request.GET or None, business=request.business)
    filters = form.filters()
    events, next_before = selectors.events_page(request.business, filters, before_sequence=_before(request))
    with transaction.atomic():
        services.security_log_read_record(actor=request.employee, filters=filters.as_dict())
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "security/event_list.html",
        {
            "form": form,
            "events": events,
            "next_before": next_before,
            "query": query.urlencode(),
            "known_types": selectors.KNOWN_EVENT_TYPES,
        },
    )


@permission_required(Perm.SECURITY_VIEW_LOG)
@require_GET
def event_detail(request, event_id):
    event = get_for_business_or_404(SecurityEvent, request.business, pk=event_id)
    before, after = event.before or {}, event.after or {}
    changes = [
        (key, before.get(key), after.get(key), before.get(key) != after.get(key))
        for key in sorted(set(before) | set(after))
    ]
    return render(request, "security/event_detail.html", {"event": event, "changes": changes})


@permission_required(Perm.SECURITY_EXPORT_LOG)
@reauthentication_required
@require_GET
def event_export(request):
    """The CSV of the filtered log (the export is itself an event); a large one is built in the background."""
    form = EventFilterForm(request.GET or None, business=request.business)
    return export_page_response(request, "security_log", form.filters().as_dict())


# --- sessions and devices ---------------------------------------------------------------------------------------


@permission_required(EMPLOYEE)
def sessions(request):
    current = access.current_session_digest(request)
    records = list(access.sessions_of(request.user))
    from staffroom.identity.selectors import api_tokens_of

    tokens = [token for token in api_tokens_of(request.employee) if token.is_active]
    return render(request, "security/sessions.html", {"sessions": records, "current": current, "tokens": tokens})


@permission_required(EMPLOYEE)
@require_POST
def session_end(request, session_id):
    try:
        access.session_end(actor=request.employee, session_id=session_id)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Session ended."))
    return redirect("security:sessions")


@permission_required(EMPLOYEE)
@require_POST
def sessions_end_others(request):
    count = access.sessions_end_others(actor=request.employee, keep_digest=access.current_session_digest(request))
    messages.success(request, _("%(count)s other sessions ended.") % {"count": count})
    return redirect("security:sessions")


# --- one employee: request history, sessions, unlock -------------------------------------------------------------


@permission_required(Perm.SECURITY_VIEW_REQUEST_HISTORY)
@require_GET
def employee_security(request, employee_id):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    history.request_history_flush()  # this process's queued records first, so the page is current
    queryset = history.request_history_of(request.business, employee)
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(id__lt=int(before))
    records = list(queryset.order_by("-id")[:101])
    next_before = records[99].pk if len(records) > 100 else None
    person_sessions = list(access.sessions_of(employee.person, business=request.business)) if employee.person_id else []
    guard = authentication.guard_state(employee.person) if employee.person_id else None
    context = {
        "subject": employee,
        "records": records[:100],
        "next_before": next_before,
        "person_sessions": person_sessions,
        "guard": guard,
        "retention_days": history.retention_days(),
    }
    return render(request, "security/employee_security.html", context)


@permission_required(Perm.SECURITY_MANAGE_SESSIONS)
@reauthentication_required
@require_POST
def employee_sessions_end(request, employee_id):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    try:
        count = access.sessions_end_for_employee(actor=request.employee, employee=employee)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(count)s sessions ended.") % {"count": count})
    return redirect("security:employee", employee_id=employee.pk)


@permission_required(Perm.EMPLOYEES_BLOCK)
@reauthentication_required
@require_POST
def employee_unlock(request, employee_id):
    employee = get_for_business_or_404(Employee, request.business, pk=employee_id)
    try:
        authentication.sign_in_unlock(actor=request.employee, employee=employee)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sign-in unlocked."))
    return redirect("security:employee", employee_id=employee.pk)


@permission_required(Perm.SECURITY_VIEW_REQUEST_HISTORY)
@require_GET
def employee_index(request):
    employees = Employee.objects.for_business(request.business).order_by("full_name")
    return render(request, "security/employee_index.html", {"employees": employees})


# --- the 2FA policy ------------------------------------------------------------------------------------------------


# Roles holding any of these are suggested for the policy: they can take data or money out.
SENSITIVE_RIGHTS = frozenset(
    {
        Perm.CLIENTS_EXPORT,
        Perm.ORDERS_EXPORT,
        Perm.REPORTS_EXPORT,
        Perm.SECURITY_EXPORT_LOG,
        Perm.PAYMENTS_PROCESS,
        Perm.PAYMENTS_REFUND,
        Perm.BILLING_MANAGE,
    }
)


@permission_required(Perm.SECURITY_MANAGE_POLICY)
@reauthentication_required(allow_get=True)
@require_http_methods(["GET", "POST"])
def policy(request):
    roles = list(Role.objects.for_business(request.business).order_by("name"))
    if request.method == "POST":
        wanted = {value for value in request.POST.getlist("roles") if value.isdigit()}
        chosen = [role for role in roles if str(role.pk) in wanted]
        try:
            authentication.two_factor_policy_set(actor=request.employee, roles=chosen)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Two-step sign-in policy saved."))
            return redirect("security:policy")
    required = authentication.required_role_ids(request.business)
    rows = [(role, role.pk in required, bool(role.effective_permissions & SENSITIVE_RIGHTS)) for role in roles]
    return render(request, "security/policy.html", {"rows": rows})
