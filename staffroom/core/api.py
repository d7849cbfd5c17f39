"""API plumbing shared by every router: authentication that resolves the employee, and error mapping."""

from __future__ import annotations

import datetime as dt
import json
import re
import types
import typing
from typing import Annotated, Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.params.models import BodyModel, QueryModel
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel, BeforeValidator

from .errors import ApplicationError, ValidationFailed
from .hooks import Hook

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    # pydantic's lax mode reads numbers (and numeric strings) as Unix timestamps; an API date is YYYY-MM-DD only.
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise ValueError(_("Enter a date as YYYY-MM-DD."))


# An API date (query, path or body): `YYYY-MM-DD` and nothing else.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]


def _nul_fields(value: Any, path: str = "") -> list[str]:
    """Where a parsed request carries a NUL character (PostgreSQL text cannot store one)."""
    if isinstance(value, str):
        return [path or "__all__"] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            found += [child] if "\x00" in str(key) else _nul_fields(item, child)
        return found
    if isinstance(value, list):
        return [
            field
            for index, item in enumerate(value)
            for field in _nul_fields(item, f"{path}.{index}" if path else str(index))
        ]
    return []


def _refuse_nul(value: Any) -> None:
    fields = _nul_fields(value)
    if fields:
        message = _("Text must not contain NUL characters.")
        raise ValidationFailed(errors={field: [message] for field in fields})


class StrictParser(Parser):
    """JSON bodies, query strings and forms, refused with a 422 field error when they carry what no field accepts."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError) as error:
            raise ValidationFailed(_("The request body is not valid JSON.")) from error
        # Every body of this API is an object or a list of objects; anything else would be read as "no fields".
        if isinstance(data, list) and not all(isinstance(item, dict) for item in data):
            raise ValidationFailed(_("The request body must be an object or a list of objects."))
        if not isinstance(data, (dict, list)):
            raise ValidationFailed(_("The request body must be an object or a list of objects."))
        _refuse_nul(data)
        return data

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        _refuse_nul(result)
        return result


# Core is below every app, so it asks up through hooks (identity and security register the readers when ready):
# a bearer string -> the live personal token it names (its active employee loaded), or None;
api_token_lookup = Hook("core: the live personal API token a bearer string names", single=True)
# a bearer string -> the live operator token it names (its person loaded), or None;
operator_token_lookup = Hook("core: the live operator token a bearer string names", single=True)
# a person -> whether they have a second factor (the operator session needs one).
person_has_second_factor = Hook("core: whether a person has a second sign-in factor", single=True)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sr_…`: a personal API token; the business is the token's."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        api_token = api_token_lookup.call_one(token)  # identity, which owns the tokens, registers the reader
        if api_token is None:
            return None
        employee = api_token.employee
        request.employee = employee
        request.business = employee.business
        request.api_token = api_token
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


class OperatorTokenAuth(HttpBearer):
    """`Authorization: Bearer so_…`: a platform operator's token. It reaches the operator routes only, and acts in no
    business: `request.operator` is the person, `request.employee` and `request.business` stay unset."""

    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        operator_token = operator_token_lookup.call_one(token)
        if operator_token is None:
            return None
        request.operator = operator_token.person
        request.api_token = operator_token
        request.authenticated_by_token = True
        return operator_token.person


class OperatorSessionAuth(APIKeyCookie):
    """The operator console's web session (CSRF on writes): active platform staff who signed in with a second factor
    (the security middleware holds staff without one at enrolment before any operator route)."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not (user.is_active and user.is_staff):
            return None
        if not person_has_second_factor.call_one(user):
            return None
        request.operator = user
        return user


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

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        # ninja wraps whatever the body parser raises in a 400; StrictParser's refusals keep their own field errors.
        cause = exc.__cause__
        if isinstance(cause, ApplicationError):
            return application_error(request, cause)
        return api.create_response(request, {"detail": str(exc.message), "errors": {}}, status=exc.status_code)

    @api.exception_handler(MultiPartParserError)
    def malformed_upload(request, exc):
        return api.create_response(request, {"detail": _("The upload is malformed."), "errors": {}}, status=400)

    @api.exception_handler(RequestDataTooBig)
    def upload_too_big(request, exc):
        return api.create_response(request, {"detail": _("The request is too large."), "errors": {}}, status=413)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found."), "errors": {}}, status=404)


# --- strict input: an object where an object is expected, a JSON boolean where a boolean is --------------------


