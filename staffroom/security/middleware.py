"""Per request: refuse ended or idle sessions, hold policy-bound employees at enrolment, keep request history."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from staffroom.core.context import client_ip

from . import access, authentication, history

# While enrolment is required, only these paths answer (enrolment itself, re-authentication, signing out).
ENROLMENT_PATHS = ("/accounts/2fa/", "/accounts/reauthenticate/", "/accounts/logout/", "/security/two-factor/")
# SECURITY.md 34: platform staff reach the operator console and the support desk (pages and API) only with a
# second factor; until they enrol, these paths send them to enrolment (the enrolment pages are not among them).
PLATFORM_STAFF_PREFIXES = ("/operator/", "/support-desk/", "/api/v1/support-desk/", "/api/v1/operator/")
PLATFORM_STAFF_OPEN_PATHS = ("/operator/login/", "/operator/logout/")
# Polling and assets are not requests a person made.
QUIET_PREFIXES = ("/static/", "/jsi18n/", "/i18n/", "/security/approvals/", "/accounts/verify/approval/")


class SecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        response = self._guard(request)
        if response is None:
            response = self.get_response(request)
        device_cookie = getattr(request, "_staffroom_device_cookie", None)
        if device_cookie:
            response.set_cookie(
                access.DEVICE_COOKIE,
                device_cookie,
                max_age=400 * 24 * 3600,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        self._remember(request, response, started)
        return response

    def _guard(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            session = getattr(request, "session", None)
            if session is not None and "_auth_user_id" in session:
                # The backend refused the session's person (blocked, deactivated): drop the dead session.
                session.flush()
            return None
        record = access.session_track(request, person=user, touch=not request.path.startswith(QUIET_PREFIXES))
        if record is None or access.session_is_idle(record):
            if record is not None:
                access._end(type(record).objects.filter(pk=record.pk), "idle")
            logout(request)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Authentication required.", "errors": {}}, status=401)
            messages.info(request, _("Your session has ended. Sign in again."))
            if request.headers.get("HX-Request"):
                # A polled fragment must not swap the sign-in page into itself: send the whole page there.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("account_login")
                return response
            return redirect("account_login")
        if (
            user.is_staff
            and request.path.startswith(PLATFORM_STAFF_PREFIXES)
            and not request.path.startswith(PLATFORM_STAFF_OPEN_PATHS)
            and not authentication.has_second_factor(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Set up two-step sign-in first.", "errors": {}}, status=403)
            messages.warning(request, _("Platform staff need two-step sign-in: set it up before you continue."))
            return redirect("security:two_factor")
        employee = getattr(request, "employee", None)
        exempt = request.path.startswith(ENROLMENT_PATHS + QUIET_PREFIXES)
        if employee is not None and not exempt and authentication.enrolment_required(employee):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Set up two-step sign-in first.", "errors": {}}, status=403)
            return redirect("security:two_factor")
        return None

    @staticmethod
    def _remember(request, response, started) -> None:
        employee = getattr(request, "employee", None)
        if employee is None or request.path.startswith(QUIET_PREFIXES):
            return
        due = history.request_record(
            employee=employee,
            method=request.method,
            path=request.path,
            status=response.status_code,
            ip_address=client_ip(request),
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        if due:
            # Written once the response has gone out (the server closes the response after sending it).
            response._resource_closers.append(history.request_history_flush)
