"""The OpenAPI document lists, on every route, the error statuses the API can answer, with the error body."""

from config.api import api


def test_every_route_documents_401_403_404_409_422_with_the_error_body():
    document = api.get_openapi_schema()
    assert document["components"]["schemas"]["CoreErrorOut"]["required"] == ["detail", "errors"]
    operations = [operation for methods in document["paths"].values() for operation in methods.values()]
    assert len(operations) > 50
    for operation in operations:
        for status in ("401", "403", "404", "409", "422"):
            response = operation["responses"][status]
            assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CoreErrorOut"}


def test_the_served_document_is_the_same(anonymous):
    document = anonymous.get("/api/v1/openapi.json").json()
    post_webhooks = document["paths"]["/api/v1/webhooks"]["post"]["responses"]
    assert {"201", "401", "403", "404", "409", "422"} <= set(post_webhooks)
