"""Deny by default: every page and API route declares its access rule; every business-owned model is scoped."""

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

from config.api import api
from staffroom.core.api import OperatorSessionAuth, OperatorTokenAuth
from staffroom.core.models import BusinessScopedQuerySet
from staffroom.staff.catalogue import ALL_CODES
from staffroom.staff.permissions import EMPLOYEE, OPERATOR, PUBLIC, SIGNED_IN, SUPPORT_AGENT, is_operator_rule

RULES = ALL_CODES | {PUBLIC, SIGNED_IN, EMPLOYEE, SUPPORT_AGENT}
OPERATOR_AUTH = (OperatorTokenAuth, OperatorSessionAuth)
THIRD_PARTY_PREFIXES = ("allauth.", "django.contrib.", "ninja.")
# Platform-level models: not owned by a business (or the tenant itself).
PLATFORM_MODELS = {"tenancy.business", "identity.person", "security.chainhead"}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def test_every_page_declares_an_access_rule():
    undeclared = []
    for route, callback in _walk(get_resolver().url_patterns):
        module = getattr(callback, "__module__", "") or ""
        # The API has its own meta-test; the operator console is Django admin, open to platform staff only.
        if route.startswith(("api/v1/", "operator/")) or module.startswith(THIRD_PARTY_PREFIXES):
            continue
        rule = getattr(callback, "access_rule", None)
        if rule not in RULES:
            undeclared.append(f"{route} -> {module}.{getattr(callback, '__name__', callback)}")
    assert undeclared == []


def test_the_walk_sees_our_pages():
    routes = {route for route, _callback in _walk(get_resolver().url_patterns)}
    assert "employees/" in routes and "settings/branches/" in routes


def api_operations():
    """The operations as served: bound to the API, with its default authentication applied."""
    for router in api._get_bound_routers():
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                yield path, operation


def test_every_api_route_declares_an_access_rule():
    operations = list(api_operations())
    assert len(operations) > 10
    undeclared = [
        f"{operation.methods} {path}"
        for path, operation in operations
        if getattr(operation.view_func, "access_rule", None) not in RULES | {OPERATOR}
        and not is_operator_rule(getattr(operation.view_func, "access_rule", ""))
    ]
    assert undeclared == []


def _is_operator_route(operation) -> bool:
    rule = operation.view_func.access_rule
    return rule == OPERATOR or is_operator_rule(rule)


def test_operator_routes_take_only_operator_credentials_and_business_routes_never_do():
    """A business token never reaches an operator route; an operator token never acts inside a business."""
    mixed = []
    for path, operation in api_operations():
        operator_auth = [isinstance(auth, OPERATOR_AUTH) for auth in operation.auth_callbacks]
        if _is_operator_route(operation):
            if not operator_auth or not all(operator_auth) or not path.startswith("/operator/"):
                mixed.append(f"{operation.methods} {path}")
        elif any(operator_auth) or path.startswith("/operator/"):
            mixed.append(f"{operation.methods} {path}")
    assert mixed == []
    assert any(_is_operator_route(operation) for _path, operation in api_operations())


def test_only_declared_public_api_routes_skip_authentication():
    for path, operation in api_operations():
        if operation.view_func.access_rule != PUBLIC:
            assert operation.auth_callbacks, f"{path} has no authentication"


def _business_owned(model) -> bool:
    return any(f.name == "business" and f.is_relation for f in model._meta.fields)


def test_every_business_owned_model_uses_the_scoped_queryset():
    unscoped = [
        model._meta.label_lower
        for model in apps.get_models()
        if model.__module__.startswith("staffroom.")
        and _business_owned(model)
        and not isinstance(model._default_manager.all(), BusinessScopedQuerySet)
    ]
    assert unscoped == []


def test_rows_that_hang_off_business_data_carry_the_business_themselves():
    missing = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("staffroom.") or label in PLATFORM_MODELS or _business_owned(model):
            continue
        for field in model._meta.fields:
            if field.is_relation and field.related_model is not None and _business_owned(field.related_model):
                missing.append(f"{label}.{field.name}")
    assert missing == []
