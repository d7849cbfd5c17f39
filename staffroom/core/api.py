"""API plumbing shared by every router: authentication that resolves the employee, and error mapping."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from .errors import ApplicationError


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sr_…`: a personal API token; the business is the token's."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        from staffroom.identity.selectors import employee_for_api_token

        employee = employee_for_api_token(token)
        if employee is None:
            return None
        request.employee = employee
        request.business = employee.business
        request.authenticated_by_token = True  # a credential of its own: no session re-authentication asked
        return employee


class SessionEmployeeAuth(APIKeyCookie):
    """The web session (with CSRF on writes); the middleware has resolved the business and employee."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        employee = getattr(request, "employee", None)
        if request.user.is_authenticated and employee is not None:
            return employee
        return None


def _field_errors_from_ninja(error: NinjaValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors:
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        field = ".".join(location) or "__all__"
        errors.setdefault(field, []).append(item.get("msg", "invalid"))
    return errors


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return api.create_response(request, exc.as_payload(), status=exc.status_code)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        payload = {"detail": _("Some fields are not valid."), "errors": _field_errors_from_ninja(exc)}
        return api.create_response(request, payload, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        return api.create_response(request, {"detail": _("Authentication required."), "errors": {}}, status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)
