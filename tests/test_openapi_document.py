"""The OpenAPI document names every schema once: one class per name, and each route's $refs are its own models."""

import datetime as dt
import enum
import json
import typing
from collections import defaultdict

import pydantic
import pytest

from config.api import api
from staffroom.core.api import ERROR_SCHEMA_NAME
from staffroom.payments.models import Payment
from staffroom.scheduling.tests.factories import first_branch, local, make_appointment, make_client


def _models_in(annotation, found: set) -> None:
    """Every named schema class reachable from a type annotation (list[X], X | None, dict[str, X], nested fields):
    pydantic models and enumerations, both of which become components of the document."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        found.add(annotation)
        return
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def _operations():
    """(path, method, operation) for every route of the API."""
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield (prefix + path).replace("//", "/"), method.lower(), operation


def _operation_models(operation) -> set:
    """The schema classes a route uses: its request and response models and everything nested in them.

    Ninja wraps a route's parameters and responses in generated models (BodyParams, NinjaResponseSchema, …);
    those are not ours and are left out, their fields are walked."""
    wrappers = list(operation.models) + [model for model in operation.response_models.values() if model is not None]
    found: set = set()
    for wrapper in wrappers:
        for field in wrapper.model_fields.values():
            _models_in(field.annotation, found)
    return found


def _refs(node, found: set) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            found.add(ref.rsplit("/", 1)[1])
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


@pytest.fixture(scope="module")
def document():
    return api.get_openapi_schema(path_prefix="/api/v1/")


def _qualified(model) -> str:
    return f"{model.__module__}.{model.__qualname__}"


def test_no_two_schema_classes_share_a_name():
    by_name = defaultdict(set)
    for _path, _method, operation in _operations():
        for model in _operation_models(operation):
            by_name[model.__name__].add(model)
    clashes = {name: sorted(map(_qualified, models)) for name, models in by_name.items() if len(models) > 1}
    assert clashes == {}, "rename to <App><Entity><In|Out|Patch> (docs/architecture.md)"


def _referenced_components(document, schemas, path, method) -> set:
    """The components a route's part of the document refers to, followed through the components themselves."""
    found: set = set()
    _refs(document["paths"]["/api/v1" + path][method], found)
    pending = list(found)
    while pending:
        nested: set = set()
        _refs(schemas.get(pending.pop(), {}), nested)
        pending.extend(nested - found)
        found |= nested
    return found


def test_every_component_is_the_model_of_the_routes_that_refer_to_it(document):
    schemas = document["components"]["schemas"]
    classes_behind = defaultdict(set)
    strangers = []
    for path, method, operation in _operations():
        if not operation.include_in_schema:
            continue
        own = {model.__name__: model for model in _operation_models(operation)}
        for name in _referenced_components(document, schemas, path, method):
            if name == ERROR_SCHEMA_NAME:
                continue  # the error body every route shares, written by hand in core.api (no class behind it)
            if name in own:
                classes_behind[name].add(own[name])
            else:
                strangers.append(f"{method.upper()} {path} -> {name}")
    shared = {name: sorted(map(_qualified, models)) for name, models in classes_behind.items() if len(models) > 1}
    assert shared == {}
    assert strangers == []


def _component(document, schema) -> dict:
    """The schema a `$ref` points at (or the schema itself)."""
    ref = schema.get("$ref")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _documented_body(document, path, method) -> dict:
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return _component(document, body)


def _documented_answer(document, path, method, status) -> dict:
    answer = document["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
    return _component(document, answer)


def test_the_documented_payment_body_is_the_one_the_route_takes(document, business, administrator, specialist, api_for):
    documented = _documented_body(document, "/api/v1/payments", "post")
    assert {"appointment_id", "amount", "method"} <= set(documented["required"])
    appointment = make_appointment(
        business,
        specialist=specialist,
        client=make_client(business),
        branch=first_branch(business),
        starts_at=local(business, dt.datetime.now(business.zone).date() + dt.timedelta(days=1), 10),
    )
    example = {"appointment_id": appointment.pk, "amount": "100.00", "method": "cash"}
    body = {field: example[field] for field in documented["required"]}
    response = api_for(administrator).post("/api/v1/payments", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Payment.objects.for_business(business).get().appointment_id == appointment.pk
    answer = _documented_answer(document, "/api/v1/payments", "post", 201)
    assert set(response.json()) == set(answer["properties"])


def test_the_documented_sales_report_is_the_one_the_route_answers(document, owner, api_for):
    response = api_for(owner).get("/api/v1/reports/sales", {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 200
    documented = _documented_answer(document, "/api/v1/reports/sales", "get", 200)
    assert "total" in documented["properties"] and "totals" not in documented["properties"]
    assert set(response.json()) == set(documented["properties"])


def test_the_documented_two_factor_status_is_the_one_the_route_answers(document, administrator, api_for):
    response = api_for(administrator).get("/api/v1/security/two-factor")
    assert response.status_code == 200
    documented = _documented_answer(document, "/api/v1/security/two-factor", "get", 200)
    assert set(response.json()) == set(documented["properties"])
    for status in ("401", "403", "404", "409", "422"):
        assert status in document["paths"]["/api/v1/security/two-factor/totp/confirm"]["post"]["responses"]


def test_the_documented_operator_routes_are_the_ones_served(document):
    """The operator routes are in the document with their own bearer scheme and every error status."""
    operator_paths = {path for path in document["paths"] if path.startswith("/api/v1/operator/")}
    assert {
        "/api/v1/operator/plans",
        "/api/v1/operator/subscriptions/recount",
        "/api/v1/operator/invoices/{invoice_id}/payments",
        "/api/v1/operator/tokens",
    } <= operator_paths
    body = _documented_body(document, "/api/v1/operator/invoices/{invoice_id}/payments", "post")
    assert body["required"] == ["reference"]
    for path in operator_paths:
        for operation in document["paths"][path].values():
            schemes = {name for requirement in operation["security"] for name in requirement}
            assert schemes and "TokenAuth" not in schemes, path
            assert {"401", "403", "404", "409", "422"} <= set(operation["responses"]), path


def test_public_routes_document_the_rate_limit_answer(document):
    public = [
        (path, method)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if not operation.get("security")
    ]
    assert ("/api/v1/auth/sign-in", "post") in public
    assert [
        (path, method) for path, method in public if "429" not in document["paths"][path][method]["responses"]
    ] == []
    secured = document["paths"]["/api/v1/webhooks"]["post"]["responses"]
    assert "429" not in secured


def test_a_create_route_links_to_the_routes_of_what_it_created(document):
    links = document["paths"]["/api/v1/webhooks"]["post"]["responses"][201]["links"]
    targets = {link["operationId"]: link["parameters"] for link in links.values()}
    detail = document["paths"]["/api/v1/webhooks/{subscription_id}"]
    for method in ("get", "patch", "delete"):
        assert targets[detail[method]["operationId"]] == {"subscription_id": "$response.body#/id"}


def test_an_id_beyond_64_bits_is_refused_not_a_server_error(business, owner, api_for):
    # Found by the fuzz test: SQLite overflows on such an integer, which answered 500.
    api = api_for(owner)
    response = api.put(
        "/api/v1/security/policy", data=json.dumps({"role_ids": [2**80]}), content_type="application/json"
    )
    assert response.status_code == 422
    assert "role_ids" in response.json()["errors"]
    assert api.get(f"/api/v1/webhooks/{2**70}").status_code == 404