def _strict_errors(annotation: Any, value: Any, path: str, *, from_query: bool) -> list[tuple[str, str]]:
    """Where `value` would only pass pydantic's lax mode: a list for an object, 0/"0"/"false" for a boolean."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _strict_errors(typing.get_args(annotation)[0], value, path, from_query=from_query)
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return []
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _strict_errors(options[0], value, path, from_query=from_query) if len(options) == 1 else []
    if annotation is bool:
        accepted = value in ("true", "false") if from_query else isinstance(value, bool)
        return [] if accepted else [(path, _("Enter true or false."))]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if not isinstance(value, dict):
            return [(path or "__all__", _("Send an object here."))]
        found = []
        for name, field in annotation.model_fields.items():
            key = field.alias or name
            if key in value:
                child = f"{path}.{key}" if path else key
                found += _strict_errors(field.annotation, value[key], child, from_query=from_query)
        return found
    if origin in (list, tuple, set, frozenset) and isinstance(value, list):
        item_types = typing.get_args(annotation) or (Any,)
        return [
            error
            for index, item in enumerate(value)
            for error in _strict_errors(item_types[0], item, f"{path}.{index}", from_query=from_query)
        ]
    return []


def _strict_resolver(model):
    from_query = issubclass(model, QueryModel)
    single = getattr(model, "__read_from_single_attr__", None)

    def resolve(cls, request, api, path_params):
        data = cls.get_request_data(request, api, path_params)
        if data is None:
            return cls()
        data = cls._map_data_paths(data)
        errors: dict[str, list[str]] = {}
        for name, field in cls.model_fields.items():
            key = field.alias or name
            if key in data:
                top = "" if single == key else key
                for where, message in _strict_errors(field.annotation, data[key], top, from_query=from_query):
                    errors.setdefault(where, []).append(message)
        if errors:
            raise ValidationFailed(errors=errors)
        return cls.model_validate(data, context={"request": request})

    return classmethod(resolve)


def install_strict_input(api: NinjaAPI) -> None:
    """Every body and query of every route refuses what only lax parsing would accept (422 with field errors)."""
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.models:
                    if issubclass(model, BodyModel | QueryModel):
                        model.resolve = _strict_resolver(model)


# --- the error statuses every route can answer, documented once ----------------------------------------------

ERROR_RESPONSES = {
    "401": "Not authenticated: no, a revoked or an expired token.",
    "403": "Authenticated, but the role lacks the permission.",
    "404": "Not found (also: the object belongs to another business).",
    "409": "Conflict: the object changed in the meantime, or the action does not fit its state.",
    "422": "Some fields are not valid; `errors` maps each field to its messages.",
}
# Public routes (sign-in, online booking) are rate-limited per address, contact and device (SECURITY.md 36).
RATE_LIMITED_RESPONSE = ("429", "Too many attempts from this address, contact or device: wait and try again.")
ERROR_SCHEMA_NAME = "CoreErrorOut"
ERROR_SCHEMA = {
    "title": ERROR_SCHEMA_NAME,
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "errors"],
}


class StaffroomAPI(NinjaAPI):
    """The NinjaAPI whose document lists, on every route, the error statuses the error mapping can answer."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
        error_body = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}}}
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error_body})
                if not operation.get("security"):
                    status, description = RATE_LIMITED_RESPONSE
                    responses.setdefault(status, {"description": description, "content": error_body})
        _link_created_objects(schema)
        return schema


PATH_PARAMETER = re.compile(r"\{([^}/]+)\}")
OBJECT_METHODS = ("get", "put", "patch", "delete", "post")


def _link_created_objects(schema: dict) -> None:
    """OpenAPI links from every create route to the routes of the object it created (create → read → update).

    A `POST /things` that answers 201 with an `id` links to every operation under `/things/{thing_id}` whose
    only new path parameter is that one, with `thing_id` taken from the answer's `id`: clients (and the fuzz
    test's stateful run) follow them instead of guessing ids.
    """
    paths = schema.get("paths", {})
    components = schema.get("components", {}).get("schemas", {})
    for collection, methods in paths.items():
        create = methods.get("post")
        created = (create or {}).get("responses", {}).get(201) or (create or {}).get("responses", {}).get("201")
        if not created:
            continue
        body = created.get("content", {}).get("application/json", {}).get("schema", {})
        ref = body.get("$ref", "")
        answer = components.get(ref.rsplit("/", 1)[-1], {}) if ref else body
        if "id" not in answer.get("properties", {}):
            continue
        known = set(PATH_PARAMETER.findall(collection))
        links = {}
        for path, operations in paths.items():
            if not path.startswith(collection + "/{"):
                continue
            new = set(PATH_PARAMETER.findall(path)) - known
            if len(new) != 1:
                continue
            [parameter] = new
            if not path.startswith(f"{collection}/{{{parameter}}}"):
                continue
            for method in OBJECT_METHODS:
                operation = operations.get(method)
                if operation is None or "operationId" not in operation:
                    continue
                parameters = {name: f"$request.path.{name}" for name in known}
                parameters[parameter] = "$response.body#/id"
                links[f"{method}_{operation['operationId']}"] = {
                    "operationId": operation["operationId"],
                    "parameters": parameters,
                }
        if links:
            created["links"] = links
